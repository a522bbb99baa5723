"""Thread counts for a batch of comments published together (comments_status_move).

comments.services.thread_visibility_changed moves the counts for one comment, a statement per
table and a read per level of nesting; a worker's batch of twenty would cost twenty of each.
This does the same for the whole batch at once, and is kept to what the batch needs: comments
entering "published" (leaving it, a thread may stop being listed: that stays one by one).
"""

from collections import Counter, defaultdict

from django.db.models import F
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from articles.models import Article
from comments.models import Comment, Thread


def threads_published_add(*, comments: list[Comment]) -> None:
    """thread_visibility_changed(became_published=True) for many comments at once: their
    ancestors are read a level at a time for all of them, and each count moves by however
    many of the batch it gained, in a statement per table and per distinct gain (a queue's
    batch is mostly one article and a few threads). The parents' `followup`, read on the
    way, saves the published-reply notice its own read after the commit."""
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
        if ancestor_followup is not None:
            comment.parent_followup = ancestor_followup[1]
        while True:
            nested[ancestor] += 1
            parent = parent_of.get(ancestor, (None, False))[0]
            if not parent or parent == ancestor or ancestor == comment.thread_id:
                break
            ancestor = parent
    for gain, ids in _by_gain(nested).items():
        XtdComment.objects.filter(pk__in=ids).update(nested_count=F("nested_count") + gain)
    articles = Counter(comment.article_id for comment in comments)
    for gain, ids in _by_gain(articles).items():
        Article.objects.filter(pk__in=ids).update(comment_count=F("comment_count") + gain)
    threads = Counter(comment.thread_id for comment in comments)
    now = timezone.now()
    for gain, ids in _by_gain(threads).items():
        Thread.objects.filter(pk__in=ids).update(
            published_count=F("published_count") + gain, listed=True, last_published_at=now
        )


def _by_gain(counts: Counter) -> dict[int, list[int]]:
    by_gain: dict[int, list[int]] = defaultdict(list)
    for pk, gain in counts.items():
        by_gain[gain].append(pk)
    return by_gain
