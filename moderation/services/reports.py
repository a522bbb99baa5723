"""Readers reporting comments; enough open reports hold a published comment; moderators
dismiss reports that were unfounded.

One report per reader per comment, ever: a reader whose report was dismissed cannot report
the same comment again, while new readers' reports count afresh, since only open reports
count towards holding it.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Case, Value, When

from comments.models import CommentStatus
from comments.moderating import comment_words_changed
from core.http import address_network
from core.keys import requester_key

from .. import selectors
from ..hooks import VOTES_REPORTER
from ..models import ModerationEvent, Report
from ..reasons import reason_record
from ..selectors_bans import ban_for
from .transition_records import status_kept_event
from .transitions import StatusMove, comment_transition, comments_lock, comments_status_move
from .webhooks import webhooks_notify

S = CommentStatus
REPORTS_ACTOR = selectors.REPORTS_ACTOR


def report_create(
    *,
    comment_id: int,
    user: AbstractBaseUser | None,
    ip_address: str | None,
    reason: str,
    note: str = "",
) -> bool:
    """Record a reader's report (once per reader); enough reports hold a published comment.
    A banned reader's report is recorded for moderators but counts towards no hold (as
    with a shadow-ban, they are not told). Returns False when this reader had already
    reported the comment."""
    # A guest is one reporter per network, as the report limiter counts them: an IPv6
    # subscriber rotating through their /64 would otherwise hold any comment alone.
    key = requester_key(user=user, address=address_network(ip_address), purpose="reporter")
    reporter = user if user is not None and user.is_authenticated else None
    banned = ban_for(user=reporter, ip_address=ip_address) is not None
    try:
        with transaction.atomic():
            Report.objects.create(
                comment_id=comment_id,
                reporter=reporter,
                reporter_key=key,
                reason=reason,
                note=note[:500],
                counts=not banned,
            )
    except IntegrityError:
        return False
    transaction.on_commit(
        lambda: webhooks_notify(event="reported", comment_id=comment_id, reason=reason),
        robust=True,
    )
    threshold = selectors.rules_get().reports_to_hold
    # Readers' reports hold a comment; the one down votes make only asks for a look.
    open_reports = (
        Report.objects.filter(comment_id=comment_id, resolved_at__isnull=True, counts=True)
        .exclude(reporter_key=VOTES_REPORTER)
        .count()
    )
    if threshold and not banned and open_reports >= threshold:
        comment_transition(
            comment_id=comment_id,
            to_status=S.HELD,
            actor_label=REPORTS_ACTOR,
            only_from=[S.PUBLISHED],
            reasons=[reason_record("reports", weight=0.5, count=open_reports)],
        )
    return True


def reports_dismiss(
    *,
    comment_ids: Iterable[int],
    actor: AbstractBaseUser,
    seen_report_ids: Iterable[int] | None = None,
    words_seen: Mapping[int, str] | None = None,
) -> list[int]:
    """Dismiss the open reports on comments; return the ids of the events it wrote.

    A published comment stays published; one that reports held is published again; one held
    for another reason stays held. Each time an audited event records who dismissed how many
    reports, and its undo reopens them. A selection costs the same few statements however
    many comments it holds.

    `seen_report_ids` are the reports the moderator's page showed (None: every open one). A
    report sent after the page was loaded was not judged, so it stays open, and the comment
    it is on stays where it is: the event counts it as `newer`. So does one its author
    edited since the page showed it (`words_seen`, as comments_moderate takes it): the
    reports the moderator read close, but the new words were not read, so it stays held
    (the event counts it as `edited`).
    """
    seen = None if seen_report_ids is None else set(seen_report_ids)
    words_seen = words_seen or {}
    with transaction.atomic():
        comments = [
            comment
            for comment in comments_lock(comment_ids=list(comment_ids))
            if comment.status in (S.PUBLISHED, S.HELD)
        ]
        open_ids, newer = defaultdict(list), defaultdict(int)
        for pk, comment_id in Report.objects.filter(
            comment_id__in=[c.pk for c in comments], resolved_at__isnull=True
        ).values_list("pk", "comment_id"):
            if seen is None or pk in seen:
                open_ids[comment_id].append(pk)
            else:
                newer[comment_id] += 1
        comments = [comment for comment in comments if open_ids[comment.pk]]
        if not comments:
            return []
        held_by = selectors.comment_hold_makers([c.pk for c in comments if c.status == S.HELD])
        republished, kept = [], []
        for comment in comments:
            figures = {"count": len(open_ids[comment.pk])}
            if newer[comment.pk]:
                figures["newer"] = newer[comment.pk]
            if comment.status == S.HELD and comment_words_changed(
                comment, words_seen.get(comment.pk)
            ):
                figures["edited"] = 1
            reasons = [reason_record("dismiss", **figures)]
            unjudged = "newer" in figures or "edited" in figures
            if held_by.get(comment.pk) == REPORTS_ACTOR and not unjudged:
                # Held by reports now dismissed: it goes back to where readers saw it,
                # through the one transition (which also resolves the reports).
                republished.append(StatusMove(comment, S.PUBLISHED, reasons))
            else:
                # Published, held for another reason (the scorer, after its author edited
                # it), reported anew or edited since the page was loaded: the status stays,
                # only the reports the moderator saw close.
                kept.append(
                    status_kept_event(
                        comment_id=comment.pk, status=comment.status, actor=actor, reasons=reasons
                    )
                )
        events = [
            *(comments_status_move(republished, actor=actor) if republished else []),
            *ModerationEvent.objects.bulk_create(kept),
        ]
        report_ids = [pk for comment in comments for pk in open_ids[comment.pk]]
        by_comment = {event.comment_id: event for event in events}
        Report.objects.filter(pk__in=report_ids).update(
            resolved_at=Case(
                *[When(comment_id=pk, then=Value(e.created_at)) for pk, e in by_comment.items()]
            ),
            dismissed_by=actor,
            resolved_in=Case(
                *[When(comment_id=pk, then=Value(e.pk)) for pk, e in by_comment.items()]
            ),
        )
    return [event.pk for event in events]


def reports_reopen(*, event_ids: list[int]) -> int:
    """Reopen the reports decisions or dismissals (the events) closed; return how many."""
    return Report.objects.filter(resolved_in_id__in=event_ids).update(
        resolved_at=None, dismissed_by=None, resolved_in=None
    )
