"""A comment in its conversation: where a reply's poster lands, and where a permalink to a
reply leads."""

from django.conf import settings
from django.db.models import Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django_comments_xtd.models import XtdComment

from .models import Comment, visible_to_q
from .section_rows import SECTION_FIELDS, SectionRow
from .selectors_marked import Marks, marked_list
from .selectors_threads import MODERATED_STATES

# Past every position a thread holds (xtd's order is a 32-bit integer on PostgreSQL).
THREAD_END = 2**31 - 1


def comment_context_rows(marked: Marks, *, moderating: bool) -> list[SectionRow]:
    """The comment named by value "context" in its conversation (thread "thread"), as the
    viewer sees it: the comments it answers, up to its thread's first, then it and its
    replies. The rest of the thread (other branches, however many) is left out, so the page
    renders the same few comments in a thread of ten or of thousands, and reads them with
    seeks on (thread_id, order) and on ids: the comments it answers by its parent chain,
    its replies as the positions from its own up to the next comment of its level or above
    (pre-order)."""
    depth = settings.PARLEY_THREAD_DEPTH  # a chain is never longer than the depth
    rows = _context_read(marked, moderating=moderating, depth=depth)
    context_id = marked.values["context"]
    shown = next((row for row in rows if row.pk == context_id), None)
    if shown is not None and shown.level > depth:
        # Posted when threads ran deeper than they do now: its chain is longer.
        rows = _context_read(marked, moderating=moderating, depth=shown.level)
    return rows


def _context_read(marked: Marks, *, moderating: bool, depth: int) -> list[SectionRow]:
    def build(values: dict) -> QuerySet:
        visible = visible_to_q(user_id=values.get("user"), own_ids=marked_list(values, "own"))
        if moderating:
            visible |= Q(status__in=MODERATED_STATES)
        thread_id = values["thread"]
        xtd = XtdComment.objects.order_by()
        # Only in the thread named: a comment of another thread has positions of its own,
        # which would pick out comments of this one that answer nothing of it.
        target = xtd.filter(pk=values["context"], thread_id=thread_id)
        at = Subquery(target.values("order")[:1])
        level = Subquery(target.values("level")[:1])
        end = Subquery(
            xtd.filter(thread_id=thread_id, order__gt=at, level__lte=level)
            .order_by("order")
            .values("order")[:1]
        )
        wanted = Q(thread_id=thread_id, order__gte=at, order__lt=Coalesce(end, Value(THREAD_END)))
        above = target
        for _ in range(depth):
            # Each term names its thread too, so every one is a seek on (thread_id, order).
            above = xtd.filter(pk=Subquery(above.values("parent_id")[:1]))
            wanted |= Q(thread_id=thread_id, order=Subquery(above.values("order")[:1]))
        return (
            Comment.objects.filter(wanted)
            .filter(visible | Q(nested_count__gt=0))
            .order_by("thread_id", "order")
            .values(*SECTION_FIELDS)
        )

    key = ("context rows", moderating, depth)
    return [SectionRow(**row) for row in marked.read(key, build)]
