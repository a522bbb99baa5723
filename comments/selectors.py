"""Reads for comment sections: a page of threads in a fixed number of queries."""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django_comments_xtd.models import XtdComment

from articles.models import Article
from core.roles import moderator_users

from .models import Comment, CommentStatus, Thread, visible_to_q
from .section_rows import SECTION_FIELDS, SectionRow
from .selectors_context import comment_context_rows
from .selectors_marked import Marks, marked_list
from .selectors_picks import picks_latest
from .selectors_threads import (
    MODERATED_STATES,
    thread_rows,
    threads_before,
    viewer_marks,
)

PUBLISHED = CommentStatus.PUBLISHED
THREAD_OF_COMMENT = Comment._meta.get_field("thread_id")

ORDERS = ("oldest", "newest", "best")


@dataclass(frozen=True)
class Viewer:
    """Who is looking: their account (if any) and the comments this browser posted."""

    user_id: int | None = None
    own_ids: frozenset[int] = frozenset()
    can_moderate: bool = False
    # Their account itself, when signed in: what screening them as an author asks about.
    user: AbstractBaseUser | None = field(default=None, compare=False, repr=False)

    def owns(self, *, comment_id: int, user_id: int | None) -> bool:
        """Whether this viewer posted the comment: from their account, or as a guest from this
        browser (models.own_q)."""
        if self.user_id is not None and user_id == self.user_id:
            return True
        return user_id is None and comment_id in self.own_ids


@dataclass
class CommentPage:
    """The rows of one page of an article's comment section, and what frames them."""

    rows: list[SectionRow]
    root_ids: list[int]  # the page's threads, in order
    collapsed: dict[int, int]  # root id -> published replies not fetched
    moderator_ids: frozenset[int]
    page: Page
    order: str
    thread_id: int | None = None
    context_id: int | None = None  # shown in its conversation, not the whole thread
    picks: list[SectionRow] = field(default_factory=list)  # the article's Editor's picks


def comment_page(
    *,
    article: Article,
    viewer: Viewer,
    page_number: int | str = 1,
    order: str = "oldest",
    per_page: int = 50,
    comment_budget: int = 100,
    thread_id: int | None = None,
    context_id: int | None = None,
    moderating: bool = False,
) -> CommentPage:
    """One page of an article's threads, newest or oldest first.

    Threads are whole until the page holds about `comment_budget` comments; later threads
    on the page bring only their first comment, so a page costs the same whatever the size
    of the discussion. With `thread_id`, that one thread is whole; with `context_id` too,
    only that comment's conversation in it (comment_context_rows). `moderating` adds the
    held and spam comments (a moderator's page), in the same queries: the page's thread
    count and ids, its comments, and the moderators among their authors.
    """
    order = order if order in ORDERS else "oldest"
    marked = viewer_marks(article_id=article.pk, own_ids=viewer.own_ids, user_id=viewer.user_id)
    if thread_id is not None:
        marked = marked.with_value("root", thread_id, Thread._meta.pk)
        comment_budget = 0
    threads = thread_rows(marked, order=order, moderating=moderating, per_page=per_page)
    page = Paginator(threads, per_page).get_page(page_number)
    root_ids, collapsed = _expand_within_budget(list(page.object_list), comment_budget)
    if thread_id is not None and not root_ids:
        # No thread has that id: a reply's id (a link copied with a reply's number) names
        # the thread it is in, shown as its permalink shows it, with the reply in view. A
        # reply this viewer may not see stays "not shown", so ids cannot be probed for
        # held comments. Queries of their own, only on this path.
        root_id = (
            Comment.objects.filter(pk=thread_id, article_id=article.pk)
            .values_list("thread_id", flat=True)
            .first()
        )
        if root_id is not None and root_id != thread_id:
            in_thread = comment_page(
                article=article, viewer=viewer, page_number=page_number, order=order,
                per_page=per_page, comment_budget=comment_budget, thread_id=root_id,
                context_id=thread_id, moderating=moderating,
            )  # fmt: skip
            if in_thread.context_id == thread_id:
                return in_thread
    rows: list[SectionRow] = []
    if root_ids and thread_id is not None and context_id is not None:
        rows = comment_context_rows(
            marked.without("root").without("article")
            .with_value("thread", thread_id, THREAD_OF_COMMENT)
            .with_value("context", context_id, Comment._meta.pk),
            moderating=moderating,
        )  # fmt: skip
        if not any(row.pk == context_id for row in rows):
            # Not in this thread, or not shown to this viewer: the thread, whole, instead.
            rows, context_id = [], None
    if root_ids and not rows:
        whole = [root for root in root_ids if root not in collapsed]
        rows = _section_rows(
            # The thread asked for is in `whole`: a value the query does not use would
            # leave it uncompiled (core.db finds no place for its marker).
            marked.without("root")
            .with_list("whole", whole, THREAD_OF_COMMENT)
            .with_list("collapsed", list(collapsed), THREAD_OF_COMMENT),
            moderating=moderating,
            # The Editor's picks come with the page's comments, wherever they sit, so the
            # picks cost the page no query of their own.
            picks=thread_id is None,
        )
    picks = picks_latest([row for row in rows if row.picked_at and row.status == PUBLISHED])
    whole = set(root_ids) - set(collapsed)
    rows = [
        row
        for row in rows
        if row.thread_id in whole or (row.thread_id in collapsed and row.level == 0)
    ]
    return CommentPage(
        picks=picks,
        rows=rows,
        root_ids=root_ids,
        collapsed=collapsed,
        moderator_ids=moderator_ids_among({row.user_id for row in rows if row.user_id}),
        page=page,
        order=order,
        thread_id=thread_id,
        context_id=context_id,
    )


def _section_rows(marked: Marks, *, moderating: bool, picks: bool) -> list[SectionRow]:
    """The comments of a page's threads a viewer sees (whole threads, and the first comment
    of collapsed ones), with the article's Editor's picks when `picks`, thread by thread."""

    def build(values: dict) -> QuerySet:
        own_ids = marked_list(values, "own")
        visible = visible_to_q(user_id=values.get("user"), own_ids=own_ids)
        if moderating:
            visible |= Q(status__in=MODERATED_STATES)
        # Each part finds its rows by an index of its own table: the comments of the whole
        # threads, the first of each collapsed one (its id is its thread's), the article's
        # picks. One OR across the three tables could use no index, and read every comment
        # of the site for each page.
        whole = XtdComment.objects.filter(thread_id__in=marked_list(values, "whole"))
        whole = whole.order_by().values("pk")
        parts = []
        collapsed = marked_list(values, "collapsed")
        if collapsed:
            parts.append(XtdComment.objects.filter(pk__in=collapsed).order_by().values("pk"))
        if picks:
            picked = Q(article_id=values["article"], picked_at__isnull=False, status=PUBLISHED)
            parts.append(Comment.objects.filter(picked).order_by().values("pk"))
        return (
            Comment.objects.filter(pk__in=whole.union(*parts, all=True) if parts else whole)
            .filter(visible | Q(nested_count__gt=0))
            .order_by("thread_id", "order")
            .values(*SECTION_FIELDS)
        )

    # Without the picks, the article is in no part of the query.
    marked = marked if picks else marked.without("article")
    return [SectionRow(**row) for row in marked.read(("section rows", moderating, picks), build)]


def _expand_within_budget(
    threads: list[tuple[int, int, int]], budget: int
) -> tuple[list[int], dict[int, int]]:
    """Root ids in order, and {root: published replies} for the threads shown collapsed.

    A thread is shown whole while the page stays within `budget` comments, counting one for
    each thread still to come (each shows at least its first comment, or its placeholder);
    the others collapse to their first comment. The first thread is always whole. 0 means
    no budget.
    """
    roots, collapsed, shown = [], {}, 0
    for index, (root_id, _published, replies) in enumerate(threads):
        roots.append(root_id)
        still_to_come = len(threads) - index - 1
        fits = shown + 1 + replies + still_to_come <= budget
        if budget and index and replies and not fits:
            collapsed[root_id] = replies
            shown += 1
        else:
            shown += 1 + replies
    return roots, collapsed


def moderator_ids_among(user_ids: set[int]) -> frozenset[int]:
    """The moderators among these users, in one query."""
    if not user_ids:
        return frozenset()
    return frozenset(moderator_users().filter(pk__in=user_ids).values_list("pk", flat=True))


def moderated_counts(*, article: Article) -> dict[str, int]:
    """How many of an article's comments are held and how many spam, in one query."""
    return Comment.objects.filter(article=article, status__in=MODERATED_STATES).aggregate(
        held=Count("pk", filter=Q(status=CommentStatus.HELD)),
        spam=Count("pk", filter=Q(status=CommentStatus.SPAM)),
    )


def comment_page_number(
    *,
    comment: Comment,
    viewer: Viewer,
    order: str = "oldest",
    per_page: int = 50,
    moderating: bool = False,
) -> int:
    """The page of the article's comment section that shows this comment's thread
    (`moderating`: the page of the moderators' view)."""
    marked = viewer_marks(
        article_id=comment.article_id, own_ids=viewer.own_ids, user_id=viewer.user_id
    )
    before = threads_before(marked, thread_id=comment.thread_id, order=order, moderating=moderating)
    return before // per_page + 1


def comment_for_reply(*, article: Article, comment_id: int, viewer: Viewer) -> Comment | None:
    """The comment a no-JavaScript "Reply" link points at, if this viewer may see it."""
    visible = visible_to_q(user_id=viewer.user_id, own_ids=viewer.own_ids)
    return (
        Comment.objects.filter(visible, pk=comment_id, article=article)
        .only("pk", "user_name", "level", "thread_id")
        .first()
    )


def comment_for_permalink(*, comment_id: int, viewer: Viewer) -> Comment | None:
    """The comment a permalink names, if its article's page shows it to this viewer: as
    itself, or as a placeholder keeping published replies together. For anyone else a held
    comment is exactly as missing as one that never existed. Moderators may follow any."""
    comments = Comment.objects.select_related("article").filter(
        pk=comment_id, article__in=Article.objects.published()
    )
    if not viewer.can_moderate:
        visible = visible_to_q(user_id=viewer.user_id, own_ids=viewer.own_ids)
        comments = comments.filter(visible | Q(nested_count__gt=0))
    return comments.first()


def comment_sent_before(
    *,
    article: Article,
    text_hash: str,
    reply_to: int,
    since,
    user_id: int | None,
    own_ids: frozenset[int],
    browser_key: str,
) -> Comment | None:
    """This poster's comment with this text in this place, sent since `since` and not
    deleted: proven theirs as posting's duplicate check proves it (their account, this
    browser's list of its comments, or the browser key it came with)."""
    if user_id is not None:
        poster = Q(user_id=user_id)
    else:
        poster = Q(user__isnull=True, pk__in=own_ids)
        if browser_key:
            poster |= Q(user__isnull=True, submission_meta__browser=browser_key)
    # At the deepest level a reply hangs from its comment's parent, and records whom it
    # answered (Comment.replied_to).
    answered = Q(parent_id=reply_to) | Q(submission_meta__replied_to=reply_to)
    place = answered & ~Q(pk=reply_to) if reply_to else Q(level=0)
    return (
        Comment.objects.filter(
            poster, place, article=article, text_hash=text_hash, submit_date__gte=since
        )
        .exclude(status=CommentStatus.DELETED)
        .select_related("article")
        .order_by("-submit_date")
        .first()
    )
