"""The one place a comment's status changes.

Every move (the scorer's verdict, a moderator's decision, a reader's report, an author's edit
or deletion, an undo) goes through `comment_status_move`, which checks, records and schedules
what follows once the change commits. `comment_transition` locks a stored comment and calls
it; a new comment judged as it is stored (scoring inline) calls it in the transaction that
inserted it.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from articles.models import Article
from articles.page_cache import page_invalidate
from comments.models import Comment, CommentStatus, Thread
from comments.services import thread_lock_for, thread_visibility_changed
from core.signals import signal_send_on_commit

from ..models import ModerationEvent, Report, SpamVerdict, TrainingExample
from ..scoring import Verdict
from ..signals import comment_status_changed

logger = logging.getLogger(__name__)
S = CommentStatus
# Back to pending only when its author edits a comment (it is scored again); deleted by its
# author is final.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.PUBLISHED, S.HELD, S.SPAM, S.REMOVED, S.DELETED}),
    S.HELD: frozenset({S.PUBLISHED, S.SPAM, S.REMOVED, S.DELETED, S.PENDING}),
    S.PUBLISHED: frozenset({S.HELD, S.SPAM, S.REMOVED, S.DELETED, S.PENDING}),
    S.SPAM: frozenset({S.PUBLISHED, S.HELD, S.REMOVED, S.DELETED}),
    S.REMOVED: frozenset({S.PUBLISHED, S.HELD, S.SPAM, S.DELETED}),
    S.DELETED: frozenset(),
}


class TransitionNotAllowed(Exception):
    """The comment cannot move from its current status to the one asked for."""


def comment_transition(
    *,
    comment_id: int,
    to_status: str,
    actor: AbstractBaseUser | None = None,
    actor_label: str = "",
    reasons: Iterable[dict] = (),
    only_from: Iterable[str] | None = None,
    verdict: Verdict | None = None,
    verdict_acted: bool = True,
) -> ModerationEvent | None:
    """Move a comment to `to_status`; return the audit event written (None: no change).

    In one transaction: lock the thread, then the comment (comment_submit's order), and
    move it (comment_status_move). `only_from` makes it a compare-and-set, so a repeated
    delivery is harmless. Replies keep their own status.
    """
    with transaction.atomic():
        comment = comment_lock(comment_id=comment_id)
        if comment is None:
            return None
        if only_from is not None and comment.status not in set(only_from):
            return None
        return comment_status_move(
            comment,
            to_status=to_status,
            actor=actor,
            actor_label=actor_label,
            reasons=reasons,
            verdict=verdict,
            verdict_acted=verdict_acted,
        )


def comment_lock(*, comment_id: int) -> Comment | None:
    """Lock a comment's thread, then the comment (comment_submit's order), and return the
    comment read under the lock. Call inside a transaction."""
    thread_lock_for(comment_id=comment_id)
    return Comment.objects.select_for_update().filter(pk=comment_id).first()


def comments_lock(*, comment_ids: list[int]) -> list[Comment]:
    """comment_lock for many comments at once, in id order, each carrying its article's
    slug (what refreshing its page needs after the commit). Threads are locked first, in
    id order, as comment_lock does for one, so a batch and a poster never wait on each
    other crosswise. Call inside a transaction."""
    if connection.features.has_select_for_update:
        threads = Comment.objects.filter(pk__in=comment_ids).values("thread_id")
        list(Thread.objects.select_for_update().filter(pk__in=threads).order_by("pk").values("pk"))
    comments = list(Comment.objects.select_for_update().filter(pk__in=comment_ids).order_by("pk"))
    slugs = dict(
        Article.objects.filter(pk__in={c.article_id for c in comments}).values_list("pk", "slug")
    )
    for comment in comments:
        # Only the slug is read; the page refresh after commit asks for nothing else.
        comment.article = Article(pk=comment.article_id, slug=slugs[comment.article_id])
    return comments


def comment_status_move(
    comment: Comment,
    *,
    to_status: str,
    actor: AbstractBaseUser | None = None,
    actor_label: str = "",
    reasons: Iterable[dict] = (),
    verdict: Verdict | None = None,
    verdict_acted: bool = True,
    verdict_elapsed_ms: float | None = None,
    stored: bool = False,
) -> ModerationEvent | None:
    """The one place a comment's moderation state moves, for a comment locked (or inserted)
    by the current transaction: check the move, mirror it into `is_public`/`is_removed`,
    move the thread's counts, record the event (and the scorer's verdict), and schedule
    what follows the commit.

    `stored` says the row already holds `to_status`: a new comment inserted with the
    verdict it was judged with before the insert, which moves from `pending` unseen; a new
    top-level one's thread was started counting that status (comments' thread_start).
    """
    from_status = S.PENDING if stored else comment.status
    if from_status == to_status:
        return None
    if to_status not in ALLOWED_TRANSITIONS[from_status]:
        raise TransitionNotAllowed(f"A {from_status} comment cannot become {to_status}.")
    now = timezone.now()
    if not stored:
        Comment.objects.filter(pk=comment.pk).update(
            status=to_status,
            is_public=to_status == S.PUBLISHED,
            is_removed=to_status == S.REMOVED,
            status_changed_at=now,
        )
    if (from_status == S.PUBLISHED) != (to_status == S.PUBLISHED):
        thread_visibility_changed(
            comment=comment,
            became_published=to_status == S.PUBLISHED,
            thread_counted=stored and comment.level == 0,
        )
    if verdict is not None:
        reasons = _verdict_record(
            comment.pk, verdict, acted=verdict_acted, elapsed_ms=verdict_elapsed_ms
        )
    event = ModerationEvent.objects.create(
        comment_id=comment.pk,
        actor=actor,
        actor_label=actor_label or (actor.get_username() if actor else "system"),
        from_status=from_status,
        to_status=to_status,
        reasons=list(reasons),
    )
    if actor is not None:
        _decision_record(comment, to_status=to_status, when=now)
    _after_commit(
        comment, from_status=from_status, to_status=to_status, actor_label=event.actor_label
    )
    return event


def _verdict_record(
    comment_id: int, verdict: Verdict, *, acted: bool, elapsed_ms: float | None
) -> list[dict]:
    """Keep the scorer's verdict; its reasons become the event's."""
    reasons = [reason.as_dict() for reason in verdict.reasons]
    SpamVerdict.objects.create(
        comment_id=comment_id,
        score=verdict.score,
        decision=verdict.decision,
        reasons=reasons,
        model_version=verdict.model_version,
        acted=acted,
        elapsed_ms=elapsed_ms,
    )
    return reasons


def _decision_record(comment: Comment, *, to_status: str, when) -> None:
    """What a person's decision settles besides the status: open reports, and a label the
    spam model learns from (approve: not spam; spam: spam)."""
    if to_status in (S.PUBLISHED, S.SPAM):
        TrainingExample.objects.update_or_create(
            comment=comment,
            defaults={
                "text": comment.comment,
                "is_spam": to_status == S.SPAM,
                "source": TrainingExample.Source.MODERATOR,
            },
        )
    Report.objects.filter(comment_id=comment.pk, resolved_at__isnull=True).update(resolved_at=when)


def _after_commit(comment: Comment, *, from_status: str, to_status: str, actor_label: str) -> None:
    """Schedule what a status change sets off, for when it has committed."""
    transaction.on_commit(
        lambda: logger.info(
            "comment %s: %s -> %s (%s)", comment.pk, from_status, to_status, actor_label
        )
    )
    # A page shows the change when a comment enters or leaves "published", or when a hidden
    # comment's published replies show a placeholder instead of it.
    if S.PUBLISHED in (from_status, to_status) or comment.nested_count:
        # A new comment carries its article; a stored one is looked up once committed.
        slug = comment.article.slug if Comment.article.is_cached(comment) else None
        article_id = comment.article_id
        transaction.on_commit(lambda: _page_refresh(article_id, slug), robust=True)
    if to_status == S.HELD and settings.CELERY_TASK_ALWAYS_EAGER:
        # Embedded, there is no beat to send the batched digest: it goes at once.
        from ..tasks import held_digest_task

        transaction.on_commit(held_digest_task.delay, robust=True)
    signal_send_on_commit(
        comment_status_changed,
        sender=Comment,
        comment_id=comment.pk,
        from_status=from_status,
        to_status=to_status,
        parent_id=comment.parent_id,
        followup=comment.followup,
        guest_email="" if comment.user_id else comment.user_email,
        article_id=comment.article_id,
        thread_id=comment.thread_id,
        edited_at=comment.edited_at,
        parent_followup=comment.parent_followup,
    )


def _page_refresh(article_id: int, slug: str | None) -> None:
    if slug is None:
        slug = Article.objects.filter(pk=article_id).values_list("slug", flat=True).first()
    if slug:
        page_invalidate(slug=slug)
