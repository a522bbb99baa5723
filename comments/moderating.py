"""The moderator's view of an article's comment section (`?moderate=1`): who may have it,
the switch to it with the article's held and spam counts, and the notes that tell a
moderator, inside the comment, what their action on it did.

Who may moderate is the moderation app's rule, asked through PARLEY_COMMENT_MODERATION_CHECK
the way the comments app asks its other hooks (comments/screening.py).
"""

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest
from django.utils.module_loading import import_string

from articles.models import Article
from core.roles import is_moderator

from .notices import messages_about_comments
from .selectors import moderated_counts

if TYPE_CHECKING:
    from .models import Comment
    from .presenters import CommentNode

# A moderator's action on the article page reports back inside the comment it was about.
# The page's messages block leaves every tag containing "comment-notice" to the comment
# section (templates/articles/article_detail.html), and comments.notices reads only its own.
MODERATION_NOTICE_TAG = "comment-notice-moderation"


def words_version(comment: "Comment") -> str:
    """Which version of a comment's words a page shows: when they were last edited, by its
    author or by staff ("" for never). A moderator's form sends it back, so that a decision
    is not taken on words the moderator never read (moderation.services.comments_moderate)."""
    edited_at: datetime | None = comment.edited_at
    return edited_at.isoformat() if edited_at else ""


def comment_words_changed(comment: "Comment", shown: str | None) -> bool:
    """Whether the comment's words were edited since a page showed version `shown` of them
    (words_version); a form that did not say (None) is taken to have shown them."""
    return shown is not None and shown != words_version(comment)


def comment_bannable(comment) -> bool:
    """Whether anything is kept to ban the comment's author by: an account, an email or an
    IP address (a guest's IP is dropped after the retention period, an import may keep
    neither). Without any, a "Ban author" link would lead only to "nothing to ban"."""
    return bool(comment.user_id or comment.user_email or comment.ip_address)


def moderation_allowed(*, user, article: Article) -> bool:
    """Whether `user` may moderate the comments on `article`: the site's answer
    (PARLEY_COMMENT_MODERATION_CHECK, the moderation app's rule), else moderators only."""
    check = settings.PARLEY_COMMENT_MODERATION_CHECK
    if not check:
        return is_moderator(user)
    return import_string(check)(user=user, article=article)


def moderation_toggle(*, article: Article, moderating: bool, order_query: str) -> dict:
    """The switch between the readers' view of the section and the moderator's, with the
    article's held and spam counts (one query)."""
    counts = moderated_counts(article=article)
    url = article.get_absolute_url()
    return {
        "on": moderating,
        "held": counts["held"],
        "spam": counts["spam"],
        "show_url": f"{url}?{order_query}moderate=1#comments",
        "hide_url": f"{url}?{order_query.rstrip('&')}#comments"
        if order_query
        else f"{url}#comments",
    }


def moderation_notice_add(request: HttpRequest, *, comment_id: int, text: str, done: bool) -> None:
    """Queue what a moderator's action did, for the comment it was about on the next page
    (the top of the comment section when that comment is no longer shown)."""
    level = messages.SUCCESS if done else messages.WARNING
    messages.add_message(request, level, text, extra_tags=f"{MODERATION_NOTICE_TAG} c{comment_id}")


def moderation_notices_place(request: HttpRequest, nodes: "list[CommentNode]") -> str:
    """Put queued moderation notices inside their comments; return any whose comment is not
    on the page, for the top of the section."""
    elsewhere = []
    shown = {node.pk: node for node in nodes if not node.placeholder}
    for comment_id, message in messages_about_comments(request, MODERATION_NOTICE_TAG):
        if comment_id in shown:
            shown[comment_id].moderation_note = message.message
        else:
            elsewhere.append(message.message)
    return " ".join(elsewhere)
