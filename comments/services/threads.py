"""Threads' caches: published counts per comment, per thread and per article, kept by
each status change and recounted on demand."""

import functools
from collections import Counter, defaultdict

from django.conf import settings
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from articles.models import Article
from core.db import CompiledUpdate

from ..models import Comment, CommentStatus, Thread, thread_insert


def _count_add(model, count: str) -> CompiledUpdate:
    """A compiled `UPDATE model SET count = count + delta WHERE pk = pk`."""
    return CompiledUpdate(
        lambda pk, delta: (model.objects.filter(pk=pk), {count: F(count) + delta}),
        pk=model._meta.pk,
        delta=model._meta.get_field(count),
    )


# The counts every published comment moves: compiled once (core.db), as they run on every post.
_nested_count_add = _count_add(XtdComment, "nested_count")
_article_count_add = _count_add(Article, "comment_count")


@functools.cache
def _ancestors_nested_add(levels: int) -> CompiledUpdate:
    """The published-descendant count of the `levels` comments above one (its parent, named
    by `parent_id`, then each one's parent): a comment at level n has n of them. One
    statement of id seeks whatever the depth, compiled once per depth; finding them by
    position instead (the last comment of each level before it) read its thread up to it."""

    def build(parent_id, delta):
        above, wanted = parent_id, Q(pk=parent_id)
        for _ in range(levels - 1):
            above = Subquery(XtdComment.objects.filter(pk=above).order_by().values("parent_id")[:1])
            wanted |= Q(pk=above)
        return XtdComment.objects.filter(wanted), {"nested_count": F("nested_count") + delta}

    return CompiledUpdate(
        build, parent_id=XtdComment._meta.pk, delta=XtdComment._meta.get_field("nested_count")
    )


_thread_published_add = CompiledUpdate(
    lambda pk, now: (
        Thread.objects.filter(pk=pk),
        {"published_count": F("published_count") + 1, "listed": True, "last_published_at": now},
    ),
    pk=Thread._meta.pk,
    now=Thread._meta.get_field("last_published_at"),
)


def max_level() -> int:
    """The deepest xtd `level` a reply may have (top-level comments are level 0)."""
    return max(settings.PARLEY_THREAD_DEPTH - 1, 0)


def thread_lock_for(*, comment_id: int) -> None:
    """Lock the thread the comment belongs to (nothing if there is no such comment): every
    writer into a thread takes this lock first, so writers queue instead of deadlocking.
    Call inside a transaction."""
    if not connection.features.has_select_for_update:
        # SQLite: the transaction took the database's one write lock at BEGIN (IMMEDIATE,
        # config/settings.py), so writers already queue; the row lock would be a no-op query.
        return
    thread_of = Comment.objects.filter(pk=comment_id).values("thread_id")
    list(Thread.objects.select_for_update().filter(pk=Subquery(thread_of)).values("pk"))


def thread_start(*, root: Comment, published: bool) -> Thread:
    """Create the thread a new top-level comment starts. A root stored already published
    (judged before its insert) is counted here, so its thread costs one INSERT rather than
    an INSERT and the UPDATE thread_visibility_changed would make (told `thread_counted`)."""
    thread = Thread(
        root=root,
        article_id=root.article_id,
        listed=published,
        published_count=int(published),
        last_published_at=timezone.now() if published else None,
    )
    thread_insert(thread)
    return thread


def thread_visibility_changed(
    *, comment: Comment, became_published: bool, thread_counted: bool = False
) -> None:
    """Keep the thread's caches true after one comment became (or stopped being) published:
    its ancestors' published-descendant counts and the thread's totals move by one: a
    statement per table, whatever the depth of the comment or the size of its thread.
    Call inside the transaction that changed the status, with the thread locked.
    `thread_counted`: the thread row already counts this comment (a root whose thread
    thread_start created with it published); only the article's count moves."""
    delta = 1 if became_published else -1
    if comment.parent_id == comment.thread_id and comment.pk != comment.thread_id:
        _nested_count_add(pk=comment.parent_id, delta=delta)  # the most common case
    elif comment.pk != comment.thread_id:
        _ancestors_nested_add(comment.level)(parent_id=comment.parent_id, delta=delta)
    _article_count_add(pk=comment.article_id, delta=delta)
    if thread_counted:
        return
    if became_published:
        _thread_published_add(pk=comment.thread_id, now=timezone.now())
    else:
        thread = Thread.objects.filter(pk=comment.thread_id)
        thread.update(published_count=F("published_count") - 1)
        root = (
            Comment.objects.filter(pk=comment.thread_id)
            .values_list("status", "nested_count")
            .first()
        )
        still_listed = root is not None and (root[0] == CommentStatus.PUBLISHED or root[1] > 0)
        if not still_listed:
            thread.update(listed=False)


def threads_published_move(*, comments: list[Comment], became_published: bool) -> None:
    """thread_visibility_changed for many comments at once (a worker's batch, a moderator's
    bulk action or its undo, where one by one would cost a statement per table and a read
    per level of nesting for each comment), all of them entering "published" or all
    leaving it: their ancestors are read a level at a time for all of them, and each count
    moves by however many of the batch it gained or lost, in a statement per table and per
    distinct gain (a queue's batch is mostly one article and a few threads). Entering, the
    parents' `followup`, read on the way, saves the published-reply notice its own read
    after the commit."""
    sign = 1 if became_published else -1
    parent_of: dict[int, tuple[int | None, bool]] = {}
    replies = [comment for comment in comments if comment.parent_id not in (None, comment.pk)]
    wanted = {comment.parent_id for comment in replies}
    asked = set()
    while wanted:
        rows = Comment.objects.filter(pk__in=wanted).values_list("pk", "parent_id", "followup")
        parent_of.update((pk, (parent_id, followup)) for pk, parent_id, followup in rows)
        asked |= wanted
        # A top-level comment is its own parent: the walk ends there.
        wanted = {parent for parent, _ in parent_of.values() if parent is not None} - asked
    nested: Counter[int] = Counter()
    for comment in replies:
        ancestor, ancestor_followup = comment.parent_id, parent_of.get(comment.parent_id)
        # A reply placed beside the comment it answers is the receiver's to ask about.
        if (
            became_published
            and ancestor_followup is not None
            and comment.answered_id == comment.parent_id
        ):
            comment.parent_followup = ancestor_followup[1]
        while True:
            nested[ancestor] += sign
            parent = parent_of.get(ancestor, (None, False))[0]
            if not parent or parent == ancestor or ancestor == comment.thread_id:
                break
            ancestor = parent
    for gain, ids in _by_gain(nested).items():
        XtdComment.objects.filter(pk__in=ids).update(nested_count=F("nested_count") + gain)
    articles: Counter[int] = Counter()
    threads: Counter[int] = Counter()
    for comment in comments:
        articles[comment.article_id] += sign
        threads[comment.thread_id] += sign
    for gain, ids in _by_gain(articles).items():
        Article.objects.filter(pk__in=ids).update(comment_count=F("comment_count") + gain)
    now = timezone.now()
    for gain, ids in _by_gain(threads).items():
        thread = Thread.objects.filter(pk__in=ids)
        if became_published:
            thread.update(
                published_count=F("published_count") + gain, listed=True, last_published_at=now
            )
        else:
            thread.update(published_count=F("published_count") + gain)
    if not became_published:
        # A thread stays listed while its first comment, or any reply, is still published
        # (read after the counts above moved; a thread's id is its first comment's).
        shown = Comment.objects.filter(pk=OuterRef("pk")).filter(
            Q(status=CommentStatus.PUBLISHED) | Q(nested_count__gt=0)
        )
        Thread.objects.filter(pk__in=list(threads)).exclude(Exists(shown)).update(listed=False)


def _by_gain(counts: Counter) -> dict[int, list[int]]:
    by_gain: dict[int, list[int]] = defaultdict(list)
    for pk, gain in counts.items():
        by_gain[gain].append(pk)
    return by_gain


def thread_recount(*, thread_id: int) -> None:
    """Recount a thread's caches from all its rows: published descendants per comment, and
    whether the thread is listed (repairs what `thread_visibility_changed` keeps up)."""
    rows = list(
        Comment.objects.filter(thread_id=thread_id)
        .order_by("order")
        .values_list("pk", "parent_id", "status", "nested_count", "submit_date")
    )
    counts = {pk: 0 for pk, *_ in rows}
    published_count, last_published = 0, None
    for pk, parent_id, status, _, submitted in reversed(rows):
        is_published = status == CommentStatus.PUBLISHED
        if is_published:
            published_count += 1
            last_published = max(last_published or submitted, submitted)
        if parent_id != pk and parent_id in counts:
            counts[parent_id] += counts[pk] + int(is_published)
    changed = [
        XtdComment(pk=pk, nested_count=counts[pk])
        for pk, _, _, nested_count, _ in rows
        if nested_count != counts[pk]
    ]
    if changed:
        XtdComment.objects.bulk_update(changed, ["nested_count"], batch_size=500)
    root_published = any(pk == thread_id and s == CommentStatus.PUBLISHED for pk, _, s, *_ in rows)
    Thread.objects.filter(pk=thread_id).update(
        listed=root_published or counts.get(thread_id, 0) > 0,
        published_count=published_count,
        last_published_at=last_published,
    )


def thread_renumber(*, thread_id: int) -> None:
    """Renumber a thread's positions from its parent links: each comment after its parent,
    siblings by date, which is where live posting appends them. For rows added to a thread
    other than by posting (imports); call inside a transaction, then thread_recount."""
    rows = list(
        Comment.objects.filter(thread_id=thread_id).values_list(
            "pk", "parent_id", "submit_date", "order"
        )
    )
    children: dict[int, list[tuple]] = {}
    for row in rows:
        if row[0] != thread_id:
            children.setdefault(row[1], []).append(row)
    for siblings in children.values():
        siblings.sort(key=lambda row: (row[2], row[0]))
    changed, position = [], 0
    stack = [row for row in rows if row[0] == thread_id]
    while stack:
        pk, _, _, order = stack.pop()
        position += 1
        if order != position:
            changed.append(XtdComment(pk=pk, order=position))
        stack.extend(reversed(children.get(pk, [])))
    if changed:
        XtdComment.objects.bulk_update(changed, ["order"], batch_size=500)


def article_comment_count_recount(*, article_id: int) -> int:
    """Recount an article's published comments from its threads (repairs the running
    count `thread_visibility_changed` keeps)."""
    return articles_comment_count_recount(article_ids=[article_id])[article_id]


def articles_comment_count_recount(*, article_ids: list[int]) -> dict[int, int]:
    """article_comment_count_recount for many articles in two queries per thousand;
    returns each one's count."""
    counts: dict[int, int] = {}
    for start in range(0, len(article_ids), 1000):
        chunk = article_ids[start : start + 1000]
        totals = dict(
            Thread.objects.filter(article_id__in=chunk)
            .values("article_id")
            .annotate(n=Sum("published_count"))
            .values_list("article_id", "n")
        )
        counts.update({pk: totals.get(pk) or 0 for pk in chunk})
        Article.objects.bulk_update(
            [Article(pk=pk, comment_count=counts[pk]) for pk in chunk], ["comment_count"]
        )
    return counts
