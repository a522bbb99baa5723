"""What a webhook is told: a JSON body naming the comment and its article, with a line of
text for Slack (`text`) and Discord (`content`)."""

from django.conf import settings
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from comments.models import Comment
from core.http import absolute_url

from ..models import Report, WebhookEvent

EXCERPT_CHARS = 280


def webhook_payload(*, event: str, comment: Comment, reason: str = "") -> dict:
    """The JSON body of an event about a comment (its article loaded), in the site's
    language: the chat it lands in is the team's, not the reader's whose report or comment
    set it off."""
    with translation.override(settings.LANGUAGE_CODE):
        return _payload(event, comment, reason)


def _payload(event: str, comment: Comment, reason: str) -> dict:
    article = comment.article
    comment_url = absolute_url("comments:permalink", comment.pk)
    excerpt = Truncator(" ".join(comment.comment.split())).chars(EXCERPT_CHARS)
    what = _what(event, name=comment.user_name, title=article.title, reason=reason)
    link_text = pgettext("a link to the comment", "Open")
    return {
        "event": event,
        "comment": {
            "id": comment.pk,
            "url": comment_url,
            "author_name": comment.user_name,
            "excerpt": excerpt,
            "status": comment.status,
        },
        "article": {
            "id": article.pk,
            "title": article.title,
            "url": absolute_url("articles:detail", article.slug),
        },
        "reason": reason,
        "moderation_url": absolute_url("moderation:queue"),
        # Slack reads `text` as mrkdwn, where <...> makes links and mentions: what readers
        # wrote is escaped so that it stays text.
        "text": f"{_slack_escape(what)}: {_slack_escape(excerpt)} <{comment_url}|{link_text}>",
        # Discord reads `content`; allowed_mentions keeps an @everyone in a comment inert.
        "content": f"{what}: {excerpt} {comment_url}",
        "allowed_mentions": {"parse": []},
    }


def _what(event: str, *, name: str, title: str, reason: str) -> str:
    """What happened, in a line: "Comment by Ann on “Title” held for review"."""
    values = {"name": name, "title": title}
    if event == WebhookEvent.REPORTED and reason:
        values["reason"] = dict(Report.Reason.choices).get(reason, reason)
        return _("Comment by %(name)s on “%(title)s” reported (%(reason)s)") % values
    return {
        WebhookEvent.HELD: _("Comment by %(name)s on “%(title)s” held for review"),
        WebhookEvent.REPORTED: _("Comment by %(name)s on “%(title)s” reported"),
        WebhookEvent.PUBLISHED: _("Comment by %(name)s on “%(title)s” published"),
    }[event] % values


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
