"""Taking back moderators' decisions: one, or a whole bulk action's from the undo bar."""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments.models import CommentStatus

from ..models import ModerationEvent, Report
from ..reasons import reason_record
from .reports import reports_reopen
from .transition_records import status_kept_event, training_labels_restore
from .transitions import StatusMove, comments_lock, comments_status_move

S = CommentStatus


class UndoNotAllowed(Exception):
    """The event is too old, already undone, or its comment has moved on since."""


def _changed(count: int = 1) -> str:
    if count == 1:
        return _("The comment has changed since; undo it from its current state.")
    # Several of a bulk action's comments: "The comment" would tell of one.
    return ngettext(
        "%(count)s comment has changed since; undo it from its current state.",
        "%(count)s comments have changed since; undo each from its current state.",
        count,
    ) % {"count": count}


def event_undo(*, event_id: int, actor: AbstractBaseUser) -> bool:
    """Reverse a moderator's decision within the undo window, through the same transition;
    UndoNotAllowed says why it cannot be."""
    undone, refused = events_undo(event_ids=[event_id], actor=actor)
    if refused:
        raise UndoNotAllowed(refused[0])
    return bool(undone)


def events_undo(*, event_ids: Iterable[int], actor: AbstractBaseUser) -> tuple[int, list[str]]:
    """Reverse moderators' decisions within the undo window: how many were undone, and why
    the others could not be (each reason once; how many comments had changed, counted).
    The decisions of a bulk action are undone together, with one lock and one move
    whatever their number (comments_status_move)."""
    event_ids = list(event_ids)
    events = ModerationEvent.objects.in_bulk(event_ids)
    undone, refused, moves, dismissals = 0, [], [], []
    for event_id in event_ids:
        event = events.get(event_id)
        try:
            _undoable_check(event)
            if not event.undo_reverses:
                raise UndoNotAllowed(
                    _("Reopened reports are dismissed again from the Reported tab.")
                )
        except UndoNotAllowed as reason:
            refused.append(str(reason))
            continue
        (dismissals if event.from_status == event.to_status else moves).append(event)
    changed = 0
    for batch, undo_batch in ((moves, _moves_undo), (dismissals, _dismissals_undo)):
        if batch:
            done, stale = undo_batch(batch, actor=actor)
            undone += done
            changed += stale
    if changed:
        refused.append(_changed(changed))
    return undone, refused


def _undoable_check(event: ModerationEvent | None) -> None:
    if (
        event is None
        or event.comment_id is None
        or event.actor_id is None
        or event.undone_at is not None
    ):
        raise UndoNotAllowed(_("Only a moderator's decision can be undone, and only once."))
    minutes = settings.PARLEY_UNDO_MINUTES
    if timezone.now() - event.created_at > timedelta(minutes=minutes):
        raise UndoNotAllowed(
            ngettext(
                "Decisions can be undone for %(count)s minute.",
                "Decisions can be undone for %(count)s minutes.",
                minutes,
            )
            % {"count": minutes}
        )


def _moves_undo(events: list[ModerationEvent], *, actor: AbstractBaseUser) -> tuple[int, int]:
    """Move each decision's comment back where it came from, if it is still where the
    decision left it (read under the lock) and its words have not been edited since (by its
    author, or by staff in the admin); returns how many moved and how many had not.

    An edit keeps a moderator's hold (services/edits.py): undoing the hold then would
    publish words that nobody has read. The reports the decision settled open again; any
    other open report (sent after the decision's page was loaded, or after the decision)
    stays open, since nobody has judged it. The label the decision gave the spam model
    goes with it (training_labels_restore).

    Undoing an undo puts its decision back whole (_reports_affected): the reports the undo
    reopened close again, unless a moderator settled them since (reports sent since stay
    open), and the decision's label comes back with the move, which stands in its place."""
    with transaction.atomic():
        comments = {c.pk: c for c in comments_lock(comment_ids=[e.comment_id for e in events])}
        kept, stale = [], 0  # (event, its comment) still where the event left it
        for event in events:
            comment = comments.pop(event.comment_id, None)  # one decision per comment
            if (
                comment is None
                or comment.status != event.to_status
                or (comment.edited_at is not None and comment.edited_at > event.created_at)
            ):
                stale += 1
                continue
            kept.append((event, comment))
        reopening, closing = _reports_affected([event for event, _ in kept])
        moves = [
            StatusMove(
                comment,
                S.HELD if event.from_status == S.PENDING else event.from_status,
                [_undo_reason(event, reopening.get(event.pk, []), closing.get(event.pk, []))],
            )
            for event, comment in kept
        ]
        made = comments_status_move(moves, actor=actor, decision=False) if moves else []
        done = [(event, moved) for (event, _), moved in zip(kept, made, strict=True) if moved]
        reports_reopen(event_ids=[event.pk for event, _ in done if event.pk in reopening])
        now = timezone.now()
        _reports_close_again(
            {moved.pk: closing[event.pk] for event, moved in done if closing.get(event.pk)},
            when=now,
        )
        ModerationEvent.objects.filter(pk__in=[event.pk for event, _ in done]).update(undone_at=now)
        training_labels_restore(
            comments=[move.comment for move, moved in zip(moves, made, strict=True) if moved],
            when=now,
        )
    return len(done), stale


def _undid(event: ModerationEvent) -> int | None:
    """The decision `event` undid, if it is an undo's move."""
    first = event.reasons[0] if event.reasons else {}
    return (first.get("params") or {}).get("event") if first.get("code") == "undo" else None


def _reports_affected(
    events: list[ModerationEvent],
) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """The reports undoing `events` reopens (those each decision settled) and those it
    closes again (those each undo among them reopened, still open: a moderator may have
    settled one since), by event id. Two queries, whatever the number of events."""
    reopening: dict[int, list[int]] = {}
    decisions = [event.pk for event in events if _undid(event) is None]
    for event_id, report_id in Report.objects.filter(resolved_in_id__in=decisions).values_list(
        "resolved_in_id", "pk"
    ):
        reopening.setdefault(event_id, []).append(report_id)
    reopened = {
        event.pk: event.reasons[0]["params"].get("reports", [])
        for event in events
        if _undid(event) is not None
    }
    still_open = set(
        Report.objects.filter(
            pk__in=[pk for ids in reopened.values() for pk in ids], resolved_at__isnull=True
        ).values_list("pk", flat=True)
    )
    closing = {
        event_id: [pk for pk in ids if pk in still_open] for event_id, ids in reopened.items()
    }
    return reopening, closing


def _undo_reason(event: ModerationEvent, reopening: list[int], closing: list[int]) -> dict:
    """Why the undo's move was made: the undo of a decision names the reports it reopens
    (for its own undo to close again); the undo of an undo puts that decision back."""
    decision = _undid(event)
    if decision is not None:
        return reason_record("redo", event=event.pk, decision=decision, count=len(closing))
    if reopening:
        return reason_record("undo", event=event.pk, reports=sorted(reopening))
    return reason_record("undo", event=event.pk)


def _reports_close_again(closing: dict[int, list[int]], *, when) -> None:
    """Close again the reports an undo had reopened (report ids by the event that puts
    their decision back, which settles them now, and whose undo reopens them)."""
    if not closing:
        return
    Report.objects.filter(
        pk__in=[pk for ids in closing.values() for pk in ids], resolved_at__isnull=True
    ).update(
        resolved_at=when,
        resolved_in=Case(
            *[When(pk__in=ids, then=Value(event_id)) for event_id, ids in closing.items()]
        ),
    )


def _dismissals_undo(events: list[ModerationEvent], *, actor: AbstractBaseUser) -> tuple[int, int]:
    """Reopen the reports dismissals closed on comments still where the dismissal left them
    (read under the lock), each undo audited; returns how many were undone and how many
    comments had moved on. A bulk dismissal's undo costs the same few statements as one."""
    with transaction.atomic():
        comments = {c.pk: c for c in comments_lock(comment_ids=[e.comment_id for e in events])}
        done = []
        for event in events:
            comment = comments.pop(event.comment_id, None)  # one dismissal per comment
            if comment is not None and comment.status == event.to_status:
                done.append(event)
        reopened = dict.fromkeys((e.pk for e in done), 0)
        for event_id in Report.objects.filter(resolved_in_id__in=list(reopened)).values_list(
            "resolved_in_id", flat=True
        ):
            reopened[event_id] += 1
        reports_reopen(event_ids=list(reopened))
        ModerationEvent.objects.bulk_create(
            status_kept_event(
                comment_id=event.comment_id,
                status=event.to_status,
                actor=actor,
                reasons=[reason_record("undo", event=event.pk, count=reopened[event.pk])],
            )
            for event in done
        )
        ModerationEvent.objects.filter(pk__in=list(reopened)).update(undone_at=timezone.now())
    return len(done), len(events) - len(done)
