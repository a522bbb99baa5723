"""A comment in its conversation: where a reply's poster lands, and where a permalink to a
reply leads."""

from django.db.models import Max, Min, Q, QuerySet, Subquery, Value
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
    renders the same few comments in a thread of ten or of thousands.

    In pre-order, a comment's ancestor at each level is the last comment of that level
    before it, and its replies are what follows it up to the next comment of its level or
    above; both read from positions alone, in the one query."""

    def build(values: dict) -> QuerySet:
        visible = visible_to_q(user_id=values.get("user"), own_ids=marked_list(values, "own"))
        if moderating:
            visible |= Q(status__in=MODERATED_STATES)
        thread = XtdComment.objects.filter(thread_id=values["thread"]).order_by()
        target = thread.filter(pk=values["context"])
        at = Subquery(target.values("order")[:1])
        level = Subquery(target.values("level")[:1])
        ancestors = (
            thread.filter(order__lt=at, level__lt=level)
            .values("level")
            .annotate(last=Max("order"))
            .values("last")
        )
        after = (
            thread.filter(order__gt=at, level__lte=level)
            .values("thread_id")
            .annotate(first=Min("order"))
            .values("first")
        )
        wanted = Q(order__in=ancestors) | Q(
            order__gte=at, order__lt=Coalesce(Subquery(after), Value(THREAD_END))
        )
        return (
            Comment.objects.filter(wanted, thread_id=values["thread"])
            .filter(visible | Q(nested_count__gt=0))
            .order_by("thread_id", "order")
            .values(*SECTION_FIELDS)
        )

    return [SectionRow(**row) for row in marked.read(("context rows", moderating), build)]
