"""Where a new comment goes: a new thread, or its place in the thread of the comment it
answers (its parent, level and pre-order position), read under the thread's lock."""

from django.db import connection
from django.db.models import F, Max, Min, Q
from django.utils.translation import gettext
from django_comments_xtd.models import XtdComment

from articles.models import Article
from core.db import CompiledValues

from ..models import Comment, CommentStatus
from .poster import CommentRejected, Poster
from .threads import max_level, thread_lock_for

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
_thread_end_read = CompiledValues(
    lambda thread_id: (
        Comment.objects.filter(thread_id=thread_id)
        .order_by()
        .values("thread_id")
        .annotate(last=Max("order"))
    ),
    thread_id=XtdComment._meta.get_field("thread_id"),
)
_subtree_end_read = CompiledValues(
    lambda thread_id, order, level: (
        Comment.objects.filter(thread_id=thread_id)
        .order_by()
        .values("thread_id")
        .annotate(next=Min("order", filter=Q(order__gt=order, level__lte=level)), last=Max("order"))
    ),
    thread_id=XtdComment._meta.get_field("thread_id"),
    order=XtdComment._meta.get_field("order"),
    level=XtdComment._meta.get_field("level"),
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
    is_own = parent["pk"] in own_ids or (
        poster.user is not None and parent["user_id"] == poster.user.pk
    )
    if parent["status"] != CommentStatus.PUBLISHED and not is_own:
        raise CommentRejected(
            "reply_to", gettext("The comment you are replying to is not available.")
        )
    if parent["level"] >= max_level() and parent["parent_id"] != parent["pk"]:
        parent = comment_parent_row(parent["parent_id"])

    # The first comment after the parent's subtree, if any, and the thread's last position.
    thread_id, level = parent["thread_id"], parent["level"]
    if level == 0:
        # A top-level comment's subtree is its whole thread: nothing comes after it.
        positions = {"next": None, **_thread_end_read(thread_id=thread_id)[0]}
    else:
        positions = _subtree_end_read(thread_id=thread_id, order=parent["order"], level=level)[0]
    next_order = positions["next"]
    if next_order is None:
        order = positions["last"] + 1
    else:
        # Make room after the parent's subtree (pre-order position).
        XtdComment.objects.filter(thread_id=thread_id, order__gte=next_order).update(
            order=F("order") + 1
        )
        order = next_order
    reply = Comment(
        **fields, thread_id=thread_id, parent_id=parent["pk"], level=level + 1, order=order
    )
    reply.parent_followup = parent["followup"]
    reply.grandparent_id = parent["parent_id"]
    return reply


def comment_parent_row(comment_id: int) -> dict | None:
    """The columns placing a reply needs of the comment it answers (not a whole model:
    building one from the three comment tables costs more than this query)."""
    return next(iter(_parent_read(pk=comment_id)), None)
