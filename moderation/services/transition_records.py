"""What a comment's status move writes besides the status (moderation.services.transitions):
the scorer's verdicts, the audit events, and what a person's decision settles."""

from collections.abc import Collection

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, F, Q, Value, When

from comments.models import CommentStatus
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


def status_kept_event(
    *, comment_id: int, status: str, actor: AbstractBaseUser, reasons: list
) -> ModerationEvent:
    """The (unsaved) audit event of a moderator's act that left the comment's status where it
    was: reports dismissed, or that dismissal undone."""
    return ModerationEvent(
        comment_id=comment_id,
        actor=actor,
        actor_label=actor.get_username(),
        from_status=status,
        to_status=status,
        reasons=reasons,
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


def decisions_record(
    made: list,
    *,
    when,
    events: dict[int, ModerationEvent],
    reports_seen: Collection[int] | None = None,
) -> None:
    """What people's decisions (`made`: (move, from_status) pairs; `events`: each comment's
    audit event) settle besides the status: open reports, which the undo reopens, and a label
    the spam model learns from (approve: not spam; spam: spam). A few statements for the
    whole batch: a moderator's "select all" is one decision, not one per comment.

    A report the deciding page did not show (`reports_seen`; None: all were shown) was not
    judged: publishing or holding the comment leaves it open (a held comment may yet be
    published, so its report must still be read: the Held and Reported tabs show it).
    Marking it spam or removing it settles it too: the comment is gone from readers."""
    _labels_write(
        {
            move.comment.pk: (move.comment, move.to_status == S.SPAM)
            for move, _ in made
            if move.to_status in (S.PUBLISHED, S.SPAM)
        },
        when=when,
    )
    settled = Report.objects.filter(comment_id__in=list(events), resolved_at__isnull=True)
    if reports_seen is not None:
        undecided = [move.comment.pk for move, _ in made if move.to_status in (S.PUBLISHED, S.HELD)]
        settled = settled.exclude(Q(comment_id__in=undecided) & ~Q(pk__in=list(reports_seen)))
    settled.update(
        resolved_at=when,
        resolved_in=Case(
            *[
                When(comment_id=comment_id, then=Value(event.pk))
                for comment_id, event in events.items()
            ]
        ),
    )


def training_labels_restore(*, comments: list, when) -> None:
    """Give comments whose moderator's decision was just undone the label their latest
    decision still standing gives (approve: not spam; spam: spam), or none: the spam
    model must not learn from a click its moderator took back. Call once the undone
    decisions are marked undone. A few statements for the whole batch."""
    by_id = {comment.pk: comment for comment in comments}
    standing = (
        ModerationEvent.objects.filter(
            comment_id__in=list(by_id),
            actor__isnull=False,
            undone_at__isnull=True,
            to_status__in=[S.PUBLISHED, S.SPAM],
        )
        .exclude(from_status=F("to_status"))
        .exclude(reasons__0__code="undo")
        .order_by("comment_id", "-created_at", "-pk")
        .values_list("comment_id", "to_status")
    )
    labels = {}
    for comment_id, to_status in standing:
        labels.setdefault(comment_id, (by_id[comment_id], to_status == S.SPAM))
    TrainingExample.objects.filter(comment_id__in=[pk for pk in by_id if pk not in labels]).delete()
    _labels_write(labels, when=when)


def _labels_write(labels: dict, *, when) -> None:
    """Store each comment's label (comment id: (comment, is spam)) as a moderator's, over
    any it had."""
    if not labels:
        return
    labels = dict(labels)
    known = list(TrainingExample.objects.filter(comment_id__in=list(labels)))
    for example in known:
        comment, is_spam = labels.pop(example.comment_id)
        example.text = comment.comment
        example.is_spam = is_spam
        example.source = TrainingExample.Source.MODERATOR
        example.updated_at = when  # bulk_update does not stamp auto_now fields
    TrainingExample.objects.bulk_update(known, ["text", "is_spam", "source", "updated_at"])
    TrainingExample.objects.bulk_create(
        TrainingExample(
            comment=comment,
            text=comment.comment,
            is_spam=is_spam,
            source=TrainingExample.Source.MODERATOR,
        )
        for comment, is_spam in labels.values()
    )
