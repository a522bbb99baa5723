"""Where a queued comment sits in its thread: the replies above it and those beside it.

A moderator judges a reply by what it answers, so each queue item carries its parent chain
and the other replies to the same parent, read for a whole page at once.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber

from comments.models import Comment

# Enough to see the conversation; the permalink shows the rest in place.
SIBLINGS_SHOWN = 5
_CONTEXT_FIELDS = ("user_name", "comment", "status", "submit_date", "parent_id", "thread_id")


@dataclass
class ThreadContext:
    ancestors: list[Comment] = field(default_factory=list)  # the thread's root first
    siblings: list[Comment] = field(default_factory=list)  # oldest first, SIBLINGS_SHOWN at most
    sibling_count: int = 0  # every other reply to the same parent

    @property
    def parent(self) -> Comment | None:
        return self.ancestors[-1] if self.ancestors else None

    @property
    def more_siblings(self) -> int:
        return self.sibling_count - len(self.siblings)


def _is_reply(comment: Comment) -> bool:
    # xtd's convention: a top-level comment is its own parent.
    return comment.parent_id != comment.pk


def _context_rows() -> QuerySet[Comment]:
    return Comment.objects.only(*_CONTEXT_FIELDS).order_by()


def _ancestors_by_id(rows: list[Comment]) -> dict[int, Comment]:
    """Every comment above the rows, one query per level of nesting (never per row)."""
    found: dict[int, Comment] = {c.pk: c for c in rows}
    wanted = {c.parent_id for c in rows if _is_reply(c)} - found.keys()
    for _ in range(settings.PARLEY_THREAD_DEPTH):  # a chain is never longer than the depth
        if not wanted:
            break
        parents = _context_rows().in_bulk(wanted)
        found.update(parents)
        wanted = {c.parent_id for c in parents.values() if _is_reply(c)} - found.keys()
    return found


def _siblings_by_parent(rows: list[Comment]) -> dict[int, tuple[list[Comment], int]]:
    """The first replies to each parent of the rows and how many it has, in one query."""
    replies_of = [c for c in rows if _is_reply(c)]
    if not replies_of:
        return {}
    # One more than shown per parent: the row itself may be among the first. By thread too,
    # which is indexed (xtd leaves parent_id without an index).
    replies = (
        _context_rows()
        .filter(
            thread_id__in={c.thread_id for c in replies_of},
            parent_id__in={c.parent_id for c in replies_of},
        )
        .exclude(pk=F("parent_id"))
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("parent_id")],
                order_by=[F("submit_date").asc(), F("pk").asc()],
            ),
            replies=Window(Count("pk"), partition_by=[F("parent_id")]),
        )
        .filter(position__lte=SIBLINGS_SHOWN + 1)
    )
    by_parent: dict[int, tuple[list[Comment], int]] = {}
    for reply in sorted(replies, key=lambda c: c.position):
        shown, _ = by_parent.get(reply.parent_id, ([], 0))
        shown.append(reply)
        by_parent[reply.parent_id] = (shown, reply.replies)
    return by_parent


def thread_contexts(rows: list[Comment]) -> dict[int, ThreadContext]:
    """Each row's parent chain and its siblings, by comment id, in a fixed number of queries
    (one per level of nesting, plus one)."""
    known = _ancestors_by_id(rows)
    siblings = _siblings_by_parent(rows)
    contexts = {}
    for comment in rows:
        chain: list[Comment] = []
        current = comment
        while _is_reply(current) and current.parent_id in known:
            current = known[current.parent_id]
            chain.append(current)
        shown, replies = siblings.get(comment.parent_id, ([], 0)) if _is_reply(comment) else ([], 0)
        others = [c for c in shown if c.pk != comment.pk]
        contexts[comment.pk] = ThreadContext(
            ancestors=chain[::-1],
            siblings=others[:SIBLINGS_SHOWN],
            sibling_count=max(replies - 1, 0),
        )
    return contexts
