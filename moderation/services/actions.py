"""Moderators' decisions on comments (undo.py takes them back)."""

from collections.abc import Iterable, Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments.models import CommentStatus
from comments.moderating import comment_words_changed

from ..models import ModerationEvent, Report
from ..reasons import reason_record
from .reports import reports_dismiss
from .transitions import (
    ALLOWED_TRANSITIONS,
    StatusMove,
    comments_lock,
    comments_status_move,
)

S = CommentStatus


# Each action and the status it moves a comment to.
ACTIONS = {
    "approve": S.PUBLISHED,
    "not_spam": S.PUBLISHED,
    "spam": S.SPAM,
    "remove": S.REMOVED,
    "hold": S.HELD,
    # The comment stays (or, held by reports, goes back to) published: see reports_dismiss.
    "dismiss": S.PUBLISHED,
}


def comments_moderate(
    *,
    comment_ids: Iterable[int],
    action: str,
    actor: AbstractBaseUser,
    seen: Mapping[int, str] | None = None,
    seen_reports: Iterable[int] | None = None,
    words_seen: Mapping[int, str] | None = None,
) -> list[int]:
    """Apply a moderator's action to comments; return the ids of the events it wrote.

    `seen` is each comment's status as the moderator's page showed it: a comment that has
    moved on since (another moderator decided, readers' reports held it) is left as it is,
    since the moderator decided on what they saw, not on what it has become. So too for
    words edited since (`words_seen`: comments.moderating.words_version as the page
    showed it), which an unchanged status hides: an edit of a comment people held keeps it
    held (services/edits.py), and approving it would publish words nobody read. So too for
    reports (`seen_reports`: the ones the page showed, None: all): a dismissal closes only
    those (see reports_dismiss), and publishing or holding a comment settles only those,
    leaving a newer report open in the Reported tab. Marking spam or removing settles
    every report on it."""
    if action == "dismiss":
        return reports_dismiss(
            comment_ids=comment_ids,
            actor=actor,
            seen_report_ids=seen_reports,
            words_seen=words_seen,
        )
    to_status = ACTIONS[action]
    seen, words_seen = seen or {}, words_seen or {}
    with transaction.atomic():
        # One lock and one move for the whole selection: its cost does not grow with it.
        comments = comments_lock(comment_ids=list(comment_ids))
        moves = [
            StatusMove(comment, to_status, [reason_record(action)])
            for comment in comments
            if _as_shown(comment, seen, words_seen)
            and comment.status != to_status
            and to_status in ALLOWED_TRANSITIONS[comment.status]
        ]
        reports_seen = None if seen_reports is None else set(seen_reports)
        events = (
            comments_status_move(moves, actor=actor, reports_seen=reports_seen) if moves else []
        )
    return [event.pk for event in events if event is not None]


def _as_shown(comment, seen: Mapping[int, str], words_seen: Mapping[int, str]) -> bool:
    """Whether the comment still has the status and words the moderator's page showed (a
    page that did not say counts as having shown them)."""
    return seen.get(comment.pk, comment.status) == comment.status and not comment_words_changed(
        comment, words_seen.get(comment.pk)
    )


def action_summary(
    *, action: str, event_ids: list[int], selected: int = 0, comment_ids: Iterable[int] = ()
) -> str:
    """Say truly what a moderator's action did, from the events it wrote, and how many of the
    `selected` comments (`comment_ids`) it left as they were."""
    count = len(event_ids)
    if action == "dismiss":
        return _dismissal_summary(event_ids, comment_ids)
    if not count:
        return {
            "approve": _(
                "No comment approved: the selection was already in that state, or has moved on."
            ),
            "not_spam": _(
                "No comment marked not spam: the selection was already in that state, or has "
                "moved on."
            ),
            "spam": _(
                "No comment marked spam: the selection was already in that state, or has moved on."
            ),
            "remove": _(
                "No comment removed: the selection was already in that state, or has moved on."
            ),
            "hold": _("No comment held: the selection was already in that state, or has moved on."),
        }[action]
    done = {
        "approve": ngettext("%(count)s comment approved.", "%(count)s comments approved.", count),
        "not_spam": ngettext(
            "%(count)s comment marked not spam.", "%(count)s comments marked not spam.", count
        ),
        "spam": ngettext(
            "%(count)s comment marked spam.", "%(count)s comments marked spam.", count
        ),
        "remove": ngettext("%(count)s comment removed.", "%(count)s comments removed.", count),
        "hold": ngettext("%(count)s comment held.", "%(count)s comments held.", count),
    }[action] % {"count": count}
    sentences = [done]
    if ACTIONS[action] in (S.PUBLISHED, S.HELD):
        newer = Report.objects.filter(
            comment_id__in=ModerationEvent.objects.filter(pk__in=event_ids).values("comment_id"),
            resolved_at__isnull=True,
        ).count()
        if newer:
            sentences.append(_newer_reports_left(newer))
    left = selected - count
    if left <= 0:
        return " ".join(sentences)
    return " ".join(
        [
            *sentences,
            ngettext(
                "%(count)s other was left as it was: it was already in that state, or had "
                "moved on since the page was loaded.",
                "%(count)s others were left as they were: they were already in that state, or "
                "had moved on since the page was loaded.",
                left,
            )
            % {"count": left},
        ]
    )


def _dismissal_summary(event_ids: list[int], comment_ids: Iterable[int]) -> str:
    count = len(event_ids)
    if (
        not count
        and Report.objects.filter(
            comment_id__in=list(comment_ids), resolved_at__isnull=True
        ).exists()
    ):
        return _(
            "No reports dismissed: the open reports on the selected comments came in after "
            "the page was loaded. Reload it to read them."
        )
    if not count:
        return _("No reports dismissed: the selected comments have no open reports left.")
    events = ModerationEvent.objects.filter(pk__in=event_ids).values_list(
        "from_status", "to_status", "reasons"
    )
    republished = still_held = newer = edited = 0
    for from_status, to_status, reasons in events:
        figures = (reasons[0].get("params") or {}) if reasons else {}
        left_open, edited_since = figures.get("newer", 0), figures.get("edited", 0)
        newer += left_open
        edited += edited_since and not left_open
        if from_status == S.HELD:
            republished += to_status == S.PUBLISHED
            still_held += to_status == S.HELD and not left_open and not edited_since
    sentences = [
        ngettext(
            "Reports dismissed on %(count)s comment.",
            "Reports dismissed on %(count)s comments.",
            count,
        )
        % {"count": count}
    ]
    if republished:
        sentences.append(
            ngettext(
                "%(count)s of them had been held by reports and is published again.",
                "%(count)s of them had been held by reports and are published again.",
                republished,
            )
            % {"count": republished}
        )
    if still_held:
        sentences.append(
            ngettext(
                "%(count)s stays held for another reason: decide in the Held tab.",
                "%(count)s stay held for another reason: decide in the Held tab.",
                still_held,
            )
            % {"count": still_held}
        )
    if edited:
        sentences.append(
            ngettext(
                "%(count)s was edited after the page was loaded: it stays held, decide in the "
                "Held tab.",
                "%(count)s were edited after the page was loaded: they stay held, decide in the "
                "Held tab.",
                edited,
            )
            % {"count": edited}
        )
    if newer:
        sentences.append(
            ngettext(
                "%(count)s report came in after the page was loaded: it stays open in the "
                "Reported tab, and its comment stays as it is.",
                "%(count)s reports came in after the page was loaded: they stay open in the "
                "Reported tab, and their comments stay as they are.",
                newer,
            )
            % {"count": newer}
        )
    return " ".join(sentences)


def _newer_reports_left(count: int) -> str:
    return ngettext(
        "%(count)s report came in after the page was loaded: it stays open in the Reported tab.",
        "%(count)s reports came in after the page was loaded: they stay open in the Reported tab.",
        count,
    ) % {"count": count}
