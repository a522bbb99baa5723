"""Scoring stored comments: the pure scorer's verdict, routed through the one transition."""

import logging
from datetime import timedelta

from django.utils import timezone

from comments.models import Comment, CommentStatus

from .. import scoring, selectors
from ..model_cache import spam_models
from .transitions import comment_transition

logger = logging.getLogger(__name__)
S = CommentStatus


def comment_score(*, comment_id: int) -> scoring.Verdict | None:
    """Score a pending comment and route it; a comment no longer pending is left alone.

    If the scorer fails the comment is held for a moderator, never published. In log-only
    mode the verdict is recorded and the comment published as if there were no filter.
    """
    comment = Comment.objects.filter(pk=comment_id, status=S.PENDING).first()
    if comment is None:
        return None
    rules = selectors.rules_get()
    try:
        model, note = spam_models.current(rules)
        verdict = scoring.score_submission(
            selectors.submission_for(comment), selectors.rules_for_scoring(rules), model, note
        )
    except Exception as error:  # any scorer failure must hold, not publish
        logger.exception("Scoring comment %s failed; holding it", comment_id)
        verdict = scoring.Verdict(
            score=rules.hold_threshold,
            decision=S.HELD,
            reasons=(
                scoring.Reason("scorer_error", f"the scorer failed ({type(error).__name__})", 0.0),
            ),
        )
    comment_transition(
        comment_id=comment_id,
        to_status=S.PUBLISHED if rules.log_only else verdict.decision,
        actor_label="scorer",
        only_from=[S.PENDING],
        verdict=verdict,
        verdict_acted=not rules.log_only,
    )
    return verdict


def comment_hold_unscored(*, comment_id: int, why: str) -> bool:
    """Hold a comment the queue could not score (timeouts, repeated failures)."""
    event = comment_transition(
        comment_id=comment_id,
        to_status=S.HELD,
        actor_label="scorer",
        only_from=[S.PENDING],
        reasons=[{"code": "unscored", "reason": why, "weight": 0.0}],
    )
    return event is not None


def comment_enqueue_scoring(*, comment_id: int) -> bool:
    """Queue a comment for scoring now; if the broker is unreachable it stays pending for
    the sweep (and the log says so) instead of failing the reader's request."""
    from ..tasks import comment_score_task

    return comment_score_task.enqueue(comment_id)


def comment_scoring_schedule(*, comment_id: int) -> None:
    """Queue a comment for scoring once the current transaction commits: the one way a new
    comment and an edited one reach the scorer."""
    from ..tasks import comment_score_task

    comment_score_task.delay_on_commit(comment_id)


def pending_sweep(*, older_than: timedelta, inline: bool = False, limit: int = 1000) -> int:
    """Queue (or with `inline`, score here) comments left pending longer than `older_than`."""
    cutoff = timezone.now() - older_than
    ids = list(
        Comment.objects.filter(status=S.PENDING, submit_date__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    done = 0
    for comment_id in ids:
        if inline:
            comment_score(comment_id=comment_id)
        elif not comment_enqueue_scoring(comment_id=comment_id):
            break
        done += 1
    return done
