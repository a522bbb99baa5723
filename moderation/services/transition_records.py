"""What a comment's status move writes besides the status (moderation.services.transitions):
the scorer's verdicts, the audit events, and what a person's decision settles."""

from django.contrib.auth.models import AbstractBaseUser

from comments.models import Comment, CommentStatus
from core.db_insert import CompiledInsert

from ..models import ModerationEvent, Report, SpamVerdict, TrainingExample

S = CommentStatus


def events_record(
    made: list, *, actor: AbstractBaseUser | None, label: str, reasons: dict[int, list]
) -> list[ModerationEvent]:
    """The audit event of each move made (`made`: (move, from_status) pairs)."""
    return _rows_insert(
        _event_insert,
        [
            ModerationEvent(
                comment_id=move.comment.pk,
                actor=actor,
                actor_label=label,
                from_status=from_status,
                to_status=move.to_status,
                reasons=reasons[move.comment.pk],
            )
            for move, from_status in made
        ],
    )


def verdicts_record(made: list, *, acted: bool) -> dict[int, list]:
    """Keep the scorer's verdicts; their reasons become the events'. Returns each comment's
    event reasons."""
    reasons = {move.comment.pk: list(move.reasons) for move, _ in made}
    verdicts = []
    for move, _ in made:
        if move.verdict is None:
            continue
        reasons[move.comment.pk] = [reason.as_dict() for reason in move.verdict.reasons]
        verdicts.append(
            SpamVerdict(
                comment_id=move.comment.pk,
                score=move.verdict.score,
                decision=move.verdict.decision,
                reasons=reasons[move.comment.pk],
                model_version=move.verdict.model_version,
                acted=acted,
                elapsed_ms=move.verdict_elapsed_ms,
            )
        )
    _rows_insert(_verdict_insert, verdicts)
    return reasons


# A post (or a scored comment) writes one event and one verdict: SQL compiled once
# (core.db_insert) for those; a batch is one bulk INSERT each.
_event_insert = CompiledInsert(ModerationEvent, before_table=None)
_verdict_insert = CompiledInsert(SpamVerdict, before_table=None)


def _rows_insert(insert: CompiledInsert, rows: list) -> list:
    if len(rows) == 1:
        insert(rows[0])
        return rows
    return type(rows[0]).objects.bulk_create(rows) if rows else []


def decision_record(comment: Comment, *, to_status: str, when, event: ModerationEvent) -> None:
    """What a person's decision (its audit `event`) settles besides the status: open reports,
    which its undo reopens, and a label the spam model learns from (approve: not spam; spam:
    spam)."""
    if to_status in (S.PUBLISHED, S.SPAM):
        TrainingExample.objects.update_or_create(
            comment=comment,
            defaults={
                "text": comment.comment,
                "is_spam": to_status == S.SPAM,
                "source": TrainingExample.Source.MODERATOR,
            },
        )
    Report.objects.filter(comment_id=comment.pk, resolved_at__isnull=True).update(
        resolved_at=when, resolved_in=event
    )
