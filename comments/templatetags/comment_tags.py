from datetime import datetime

from django import template
from django.utils.safestring import SafeString

from ..dates import day_html as _day_html
from ..form_html import form_fields_html
from ..forms import CommentForm
from ..presenters_section import comment_section_context

register = template.Library()


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comment_section(context, article):
    """Render an article's comment section: thread page, pagination and the reply form."""
    section = comment_section_context(
        context["request"],
        article,
        form=context.get("comment_form"),
        notice=context.get("comment_notice", ""),
    )
    section["csrf_token"] = context.get("csrf_token")
    return section


@register.filter
def day_html(value: datetime) -> SafeString:
    """A day in the reader's language, inside <time datetime>: "27 November 2026"."""
    return _day_html(value)


@register.simple_tag
def comment_form_fields(form: CommentForm | None) -> SafeString:
    """The "Leave a Reply" form's fields, honeypot and signed hidden fields, as Django's form
    templates render them but without those templates (every article page shows the form)."""
    return form_fields_html(form)
