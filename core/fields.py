"""Form fields the apps share."""

import copy

from django import forms
from django.core.validators import MaxLengthValidator


class BrowserMaxLengthValidator(MaxLengthValidator):
    """A maxlength counted as browsers count theirs: in UTF-16 code units, so an emoji (or
    any character beyond the Basic Multilingual Plane) counts 2, where len() counts 1."""

    def clean(self, x):
        return len(x.encode("utf-16-le")) // 2


class UncutMixin:
    """A field whose input has no maxlength from its max_length: a browser cuts a paste at
    it without a word, and what was past the limit is lost unseen (a name cut short, a web
    address cut into a broken one). The server refuses what is too long, saying how long it
    is, and the form comes back with all of it."""

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class UncutCharField(UncutMixin, forms.CharField):
    """A CharField that a browser does not cut (UncutMixin)."""


class TextareaField(UncutMixin, forms.CharField):
    """A CharField for a textarea, whose length is counted as the browser counts it against
    a maxlength (the widget has none unless it is given one: UncutMixin).

    Browsers send a textarea's line breaks as CRLF but count each as one character against
    its maxlength, so a text the browser let through was refused as too long (3,000 typed
    characters with 58 line breaks "had" 3,058). Stored text keeps "\\n" alone, as it is
    rendered. And they count UTF-16 code units: a comment of emoji the browser stopped at
    1,500 would otherwise be let through at 3,000 by the server, and the two limits differ."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            BrowserMaxLengthValidator(self.max_length)
            if type(validator) is MaxLengthValidator
            else validator
            for validator in self.validators
        ]

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


class FieldsCopiedCheaply(dict):
    """A form's base_fields, copied for each new form as Django copies them, only faster.

    BaseForm.__init__ deep-copies base_fields so that a form can change its own fields (help
    texts, required flags) without touching any other form's. Field.__deepcopy__ and
    Widget.__deepcopy__ amount to a shallow copy of each with its own widget attrs, error
    messages and validators; going through copy.copy's generic protocol for each took 57 µs
    of the comment form's 67, on every post. Fields and widgets whose classes copy themselves
    in any other way go through copy.deepcopy as before.
    """

    def __deepcopy__(self, memo: dict) -> dict:
        return {name: _field_copy(field, memo) for name, field in self.items()}


def fields_copied_cheaply(form_class: type[forms.BaseForm]) -> type[forms.BaseForm]:
    """Class decorator: the form's fields are copied for each form by FieldsCopiedCheaply.
    A subclass's metaclass gives it a plain dict again."""
    form_class.base_fields = FieldsCopiedCheaply(form_class.base_fields)
    return form_class


_PLAIN_CLASSES: dict[tuple[type, type], bool] = {}


def _copies_plainly(cls: type, deepcopy) -> bool:
    # What copy.copy does for such a class is cls.__new__ and its __dict__ copied.
    return (
        cls.__deepcopy__ is deepcopy
        and cls.__reduce_ex__ is object.__reduce_ex__
        and cls.__reduce__ is object.__reduce__
        and cls.__getstate__ is object.__getstate__
        and not hasattr(cls, "__copy__")
        and not hasattr(cls, "__setstate__")
        and not hasattr(cls, "__slots__")
    )


def _shallow(thing):
    copied = type(thing).__new__(type(thing))
    copied.__dict__.update(thing.__dict__)
    return copied


def _field_copy(field: forms.Field, memo: dict) -> forms.Field:
    classes = (type(field), type(field.widget))
    plain = _PLAIN_CLASSES.get(classes)
    if plain is None:
        plain = _PLAIN_CLASSES[classes] = _copies_plainly(
            classes[0], forms.Field.__deepcopy__
        ) and _copies_plainly(classes[1], forms.Widget.__deepcopy__)
    if not plain:
        return copy.deepcopy(field, memo)
    # Field.__deepcopy__, then Widget.__deepcopy__ for its widget (once, if fields share it).
    result = _shallow(field)
    memo[id(field)] = result
    widget = memo.get(id(field.widget))
    if widget is None:
        widget = _shallow(field.widget)
        widget.attrs = field.widget.attrs.copy()
        memo[id(field.widget)] = widget
    result.widget = widget
    result.error_messages = field.error_messages.copy()
    result.validators = field.validators[:]
    return result
