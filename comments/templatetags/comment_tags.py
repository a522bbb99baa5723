from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from ..form_html import form_fields_html
from ..forms import CommentForm
from ..presenters_section import comment_section_context
from ..thread_words import thread_words

register = template.Library()


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comment_section(context, article):
    """Render an article's comment section: thread page, pagination and the reply form."""
    section = comment_section_context(
        context["request"],
        article,
        form=context.get("comment_form"),
        notice=context.get("comment_notice", ""),
        details_notice=context.get("comment_details_notice", ""),
    )
    section["csrf_token"] = context.get("csrf_token")
    return section


@register.filter
def posted_html(value: datetime) -> SafeString:
    """When a comment was posted, as its thread shows it ("27 November 2026 at 14:05", the
    site's time zone), inside <time datetime data-local> for static/js/local_times.js."""
    local = timezone.localtime(value)
    text = mark_safe(thread_words().date_text(local))  # noqa: S308 - escaped by thread_words
    return format_html(
        '<time datetime="{}" data-local="datetime">{}</time>', local.isoformat(), text
    )


@register.simple_tag
def comment_form_fields(form: CommentForm | None) -> SafeString:
    """The "Leave a Reply" form's fields, honeypot and signed hidden fields, as Django's form
    templates render them but without those templates (every article page shows the form)."""
    return form_fields_html(form)
