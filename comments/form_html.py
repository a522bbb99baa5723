"""The "Leave a Reply" form's fields as HTML, built in Python.

Every article page shows the form, and Django's form templates (templates/django/forms/
field.html, then a widget template and attrs.html per input) cost about a third of the page's
template time. This module makes the same markup, whitespace included, from the same parts
Django's templates read: each BoundField's widget attributes (required, aria-invalid,
aria-describedby, id), value, label, help text and errors, escaped as the templates escape
them. A field it was not written for (a fieldset, another widget or field template) is left
to Django's rendering, so the output never drifts from it; tests/comments/test_form_html.py
compares the two.
"""

from html import escape

from django.forms import BoundField, Form
from django.utils.safestring import SafeData, SafeString, mark_safe

# The widget templates that only include django/forms/widgets/input.html.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "email", "url", "number", "hidden", "checkbox")
)
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
FIELD_TEMPLATE = "django/forms/field.html"
REQUIRED_MARK = ' <span class="required" aria-hidden="true">*</span>'


# Escaping here is the standard library's, which Django's escape() wraps: the same characters
# without the lazy-string check on every call, a fifth of this module's time.


def _text(value) -> str:
    """A value as {{ value }} prints it: made a string, escaped unless already safe."""
    text = str(value)
    return text.__html__() if hasattr(text, "__html__") else escape(text)


def _value_text(value) -> str:
    """A value as {{ value|stringformat:'s' }} prints it: that filter keeps only safe strings
    safe, so a number or a lazy string is escaped like any text."""
    return value if isinstance(value, SafeData) else escape(str(value))


def _attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: True is a bare name, False is left out."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_value_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def widget_html(field: BoundField) -> str | None:
    """The field's control as str(field) renders it; None where its widget has a template
    this module does not reproduce."""
    widget = field.field.widget
    template = widget.template_name
    if field.field.show_hidden_initial or (
        template not in INPUT_TEMPLATES and template != TEXTAREA_TEMPLATE
    ):
        return None
    # The same steps as BoundField.as_widget, short of the template.
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    name = _text(context["name"])
    value = context["value"]
    if template == TEXTAREA_TEMPLATE:
        text = _text(value) if value else ""
        return f'<textarea name="{name}"{_attrs_html(context["attrs"])}>\n{text}</textarea>'
    value_html = f' value="{_value_text(value)}"' if value is not None else ""
    input_type = _text(context["type"])
    return f'<input type="{input_type}" name="{name}"{value_html}{_attrs_html(context["attrs"])}>'


def _field_group_html(field: BoundField) -> str:
    """What field.as_field_group() renders with templates/django/forms/field.html."""
    control = None
    if field.template_name == FIELD_TEMPLATE and not field.use_fieldset:
        control = widget_html(field)
    if control is None:
        return field.as_field_group()
    classes = "field"
    wrapper_class = getattr(field.field, "wrapper_class", "")
    if wrapper_class:
        classes += f" {_text(wrapper_class)}"
    checkbox = field.widget_type == "checkbox"
    if checkbox:
        classes += " field-check"
    errors = field.errors
    if errors:
        classes += " field-invalid"
    label_for = _text(field.id_for_label)
    label = _text(field.label)
    if checkbox:
        body = f'\n    {control} <label for="{label_for}">{label}</label>\n  '
    else:
        mark = REQUIRED_MARK if field.field.required else ""
        body = f'\n    <label for="{label_for}">{label}{mark}</label>\n    {control}\n  '
    auto_id = _text(field.auto_id)
    help_html = ""
    if field.help_text:
        help_html = f'<small class="help" id="{auto_id}_helptext">{_text(field.help_text)}</small>'
    error_html = ""
    if errors:
        messages = " ".join(_text(message) for message in errors)
        error_html = f'<span class="field-error" id="{auto_id}_error">{messages}</span>'
    return f'<p class="{classes}">\n  {body}\n  {help_html}\n  {error_html}\n</p>'


def field_control_html(field: BoundField) -> SafeString:
    """One field's control alone, as {{ form.field }} renders it (the follow box's email)."""
    control = widget_html(field)
    return mark_safe(str(field) if control is None else control)  # noqa: S308 - escaped above


def form_fields_html(form: Form | None) -> SafeString:
    """The comment form's fields: each visible one as its field group, the honeypot in its
    hidden paragraph, then the signed hidden fields."""
    if form is None:
        return SafeString("")
    visible = [field for field in form.visible_fields() if field.name != "honeypot"]
    parts = [_field_group_html(field) for field in visible]
    if "honeypot" in form.fields:
        honeypot = form["honeypot"]
        control = widget_html(honeypot)
        # Indented as the template around it was, so the page's bytes stay the same.
        parts.append(
            '\n      <p class="comment-form-hp" aria-hidden="true">\n        '
            f'<label for="{_text(honeypot.id_for_label)}">{_text(honeypot.label)}</label>\n        '
            f"{str(honeypot) if control is None else control}\n      </p>\n      "
        )
    for field in form.hidden_fields():
        control = widget_html(field)
        parts.append(str(field) if control is None else control)
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
