"""Which threads of an article a viewer sees, in order: the queries behind a comment
section's pagination and a new comment's page number, compiled once per shape
(comments.selectors_marked)."""

from collections.abc import Iterable

from django.db.models import Func, IntegerField, Q, QuerySet, Subquery

from articles.models import Article

from .models import AWAITING_STATES, Comment, CommentStatus, Thread, own_q
from .selectors_marked import Marks, PageRows, marked_list

# What a moderator's page shows besides what readers see ("Show held and spam comments").
MODERATED_STATES = (CommentStatus.HELD, CommentStatus.SPAM)


# Which of the threads a viewer sees a query reads: all of them, the listed ones, or those
# shown to this viewer alone (unlisted). Counted apart, the listed ones are a range of their
# index; in one OR with a viewer's own, SQLite read every thread row of the article and
# sorted them all, for each count and page a poster is shown.
ALL, LISTED, UNLISTED = "all", "listed", "unlisted"


def threads_visible(
    *, article_id: int, own_ids: list[int], user_id: int | None, moderating: bool, part=ALL
) -> QuerySet[Thread]:
    """The threads of an article a viewer sees: listed ones, plus any holding their own
    comments that await moderation; `moderating`, any holding held or spam comments too.
    `part`: LISTED or UNLISTED, those alone."""
    threads = Thread.objects.filter(article_id=article_id)
    shown = _unlisted_shown(
        article_id=article_id, own_ids=own_ids, user_id=user_id, moderating=moderating
    )
    # As `listed IN (true)`: SQLite seeks an index by a column compared with a value, but
    # not by a bare boolean column, as Django writes listed=True; it read every thread of the
    # article instead.
    listed, unlisted = Q(listed__in=[True]), Q(listed__in=[False])
    if shown is None or part == LISTED:
        return threads.filter(listed) if part != UNLISTED else threads.none()
    if part == UNLISTED:
        return threads.filter(unlisted, pk__in=shown)
    return threads.filter(listed | Q(pk__in=shown))


def _unlisted_shown(
    *, article_id: int, own_ids: list[int], user_id: int | None, moderating: bool
) -> QuerySet | None:
    """The ids of the threads this viewer sees besides the listed ones (their own comments
    awaiting moderation; a moderator's held and spam), or None if they see only those."""
    parts = []
    own = own_q(user_id=user_id, own_ids=own_ids)
    if own is not None:
        parts.append(Q(own, status__in=AWAITING_STATES))
    if moderating:
        parts.append(Q(status__in=MODERATED_STATES))
    if not parts:
        return None
    shown = parts[0] if len(parts) == 1 else parts[0] | parts[1]
    return Comment.objects.filter(shown, article_id=article_id).values("thread_id")


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


def _threads_marked(values: dict, *, moderating: bool, part: str = ALL) -> QuerySet[Thread]:
    """threads_visible() from a query's values (or markers); one thread's alone when they
    name a root."""
    threads = threads_visible(
        article_id=values["article"], own_ids=marked_list(values, "own"),
        user_id=values.get("user"), moderating=moderating, part=part,
    )  # fmt: skip
    return threads.filter(root_id=values["root"]) if "root" in values else threads


def _sees_unlisted(marked: Marks, *, moderating: bool) -> bool:
    """Whether the viewer of these marks may see threads that are not listed: whether
    _unlisted_shown has any for them to look for."""
    values = marked.values
    own = own_q(user_id=values.get("user"), own_ids=marked_list(values, "own"))
    return moderating or own is not None


def _counted(threads: QuerySet[Thread]) -> QuerySet:
    """COUNT(*) of the threads as a `.values()` query of one row. Not Count(), which
    groups: SQLite sorted every row counted to group them."""
    return threads.order_by().values(count=Func(template="COUNT(*)", output_field=IntegerField()))


def _count_of(rows: list[dict]) -> int:
    return rows[0]["count"] if rows else 0


def _counted_apart(values: dict, *, moderating: bool, narrow=lambda threads: threads) -> QuerySet:
    """One row: how many listed threads, and how many unlisted ones, this viewer sees of
    the article (`narrow`: of those a filter keeps), each counted by its own index."""

    def count(part: str):
        threads = narrow(_threads_marked(values, moderating=moderating, part=part))
        return Subquery(_counted(threads).values("count"))

    article = Article.objects.filter(pk=values["article"]).order_by()
    return article.values(listed=count(LISTED), unlisted=count(UNLISTED))


def thread_rows(marked: Marks, *, order: str, moderating: bool, per_page: int) -> PageRows:
    """(root id, published count, published replies) of the threads a viewer sees, in
    order, as Paginator pages them; with a "root" value, that one thread."""
    apart = _sees_unlisted(marked, moderating=moderating)
    # Set by the count, which Paginator reads first: with none unlisted for this viewer,
    # a page is a range of the listed threads' index.
    unlisted = {"count": None}

    def page_read(offset: int) -> list[tuple[int, int]]:
        part = LISTED if unlisted["count"] == 0 else ALL

        def build(values: dict) -> QuerySet:
            threads = _threads_marked(values, moderating=moderating, part=part)
            threads = threads_ordered(threads, order)
            # The page's threads are picked from the thread table, which its index keeps in
            # order, and only they are joined to their first comments: joined before the
            # offset, every thread of the pages before was (a last page read them all).
            page = threads.values("pk")[offset : offset + per_page]
            rows = threads_ordered(Thread.objects.filter(pk__in=page), order)
            return rows.values("root_id", "published_count", "root__status")

        # The listed threads are the same for every viewer: the viewer's values would be
        # left out of the query, and a value it does not use leaves it uncompiled (core.db).
        reading = marked.only("article", "root") if part == LISTED else marked
        rows = reading.read(("threads", order, moderating, offset, per_page, part), build)
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
        if not apart:
            unlisted["count"] = 0
            rows = marked.read(
                ("thread count", moderating),
                lambda values: _counted(_threads_marked(values, moderating=moderating)),
            )
            return _count_of(rows)
        rows = marked.read(
            ("thread count apart", moderating),
            lambda values: _counted_apart(values, moderating=moderating),
        )
        counts = rows[0] if rows else {"listed": 0, "unlisted": 0}
        unlisted["count"] = counts["unlisted"]
        return counts["listed"] + counts["unlisted"]

    return PageRows(page_read=page_read, count_read=count_read)


def threads_before(marked: Marks, *, thread_id: int, order: str, moderating: bool = False) -> int:
    """How many of the threads a viewer sees come before this one in `order` (`moderating`:
    on the moderators' view of the page, which shows held and spam threads too)."""
    order = order if order in ("newest", "best") else "oldest"
    apart = _sees_unlisted(marked, moderating=moderating)
    marked = marked.with_value("thread", thread_id, Thread._meta.pk)

    def before(threads: QuerySet[Thread], thread) -> QuerySet[Thread]:
        if order == "best":
            score = Subquery(Comment.objects.filter(pk=thread).values("best_score"))
            return threads.filter(
                Q(root__best_score__gt=score) | Q(root__best_score=score, root_id__lt=thread)
            )
        if order == "newest":
            return threads.filter(root_id__gt=thread)
        return threads.filter(root_id__lt=thread)

    def build(values: dict) -> QuerySet:
        def narrow(threads: QuerySet[Thread]) -> QuerySet[Thread]:
            return before(threads, values["thread"])

        if not apart:
            return _counted(narrow(_threads_marked(values, moderating=moderating)))
        return _counted_apart(values, moderating=moderating, narrow=narrow)

    rows = marked.read(("threads before", order, moderating, apart), build)
    if not apart:
        return _count_of(rows)
    return rows[0]["listed"] + rows[0]["unlisted"] if rows else 0
