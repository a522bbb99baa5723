"""Reads for comment sections: a page of threads in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.safestring import mark_safe

from articles.models import Article
from core.roles import moderator_users

from .models import AWAITING_STATES, Comment, CommentStatus, Thread, own_q, visible_to_q
from .notices import PUBLISHED, notice_text, status_seen_by_poster

ORDERS = ("oldest", "newest")


@dataclass(frozen=True)
class Viewer:
    """Who is looking: their account (if any) and the comments this browser posted."""

    user_id: int | None = None
    own_ids: frozenset[int] = frozenset()
    can_moderate: bool = False

    def owns(self, *, comment_id: int, user_id: int | None) -> bool:
        """Whether this viewer posted the comment: from their account or this browser."""
        return comment_id in self.own_ids or (self.user_id is not None and user_id == self.user_id)


@dataclass
class CommentNode:
    """One entry of a rendered thread; a placeholder keeps a hidden comment's replies whole."""

    pk: int
    thread_id: int
    depth: int
    submitted_at: datetime
    # Display strings are made here, once: template filters and int localization cost more
    # than the rest of a comment's rendering.
    id: str = ""
    date_iso: str = ""
    date_text: str = ""
    name: str = ""
    url: str = ""
    html: str = ""  # SafeString once set: sanitized by nh3 when the comment was stored
    placeholder: str = ""
    awaiting: bool = False
    status_seen: str = ""  # for the poster's own comments: pending, published or held
    notice: str = ""  # what the poster is told about their own comment, if anything
    notice_kind: str = ""  # "posted" or "edited" when it confirms what they just did
    badges: tuple[str, ...] = ()
    hidden_replies: int = 0  # published replies not shown: the thread is collapsed
    edited: bool = False
    is_own: bool = False
    editable: bool = False
    opens: bool = False
    closes: range = field(default_factory=lambda: range(0))


@dataclass
class CommentSection:
    nodes: list[CommentNode]
    trailing_closes: range
    page: Page
    order: str
    published_total: int
    thread_id: int | None = None


def threads_for_viewer(*, article: Article, viewer: Viewer) -> QuerySet[Thread]:
    """The threads of an article a viewer sees: listed ones, plus any holding their own
    comments that await moderation."""
    threads = Thread.objects.filter(article=article)
    visible = Q(listed=True)
    own = own_q(user_id=viewer.user_id, own_ids=viewer.own_ids)
    if own is not None:
        own_threads = Comment.objects.filter(own, article=article, status__in=AWAITING_STATES)
        visible |= Q(pk__in=own_threads.values("thread_id"))
    return threads.filter(visible)


def _ordered(threads: QuerySet[Thread], order: str) -> QuerySet[Thread]:
    return threads.order_by("-root_id" if order == "newest" else "root_id")


def comment_section(
    *,
    article: Article,
    viewer: Viewer,
    page_number: int | str = 1,
    order: str = "oldest",
    per_page: int = 50,
    author_ids: frozenset[int] = frozenset(),
    edit_window: timedelta = timedelta(minutes=15),
    comment_budget: int = 100,
    thread_id: int | None = None,
) -> CommentSection:
    """One page of an article's threads, newest or oldest first, as flat render nodes.

    Threads are shown whole until the page holds about `comment_budget` comments; later
    threads on the page show their first comment and a link to the whole thread, so a page
    costs the same whatever the size of the discussion. With `thread_id`, that one thread is
    shown whole. Queries: the published total, the page's thread count and ids, the page's
    comments, and the moderators among their authors, whatever the number of comments.
    """
    order = order if order in ORDERS else "oldest"
    threads = _ordered(threads_for_viewer(article=article, viewer=viewer), order)
    if thread_id is not None:
        threads = threads.filter(root_id=thread_id)
        comment_budget = 0
    paginator = Paginator(threads.values_list("root_id", "published_count"), per_page)
    page = paginator.get_page(page_number)
    root_ids, collapsed = _expand_within_budget(list(page.object_list), comment_budget)
    rows: list[Comment] = []
    if root_ids:
        visible = visible_to_q(user_id=viewer.user_id, own_ids=viewer.own_ids)
        wanted = Q(thread_id__in=[r for r in root_ids if r not in collapsed])
        if collapsed:
            # thread_id and level live on one table, so both sides of the OR use its index.
            wanted |= Q(thread_id__in=list(collapsed), level=0)
        rows = list(
            Comment.objects.filter(wanted)
            .filter(visible | Q(nested_count__gt=0))
            .only(
                "pk",
                "thread_id",
                "parent_id",
                "level",
                "order",
                "user_id",
                "user_name",
                "user_url",
                "comment_html",
                "submit_date",
                "edited_at",
                "status",
                "nested_count",
                "submission_meta",
            )
            .order_by("thread_id", "order")
        )
    moderator_ids = _moderator_ids({row.user_id for row in rows if row.user_id})
    nodes = build_nodes(
        rows,
        root_ids=root_ids,
        viewer=viewer,
        author_ids=author_ids,
        moderator_ids=moderator_ids,
        editable_since=timezone.now() - edit_window,
    )
    for node in nodes:
        if node.pk in collapsed:
            # published_count counts the root too when it is published.
            node.hidden_replies = collapsed[node.pk] + (1 if node.placeholder else 0)
    trailing = _link_nodes(nodes)
    # Kept per thread by the status transitions: summing ~1 row per thread, not per comment.
    published_total = (
        Thread.objects.filter(article=article).aggregate(n=Sum("published_count"))["n"] or 0
    )
    return CommentSection(
        nodes=nodes,
        trailing_closes=trailing,
        page=page,
        order=order,
        published_total=published_total,
        thread_id=thread_id,
    )


def _expand_within_budget(
    threads: list[tuple[int, int]], budget: int
) -> tuple[list[int], dict[int, int]]:
    """Root ids in order, and {root: published replies} for the threads shown collapsed.

    A thread is shown whole while the page stays within `budget` comments, counting one for
    each thread still to come (each shows at least its first comment); the others collapse
    to their first comment. The first thread is always whole. 0 means no budget.
    """
    roots, collapsed, shown = [], {}, 0
    for index, (root_id, published) in enumerate(threads):
        roots.append(root_id)
        replies = max(published - 1, 0)
        still_to_come = len(threads) - index - 1
        fits = shown + max(published, 1) + still_to_come <= budget
        if budget and index and replies and not fits:
            collapsed[root_id] = replies
            shown += 1
        else:
            shown += max(published, 1)
    return roots, collapsed


def _moderator_ids(user_ids: set[int]) -> frozenset[int]:
    """The moderators among these users, in one query."""
    if not user_ids:
        return frozenset()
    return frozenset(moderator_users().filter(pk__in=user_ids).values_list("pk", flat=True))


def build_nodes(
    rows: list[Comment],
    *,
    root_ids: list[int],
    viewer: Viewer,
    author_ids: frozenset[int] = frozenset(),
    moderator_ids: frozenset[int] = frozenset(),
    editable_since: datetime | None = None,
) -> list[CommentNode]:
    """Turn thread rows (ordered by thread, then pre-order position) into render nodes.

    Threads follow `root_ids`. A comment the viewer may not see becomes a placeholder when
    published replies hang under it. A reply whose parent was filtered out attaches to its
    nearest present ancestor: in pre-order, that is the last earlier row of lower level.
    """
    by_thread: dict[int, list[Comment]] = {}
    for row in rows:
        by_thread.setdefault(row.thread_id, []).append(row)
    nodes: list[CommentNode] = []
    for root_id in root_ids:
        levels: list[int] = []  # xtd levels of the present ancestors of the current row
        for row in by_thread.get(root_id, []):
            while levels and levels[-1] >= row.level:
                levels.pop()
            node = CommentNode(
                pk=row.pk,
                thread_id=row.thread_id,
                depth=len(levels),
                submitted_at=row.submit_date,
                id=str(row.pk),
            )
            levels.append(row.level)
            is_own = viewer.owns(comment_id=row.pk, user_id=row.user_id)
            if row.status == CommentStatus.PUBLISHED or (is_own and row.status in AWAITING_STATES):
                node.name = row.user_name
                node.url = row.user_url if row.user_url.startswith(("http://", "https://")) else ""
                node.html = mark_safe(row.comment_html)  # noqa: S308 - sanitized by nh3 on write
                if is_own:
                    # A shadow-banned poster sees their comment as if it were published.
                    shadow = bool(row.submission_meta.get("shadow"))
                    node.status_seen = status_seen_by_poster(row.status, shadow=shadow)
                    node.notice = notice_text("", node.status_seen)
                node.awaiting = is_own and node.status_seen != PUBLISHED
                node.edited = row.edited_at is not None
                node.is_own = is_own
                node.editable = is_own and (
                    editable_since is not None and row.submit_date > editable_since
                )
                node.date_iso, node.date_text = _date_strings(row.submit_date)
                if row.user_id:
                    node.badges = tuple(
                        badge
                        for badge, ids in (("Author", author_ids), ("Moderator", moderator_ids))
                        if row.user_id in ids
                    )
            elif row.status in (CommentStatus.PENDING, CommentStatus.HELD):
                node.placeholder = "[awaiting moderation]"
            elif row.status == CommentStatus.DELETED:
                node.placeholder = "[deleted]"
            else:
                node.placeholder = "[removed]"
            nodes.append(node)
    return nodes


MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _date_strings(when: datetime) -> tuple[str, str]:
    """ISO and "27 November 2026 at 14:05" forms of a time, in the site's time zone."""
    local = timezone.localtime(when)
    return local.isoformat(), f"{local.day} {MONTHS[local.month - 1]} {local.year} at {local:%H:%M}"


def _link_nodes(nodes: list[CommentNode]) -> range:
    """Mark where nested lists open and close; return the closes needed after the last node."""
    previous = 0
    for index, node in enumerate(nodes):
        node.opens = index > 0 and node.depth > previous
        node.closes = range(0 if node.opens else max(previous - node.depth, 0))
        previous = node.depth
    return range(previous)


def comment_page_number(
    *, comment: Comment, viewer: Viewer, order: str = "oldest", per_page: int = 50
) -> int:
    """The page of the article's comment section that shows this comment's thread."""
    threads = threads_for_viewer(article=comment.article, viewer=viewer)
    if order == "newest":
        before = threads.filter(root_id__gt=comment.thread_id).count()
    else:
        before = threads.filter(root_id__lt=comment.thread_id).count()
    return before // per_page + 1


def published_counts(article_ids: list[int]) -> dict[int, int]:
    """Published comment counts for several articles, in one query."""
    rows = (
        Comment.objects.filter(article_id__in=article_ids, status=CommentStatus.PUBLISHED)
        .values("article_id")
        .annotate(n=Count("pk"))
        .values_list("article_id", "n")
    )
    return dict(rows)


def comment_for_reply(*, article: Article, comment_id: int, viewer: Viewer) -> Comment | None:
    """The comment a no-JavaScript "Reply" link points at, if this viewer may see it."""
    visible = visible_to_q(user_id=viewer.user_id, own_ids=viewer.own_ids)
    return (
        Comment.objects.filter(visible, pk=comment_id, article=article)
        .only("pk", "user_name", "level", "thread_id")
        .first()
    )
