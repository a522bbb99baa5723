"""Which threads of an article a viewer sees, in order: the queries behind a comment
section's pagination and a new comment's page number, compiled once per shape
(comments.selectors_marked)."""

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet, Subquery

from .models import AWAITING_STATES, Comment, CommentStatus, Thread, own_q
from .selectors_marked import Marks, PageRows, marked_list

# What a moderator's page shows besides what readers see ("Show held and spam comments").
MODERATED_STATES = (CommentStatus.HELD, CommentStatus.SPAM)


def threads_visible(
    *, article_id: int, own_ids: list[int], user_id: int | None, moderating: bool
) -> QuerySet[Thread]:
    """The threads of an article a viewer sees: listed ones, plus any holding their own
    comments that await moderation; `moderating`, any holding held or spam comments too."""
    threads = Thread.objects.filter(article_id=article_id)
    visible = Q(listed=True)
    own = own_q(user_id=user_id, own_ids=own_ids)
    if own is not None:
        own_threads = Comment.objects.filter(own, article_id=article_id, status__in=AWAITING_STATES)
        visible |= Q(pk__in=own_threads.values("thread_id"))
    if moderating:
        held = Comment.objects.filter(article_id=article_id, status__in=MODERATED_STATES)
        visible |= Q(pk__in=held.values("thread_id"))
    return threads.filter(visible)


def threads_ordered(threads: QuerySet[Thread], order: str) -> QuerySet[Thread]:
    if order == "best":
        # Threads by their first comment's confidence score, ties oldest first.
        return threads.order_by("-root__best_score", "root_id")
    return threads.order_by("-root_id" if order == "newest" else "root_id")


def viewer_marks(*, article_id: int, own_ids: Iterable[int], user_id: int | None) -> Marks:
    """The values of a query of an article's section that depend on its viewer."""
    return (
        Marks()
        .with_value("article", article_id, Thread._meta.get_field("article"))
        .with_list("own", sorted(own_ids), Comment._meta.pk)
        .with_value("user", user_id, Comment._meta.get_field("user"))
    )


def _threads_marked(values: dict, *, moderating: bool) -> QuerySet[Thread]:
    """threads_visible() from a query's values (or markers); one thread's alone when they
    name a root."""
    threads = threads_visible(
        article_id=values["article"], own_ids=marked_list(values, "own"),
        user_id=values.get("user"), moderating=moderating,
    )  # fmt: skip
    return threads.filter(root_id=values["root"]) if "root" in values else threads


def _counted(threads: QuerySet[Thread]) -> QuerySet:
    """COUNT(*) of one article's threads as a `.values()` query: one row, or none when
    there is nothing to count."""
    return threads.order_by().values("article_id").annotate(count=Count("pk"))


def _count_of(rows: list[dict]) -> int:
    return rows[0]["count"] if rows else 0


def thread_rows(marked: Marks, *, order: str, moderating: bool, per_page: int) -> PageRows:
    """(root id, published count, published replies) of the threads a viewer sees, in
    order, as Paginator pages them; with a "root" value, that one thread."""

    def page_read(offset: int) -> list[tuple[int, int]]:
        def build(values: dict) -> QuerySet:
            threads = threads_ordered(_threads_marked(values, moderating=moderating), order)
            # The page's threads are picked from the thread table, which its index keeps in
            # order, and only they are joined to their first comments: joined before the
            # offset, every thread of the pages before was (a last page read them all).
            page = threads.values("pk")[offset : offset + per_page]
            rows = threads_ordered(Thread.objects.filter(pk__in=page), order)
            return rows.values("root_id", "published_count", "root__status")

        rows = marked.read(("threads", order, moderating, offset, per_page), build)
        # published_count counts the root too when it is published; a removed or held root
        # with published replies shows as a placeholder, in front of all of them.
        return [
            (
                row["root_id"],
                row["published_count"],
                row["published_count"] - (row["root__status"] == CommentStatus.PUBLISHED),
            )
            for row in rows
        ]

    def count_read() -> int:
        def build(values: dict) -> QuerySet:
            return _counted(_threads_marked(values, moderating=moderating))

        return _count_of(marked.read(("thread count", moderating), build))

    return PageRows(page_read=page_read, count_read=count_read)


def threads_before(marked: Marks, *, thread_id: int, order: str, moderating: bool = False) -> int:
    """How many of the threads a viewer sees come before this one in `order` (`moderating`:
    on the moderators' view of the page, which shows held and spam threads too)."""
    order = order if order in ("newest", "best") else "oldest"
    marked = marked.with_value("thread", thread_id, Thread._meta.pk)

    def build(values: dict) -> QuerySet:
        threads, thread = _threads_marked(values, moderating=moderating), values["thread"]
        if order == "best":
            score = Subquery(Comment.objects.filter(pk=thread).values("best_score"))
            threads = threads.filter(
                Q(root__best_score__gt=score) | Q(root__best_score=score, root_id__lt=thread)
            )
        elif order == "newest":
            threads = threads.filter(root_id__gt=thread)
        else:
            threads = threads.filter(root_id__lt=thread)
        return _counted(threads)

    return _count_of(marked.read(("threads before", order, moderating), build))
