"""Every email Parley sends is built here: plain text and HTML from one template pair, the
site's subject prefix, the language it is written in (Content-Language), and one-click
unsubscribe headers on list mail."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import get_language

from core.text import one_line


def email_build(
    *, to: str, subject: str, template: str, context: dict, unsubscribe_url: str = ""
) -> EmailMultiAlternatives:
    """A message to `to` from `template`.txt and `template`.html; with `unsubscribe_url`
    it carries RFC 8058 one-click unsubscribe headers."""
    context = {**context, "unsubscribe_url": unsubscribe_url}
    # Written in the active language: the caller chooses it (translation.override).
    headers = {"Content-Language": get_language() or settings.LANGUAGE_CODE}
    if unsubscribe_url:
        headers |= {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message = EmailMultiAlternatives(
        # One line: a header with a line break is refused and the message never goes (a
        # name stored with one before names were kept to a line).
        subject=one_line(f"{settings.PARLEY_EMAIL_SUBJECT_PREFIX}{subject}"),
        body=render_to_string(f"{template}.txt", context),
        to=[to],
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message
