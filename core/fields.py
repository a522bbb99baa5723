"""Form fields the apps share."""

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
