"""What a poster is told about their own comment, worded from its state when it is shown.

A post's confirmation is queued as a message that names the comment; the thread shows it
inside that comment (where the redirect lands), worded from the comment's status at that
moment, and the page's script rewords it when the verdict comes. So nobody reads "awaiting
moderation" above a comment that was published thirty milliseconds after the post.
"""

from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from core.http import messages_tagged

from .models import CommentStatus

NOTICE_TAG = "comment-notice"
# A line for a reader about someone else's comment (their report of it). It contains
# NOTICE_TAG, so the page's messages block leaves it to the comment section too.
NOTE_TAG = "comment-notice-note"
KINDS = ("posted", "edited")

# How the poster sees a status: spam looks held to them (a bot learns nothing from the
# verdict), and a shadow-banned poster sees their comment as published. Removed (or deleted
# by the poster in another tab) is only ever told to the page's script following a comment
# that awaited a verdict: a page drawn afresh no longer shows the comment.
PENDING, PUBLISHED, HELD, REMOVED, DELETED = "pending", "published", "held", "removed", "deleted"
REMOVED_SENTENCE = gettext_lazy("A moderator removed your comment.")
DELETED_SENTENCE = gettext_lazy("Your comment was deleted.")

SENTENCES = {
    ("posted", PUBLISHED): gettext_lazy("Thank you: your comment is published."),
    ("posted", PENDING): gettext_lazy("Thank you: your comment is being checked."),
    ("posted", HELD): gettext_lazy("Thank you: your comment is awaiting moderation."),
    ("edited", PUBLISHED): gettext_lazy("Your comment was updated and is published."),
    ("edited", PENDING): gettext_lazy("Your edit is being checked."),
    ("edited", HELD): gettext_lazy("Your edited comment is awaiting moderation."),
    ("", PUBLISHED): "",
    ("", PENDING): gettext_lazy("Your comment is being checked."),
    ("", HELD): gettext_lazy("Your comment is awaiting moderation."),
    ("posted", REMOVED): REMOVED_SENTENCE,
    ("edited", REMOVED): REMOVED_SENTENCE,
    ("", REMOVED): REMOVED_SENTENCE,
    # Deleted by its poster (in another tab, while this one waited on the verdict).
    ("posted", DELETED): DELETED_SENTENCE,
    ("edited", DELETED): DELETED_SENTENCE,
    ("", DELETED): DELETED_SENTENCE,
}
# Queued with the post, so worded in the poster's language then.
FALLBACK = {
    "posted": gettext_lazy("Thank you: your comment was received."),
    "edited": gettext_lazy("Your comment was updated."),
    "deleted": DELETED_SENTENCE,
}


def status_seen_by_poster(status: str, *, shadow: bool = False) -> str:
    """The state a poster is shown for their own comment: pending, published, held, removed
    or (by themselves) deleted."""
    if status == CommentStatus.PUBLISHED or (status == CommentStatus.SPAM and shadow):
        return PUBLISHED
    if status in (CommentStatus.PENDING, CommentStatus.REMOVED, CommentStatus.DELETED):
        return str(status)
    return HELD


def status_label_for_poster(status: str, *, shadow: bool = False) -> str:
    """The name of a comment's state, in the active language, as its poster is shown it."""
    return str(CommentStatus(status_seen_by_poster(status, shadow=shadow)).label)


def notice_text(kind: str, seen: str) -> str:
    """The sentence, in the active language, for a notice of `kind` ("posted", "edited" or
    "") about a comment the poster sees as `seen`."""
    return str(SENTENCES.get((kind if kind in KINDS else "", seen), ""))


def notice_add(request: HttpRequest, *, comment_id: int, kind: str) -> None:
    """Queue the confirmation shown inside the comment on the next page (at the top of the
    comment section when the comment is gone)."""
    messages.success(
        request, FALLBACK[kind], extra_tags=f"{NOTICE_TAG} notice-{kind} c{comment_id}"
    )


def messages_about_comments(request: HttpRequest, tag: str) -> list[tuple[int, Message]]:
    """The queued messages tagged `tag`, in order, each with the id of the comment its
    "c<id>" tag names (0 for none): what the comment section places inside comments."""
    return messages_tagged(request, tag=tag, prefix="c")


def notice_pending(request: HttpRequest) -> tuple[int, str, str] | None:
    """The newest queued comment confirmation, if any: (comment id, kind, fallback)."""
    pending = messages_about_comments(request, NOTICE_TAG)
    if not pending:
        return None
    comment_id, message = pending[-1]
    kind = next((t[7:] for t in message.extra_tags.split() if t.startswith("notice-")), "")
    return comment_id, kind, message.message


def note_add(request: HttpRequest, *, comment_id: int, text: str) -> None:
    """Queue a line about a comment (a reader's report of it) for the next page: inside that
    comment, where the redirect lands, or at the top of the comment section when the
    comment is no longer shown."""
    messages.success(request, text, extra_tags=f"{NOTE_TAG} c{comment_id}")


def notes_place(request: HttpRequest, nodes: list) -> str:
    """Put queued notes inside their comments; return those whose comment is not shown (or
    already says something), for the top of the section."""
    shown = {node.pk: node for node in nodes if not node.placeholder}
    elsewhere = []
    for comment_id, message in messages_about_comments(request, NOTE_TAG):
        node = shown.get(comment_id)
        if node is not None and not node.notice:
            node.notice = str(message.message)
        else:
            elsewhere.append(str(message.message))
    return " ".join(elsewhere)
