"""Where a new comment goes: a new thread, or its place in the thread of the comment it
answers (its parent, level and pre-order position), read under the thread's lock.

Positions (xtd's `order`) keep gaps: a reply appended to its thread goes GAP past the last
position, and one placed inside the thread (after its parent's replies, before the next
branch) takes the middle of the gap there. Only when a gap is used up do the comments after
it move, by GAP at once, rather than every later comment of the thread moving by one on
every reply: a busy thread of thousands would rewrite thousands of rows per reply.
"""

from django.db import connection
from django.db.models import F, Subquery
from django.utils.translation import gettext
from django_comments_xtd.models import XtdComment

from articles.models import Article
from core.db import CompiledUpdate, CompiledValues

from ..models import Comment, CommentStatus
from .poster import CommentRejected, Poster
from .threads import max_level, thread_lock_for

# Positions between a thread's consecutive appends (xtd's order is a 32-bit integer on
# PostgreSQL: two million appends to one thread).
GAP = 1024
# What placing a reply reads of the comment it answers.
PARENT_FIELDS = (
    "pk", "article_id", "user_id", "status", "level", "parent_id", "thread_id", "order",
    "followup",
)  # fmt: skip
# Read on every reply: compiled once (core.db).
_parent_read = CompiledValues(
    lambda pk: Comment.objects.filter(pk=pk).order_by().values(*PARENT_FIELDS)[:1],
    pk=Comment._meta.pk,
)


# Where a reply goes: the thread's last position, and the first after the parent's subtree.
# Each is a seek on (thread_id, order) (comments migration 0015), not a scan of the thread:
# a reply costs the same in a thread of ten or of ten thousand.
def _thread_positions(thread_id):
    return XtdComment.objects.filter(thread_id=thread_id).order_by()


def _thread_last(thread_id) -> Subquery:
    return Subquery(_thread_positions(thread_id).order_by("-order").values("order")[:1])


# Both are read beside the row of the comment replied to (which the thread lock keeps there).
_thread_end_read = CompiledValues(
    # A top-level comment: its id is its thread's.
    lambda thread_id: (
        XtdComment.objects.filter(pk=thread_id).order_by().values(last=_thread_last(thread_id))
    ),
    thread_id=XtdComment._meta.get_field("thread_id"),
)


def _subtree_end(pk, thread_id, order, level):
    """The first position after the subtree of comment `pk` at `order` and `level` (None at
    the thread's end), the last position before it, and the thread's last."""
    first_after = Subquery(
        _thread_positions(thread_id)
        .filter(order__gt=order, level__lte=level)
        .order_by("order")
        .values("order")[:1]
    )
    before_next = Subquery(
        _thread_positions(thread_id)
        .filter(order__lt=first_after)
        .order_by("-order")
        .values("order")[:1]
    )
    return (
        XtdComment.objects.filter(pk=pk)
        .order_by()
        .values(next=first_after, before_next=before_next, last=_thread_last(thread_id))
    )


_subtree_end_read = CompiledValues(
    _subtree_end,
    pk=XtdComment._meta.pk,
    thread_id=XtdComment._meta.get_field("thread_id"),
    order=XtdComment._meta.get_field("order"),
    level=XtdComment._meta.get_field("level"),
)
# Used up the gap at a position: it and every later one of the thread move GAP on.
_room_make = CompiledUpdate(
    lambda thread_id, at: (
        XtdComment.objects.filter(thread_id=thread_id, order__gte=at),
        {"order": F("order") + GAP},
    ),
    thread_id=XtdComment._meta.get_field("thread_id"),
    at=XtdComment._meta.get_field("order"),
)


def comment_root_place(article: Article, fields: dict) -> Comment:
    """A new top-level comment, not yet stored, with `fields`."""
    # Locking the article serializes new threads on PostgreSQL so that two identical
    # submissions sent at once store one row; SQLite's IMMEDIATE transactions already do.
    if connection.features.has_select_for_update:
        list(Article.objects.select_for_update().filter(pk=article.pk).order_by().values("pk"))
    # thread_id 0: the comment becomes its own thread and parent as it is inserted.
    return Comment(**fields, thread_id=0, parent_id=0, level=0, order=1)


def comment_reply_place(
    article: Article, reply_to: int, own_ids: frozenset[int], poster: Poster, fields: dict
) -> Comment:
    """A new reply to `reply_to`, not yet stored, placed after its parent's subtree (beside
    its parent at the deepest level). Refused if the parent is not on this article, or not
    published and not the poster's own."""
    # Lock the parent's thread first: concurrent replies into it queue here, so `order`
    # stays unique; then read the parent, whose `order` cannot move any more.
    thread_lock_for(comment_id=reply_to)
    parent = comment_parent_row(reply_to)
    if parent is None or parent["article_id"] != article.pk:
        raise CommentRejected(
            "reply_to", gettext("The comment you are replying to does not exist here.")
        )
    is_own = (parent["pk"] in own_ids and parent["user_id"] is None) or (
        poster.user is not None and parent["user_id"] == poster.user.pk
    )
    if parent["status"] != CommentStatus.PUBLISHED and not is_own:
        raise CommentRejected(
            "reply_to", gettext("The comment you are replying to is not available.")
        )
    answered = parent
    if parent["level"] >= max_level() and parent["parent_id"] != parent["pk"]:
        # Placed beside the comment it answers, under the same parent; whom it answers is
        # kept, for the notice its author asked for (Comment.answered_id).
        parent = comment_parent_row(parent["parent_id"])
        meta = {**fields.get("submission_meta", {}), "replied_to": answered["pk"]}
        fields = {**fields, "submission_meta": meta}

    # The first comment after the parent's subtree, if any, and the thread's last position.
    thread_id, level = parent["thread_id"], parent["level"]
    if level == 0:
        # A top-level comment's subtree is its whole thread: nothing comes after it.
        positions = {"next": None, **_thread_end_read(thread_id=thread_id)[0]}
    else:
        positions = _subtree_end_read(
            pk=parent["pk"], thread_id=thread_id, order=parent["order"], level=level
        )[0]
    next_order = positions["next"]
    if next_order is None:
        order = positions["last"] + GAP
    else:
        before = positions["before_next"]
        if next_order - before < 2:
            _room_make(thread_id=thread_id, at=next_order)
            next_order += GAP
        # The middle of the gap: room both for later replies to the parent and for replies
        # to this one.
        order = before + (next_order - before) // 2
    reply = Comment(
        **fields, thread_id=thread_id, parent_id=parent["pk"], level=level + 1, order=order
    )
    reply.parent_followup = answered["followup"]
    return reply


def comment_parent_row(comment_id: int) -> dict | None:
    """The columns placing a reply needs of the comment it answers (not a whole model:
    building one from the three comment tables costs more than this query)."""
    return next(iter(_parent_read(pk=comment_id)), None)
