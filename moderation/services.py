"""Moderation writes: the one status transition, scoring, reports, undo, training, digests."""

import csv
import logging
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.page_cache import page_invalidate
from comments.models import Comment, CommentStatus, Thread
from comments.services import thread_visibility_changed
from core.http import absolute_url
from core.keys import keyed_hash, requester_key

from . import scoring, selectors
from .models import (
    Ban,
    HeldDigest,
    ModerationEvent,
    ModerationRules,
    Report,
    SpamModel,
    SpamVerdict,
    TrainingExample,
)
from .signals import comment_status_changed

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


class UndoNotAllowed(Exception):
    """The event is too old, already undone, or its comment has moved on since."""


# ---------------------------------------------------------------------------
# The one place a comment's status changes
# ---------------------------------------------------------------------------
def comment_transition(
    *,
    comment_id: int,
    to_status: str,
    actor: AbstractBaseUser | None = None,
    actor_label: str = "",
    reasons: Iterable[dict] = (),
    only_from: Iterable[str] | None = None,
    verdict: scoring.Verdict | None = None,
    verdict_acted: bool = True,
) -> bool:
    """Move a comment to `to_status`; return True if this call changed it.

    Locks the thread, then the comment (the same order comment_submit locks in), checks the
    transition, mirrors the status into django_comments' `is_public`/`is_removed`, recounts
    the thread's visibility caches and writes the audit event (and the scorer's verdict)
    in the same transaction. With `only_from`, the move happens only from those states: a
    compare-and-set that makes a repeated delivery harmless. Replies keep their own status.
    A person's approve or spam decision becomes a training label and resolves reports.
    """
    thread_id = Comment.objects.filter(pk=comment_id).values_list("thread_id", flat=True).first()
    if thread_id is None:
        return False
    with transaction.atomic():
        Thread.objects.select_for_update().filter(pk=thread_id).first()
        comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
        if comment is None:
            return False
        from_status = comment.status
        if from_status == to_status:
            return False
        if only_from is not None and from_status not in set(only_from):
            return False
        if to_status not in ALLOWED_TRANSITIONS[from_status]:
            raise TransitionNotAllowed(f"A {from_status} comment cannot become {to_status}.")
        now = timezone.now()
        Comment.objects.filter(pk=comment_id).update(
            status=to_status,
            is_public=to_status == S.PUBLISHED,
            is_removed=to_status == S.REMOVED,
            status_changed_at=now,
        )
        if (from_status == S.PUBLISHED) != (to_status == S.PUBLISHED):
            thread_visibility_changed(comment=comment, became_published=to_status == S.PUBLISHED)
        reasons = list(reasons)
        if verdict is not None:
            reasons = [reason.as_dict() for reason in verdict.reasons]
            SpamVerdict.objects.create(
                comment_id=comment_id,
                score=verdict.score,
                decision=verdict.decision,
                reasons=reasons,
                model_version=verdict.model_version,
                acted=verdict_acted,
            )
        ModerationEvent.objects.create(
            comment_id=comment_id,
            actor=actor,
            actor_label=actor_label or (actor.get_username() if actor else "system"),
            from_status=from_status,
            to_status=to_status,
            reasons=reasons,
        )
        if actor is not None:
            if to_status in (S.PUBLISHED, S.SPAM):
                _training_label_record(comment, is_spam=to_status == S.SPAM)
            Report.objects.filter(comment_id=comment_id, resolved_at__isnull=True).update(
                resolved_at=now
            )
        transaction.on_commit(
            lambda: comment_status_changed.send_robust(
                sender=Comment, comment_id=comment_id, from_status=from_status, to_status=to_status
            ),
            robust=True,
        )
    return True


def article_page_refresh(*, comment_id: int, from_status: str, to_status: str) -> bool:
    """Drop the article's cached page if this change is visible on it: a comment entering
    or leaving "published", or a hidden comment whose published replies show a placeholder."""
    row = Comment.objects.filter(pk=comment_id).values_list("article__slug", "nested_count").first()
    if row is None:
        return False
    slug, public_replies = row
    if S.PUBLISHED in (from_status, to_status) or public_replies:
        page_invalidate(slug=slug)
        return True
    return False


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------
def rules_get() -> ModerationRules:
    """The site's moderation rules (created with defaults the first time)."""
    rules, _ = ModerationRules.objects.get_or_create(pk=1)
    return rules


def rules_for_scoring(rules: ModerationRules) -> scoring.Rules:
    return scoring.Rules(
        hold_all=rules.hold_all,
        link_limit=rules.link_limit,
        moderation_keywords=scoring.keyword_list(rules.moderation_keywords),
        disallowed_keywords=scoring.keyword_list(rules.disallowed_keywords),
        min_seconds_to_submit=rules.min_seconds_to_submit,
        hold_first_comment=rules.hold_first_comment,
        trust_approved_authors=rules.trust_approved_authors,
        hold_threshold=rules.hold_threshold,
        spam_threshold=rules.spam_threshold,
    )


def comment_score(*, comment_id: int) -> scoring.Verdict | None:
    """Score a pending comment and route it; a comment no longer pending is left alone.

    If the scorer fails the comment is held for a moderator, never published. In log-only
    mode the verdict is recorded and the comment published as if there were no filter.
    """
    comment = Comment.objects.filter(pk=comment_id, status=S.PENDING).first()
    if comment is None:
        return None
    rules = rules_get()
    try:
        model, note = spam_model_current(rules)
        verdict = scoring.score_submission(
            selectors.submission_for(comment), rules_for_scoring(rules), model, note
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
    return comment_transition(
        comment_id=comment_id,
        to_status=S.HELD,
        actor_label="scorer",
        only_from=[S.PENDING],
        reasons=[{"code": "unscored", "reason": why, "weight": 0.0}],
    )


def comment_enqueue_scoring(*, comment_id: int) -> bool:
    """Queue a comment for scoring; if the broker is unreachable, leave it pending for the
    sweep and say so in the log instead of failing the reader's request."""
    from .tasks import comment_score_task

    try:
        comment_score_task.apply_async((comment_id,))
    except Exception:  # kombu raises several types for a broker that is down or hung
        logger.warning("Could not queue comment %s for scoring; the sweep will", comment_id)
        return False
    return True


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


# ---------------------------------------------------------------------------
# The learned model
# ---------------------------------------------------------------------------
_MODEL_CHECK_SECONDS = 60
_model_cache: dict = {"checked": 0.0, "version": None, "model": None, "n_labels": 0}


def spam_model_current(rules: ModerationRules):
    """The active spam model, loaded once per process and re-checked every minute, with a
    note when rules alone decide."""
    if not rules.use_model:
        return None, "model: switched off"
    now = time.monotonic()
    if now - _model_cache["checked"] > _MODEL_CHECK_SECONDS:
        latest = SpamModel.objects.values_list("version", "n_labels").first()
        _model_cache["checked"] = now
        if latest is None:
            _model_cache.update(version=None, model=None, n_labels=0)
        elif latest[0] != _model_cache["version"]:
            from .learning import TrainedModel

            data = SpamModel.objects.filter(version=latest[0]).values_list("parameters", flat=True)
            _model_cache.update(
                version=latest[0],
                model=TrainedModel.from_bytes(bytes(data.get())),
                n_labels=latest[1],
            )
    if _model_cache["model"] is None:
        return None, "model: not trained yet"
    if _model_cache["n_labels"] < rules.min_labels_for_model:
        return None, (
            f"model: rules only until {rules.min_labels_for_model} labels "
            f"(has {_model_cache['n_labels']})"
        )
    return _model_cache["model"], ""


def spam_model_forget() -> None:
    """Make this process look for a new model on the next scoring."""
    _model_cache.update(checked=0.0)


def _training_label_record(comment: Comment, *, is_spam: bool) -> None:
    TrainingExample.objects.update_or_create(
        comment=comment,
        defaults={
            "text": comment.comment,
            "is_spam": is_spam,
            "source": TrainingExample.Source.MODERATOR,
        },
    )


def training_import_csv(
    *, path: Path, text_column: str, label_column: str, spam_labels: Iterable[str] = ("1", "spam")
) -> int:
    """Import labelled texts from a CSV file; returns how many were added."""
    spam_values = {value.strip().lower() for value in spam_labels}
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = {text_column, label_column} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path} has no column {', '.join(sorted(missing))}")
        examples = [
            TrainingExample(
                text=row[text_column],
                is_spam=row[label_column].strip().lower() in spam_values,
                source=TrainingExample.Source.IMPORT,
            )
            for row in reader
            if (row.get(text_column) or "").strip()
        ]
    TrainingExample.objects.bulk_create(examples, batch_size=1000)
    return len(examples)


def spam_model_train(
    *, progress: Callable[[int, int, str], None] | None = None, force: bool = False
) -> SpamModel | None:
    """Train a model on every labelled example; None when there is nothing new to learn or
    only one class. The new model becomes active for every worker within a minute."""
    from .learning import train

    rows = list(TrainingExample.objects.values_list("text", "is_spam"))
    labels = [int(is_spam) for _, is_spam in rows]
    if len(set(labels)) < 2:
        return None
    latest = SpamModel.objects.first()
    newest_label = TrainingExample.objects.order_by("-updated_at").values_list(
        "updated_at", flat=True
    )[0]
    if latest and not force and latest.trained_at >= newest_label:
        return None
    model = train([text for text, _ in rows], labels, progress=progress)
    spam_model, _ = SpamModel.objects.get_or_create(
        version=model.version,
        defaults={
            "n_labels": model.n_labels,
            "parameters": model.to_bytes(),
            "notes": {"spam": sum(labels), "not_spam": len(labels) - sum(labels)},
        },
    )
    spam_model_forget()
    return spam_model


# ---------------------------------------------------------------------------
# Moderators' actions
# ---------------------------------------------------------------------------
ACTIONS = {
    "approve": (S.PUBLISHED, "approved"),
    "not_spam": (S.PUBLISHED, "marked not spam"),
    "spam": (S.SPAM, "marked spam"),
    "remove": (S.REMOVED, "removed"),
    "hold": (S.HELD, "held"),
}


def comments_moderate(
    *, comment_ids: Iterable[int], action: str, actor: AbstractBaseUser
) -> list[int]:
    """Apply a moderator's action to comments; return the ids of the events it wrote."""
    to_status, _ = ACTIONS[action]
    event_ids = []
    for comment_id in comment_ids:
        try:
            changed = comment_transition(
                comment_id=comment_id,
                to_status=to_status,
                actor=actor,
                reasons=[{"code": action, "reason": f"{ACTIONS[action][1]} by a moderator"}],
            )
        except TransitionNotAllowed:
            continue
        if changed:
            event_ids.append(
                ModerationEvent.objects.filter(comment_id=comment_id)
                .order_by("-pk")
                .values_list("pk", flat=True)[0]
            )
    return event_ids


def event_undo(*, event_id: int, actor: AbstractBaseUser) -> bool:
    """Reverse a moderator's decision within the undo window, through the same transition."""
    event = ModerationEvent.objects.filter(pk=event_id).first()
    window = timedelta(minutes=settings.PARLEY_UNDO_MINUTES)
    if (
        event is None
        or event.comment_id is None
        or event.actor_id is None
        or event.undone_at is not None
    ):
        raise UndoNotAllowed("Only a moderator's decision can be undone, and only once.")
    if timezone.now() - event.created_at > window:
        raise UndoNotAllowed(f"Decisions can be undone for {settings.PARLEY_UNDO_MINUTES} minutes.")
    current = Comment.objects.filter(pk=event.comment_id).values_list("status", flat=True).first()
    if current != event.to_status:
        raise UndoNotAllowed("The comment has changed since; undo it from its current state.")
    back_to = S.HELD if event.from_status == S.PENDING else event.from_status
    changed = comment_transition(
        comment_id=event.comment_id,
        to_status=back_to,
        actor=actor,
        reasons=[{"code": "undo", "reason": f"undo of decision #{event.pk}"}],
    )
    if changed:
        ModerationEvent.objects.filter(pk=event.pk).update(undone_at=timezone.now())
    return changed


# ---------------------------------------------------------------------------
# Reader reports
# ---------------------------------------------------------------------------
def report_create(
    *,
    comment_id: int,
    user: AbstractBaseUser | None,
    ip_address: str | None,
    reason: str,
    note: str = "",
) -> bool:
    """Record a reader's report (once per reader); enough reports hold a published comment.
    Returns False when this reader had already reported the comment."""
    key = requester_key(user=user, address=ip_address, purpose="reporter")
    try:
        with transaction.atomic():
            Report.objects.create(
                comment_id=comment_id,
                reporter=user if user is not None and user.is_authenticated else None,
                reporter_key=key,
                reason=reason,
                note=note[:500],
            )
    except IntegrityError:
        return False
    threshold = rules_get().reports_to_hold
    open_reports = Report.objects.filter(comment_id=comment_id, resolved_at__isnull=True).count()
    if threshold and open_reports >= threshold:
        comment_transition(
            comment_id=comment_id,
            to_status=S.HELD,
            actor_label="readers",
            only_from=[S.PUBLISHED],
            reasons=[
                {"code": "reports", "reason": f"{open_reports} reader reports", "weight": 0.5}
            ],
        )
    return True


# ---------------------------------------------------------------------------
# Telling moderators about held comments, in batches
# ---------------------------------------------------------------------------
HELD_DIGEST_KEY = "parley:held-digest-scheduled"


def held_digest_schedule() -> None:
    """Send one digest for all comments held in the next few minutes, not one mail each."""
    from .tasks import held_digest_task

    delay = settings.PARLEY_HELD_DIGEST_DELAY
    try:
        if cache.add(HELD_DIGEST_KEY, 1, timeout=delay + 60):
            held_digest_task.apply_async(countdown=delay)
    except Exception:
        logger.warning("Could not schedule the held-comments digest", exc_info=True)


def held_digest_send() -> int:
    """Email moderators the comments held since the previous digest; returns how many."""
    from django.core.mail import EmailMultiAlternatives, get_connection
    from django.template.loader import render_to_string

    previous = HeldDigest.objects.order_by("-sent_at").values_list("sent_at", flat=True).first()
    held = selectors.held_since(previous)
    if not held:
        return 0
    recipients = selectors.moderator_emails()
    if recipients:
        context = {"comments": held, "queue_url": absolute_url("moderation:queue")}
        subject = f"[Parley] {len(held)} comment{'s' if len(held) != 1 else ''} held for review"
        text = render_to_string("moderation/email/held_digest.txt", context)
        html = render_to_string("moderation/email/held_digest.html", context)
        messages = []
        for address in recipients:  # one message each: moderators never see each other
            message = EmailMultiAlternatives(subject=subject, body=text, to=[address])
            message.attach_alternative(html, "text/html")
            messages.append(message)
        get_connection().send_messages(messages)
    HeldDigest.objects.create(comment_count=len(held), recipient_count=len(recipients))
    return len(held)


# ---------------------------------------------------------------------------
# Bans
# ---------------------------------------------------------------------------
def ban_hash(kind: str, value: str) -> str:
    """The keyed hash a banned email or IP address is kept as (never the address itself)."""
    return keyed_hash(f"ban.{kind}", value.strip().lower())


def _mask(kind: str, value: str) -> str:
    value = value.strip().lower()
    if kind == Ban.Kind.EMAIL and "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if kind == Ban.Kind.IP:
        if ":" in value:
            return ":".join(value.split(":")[:3]) + ":…"
        return ".".join(value.split(".")[:3]) + ".x"
    return value


def ban_create(
    *,
    kind: str,
    actor: AbstractBaseUser,
    reason: str,
    user: AbstractBaseUser | None = None,
    value: str = "",
    days: int | None = None,
    shadow: bool = False,
) -> Ban:
    """Ban (or shadow-ban) an account, an email or an IP, for `days` or for good; audited."""
    if kind == Ban.Kind.ACCOUNT:
        if user is None:
            raise ValueError("An account ban needs the account.")
        fields = {"user": user, "display": user.get_username()}
    else:
        if not value.strip():
            raise ValueError("An email or IP ban needs the address.")
        fields = {"value_hash": ban_hash(kind, value), "display": _mask(kind, value)}
    expires_at = timezone.now() + timedelta(days=days) if days else None
    with transaction.atomic():
        ban = Ban.objects.create(
            kind=kind, reason=reason, shadow=shadow, expires_at=expires_at, created_by=actor,
            **fields,
        )  # fmt: skip
        ModerationEvent.objects.create(
            ban=ban,
            actor=actor,
            actor_label=actor.get_username(),
            reasons=[{"code": "ban", "reason": f"{ban}: {reason}"}],
        )
    return ban


def ban_lift(*, ban_id: int, actor: AbstractBaseUser) -> bool:
    """End a ban now; audited. Lifting twice changes nothing."""
    with transaction.atomic():
        ban = Ban.objects.select_for_update().filter(pk=ban_id, lifted_at__isnull=True).first()
        if ban is None:
            return False
        ban.lifted_at = timezone.now()
        ban.save(update_fields=["lifted_at"])
        ModerationEvent.objects.create(
            ban=ban,
            actor=actor,
            actor_label=actor.get_username(),
            reasons=[{"code": "unban", "reason": f"lifted: {ban}"}],
        )
    return True


def ban_for(
    *, user: AbstractBaseUser | None = None, email: str = "", ip_address: str | None = None
) -> Ban | None:
    """The ban in force against this poster, hard bans first, if any (one query)."""
    from django.db.models import Q

    now = timezone.now()
    matches = Q(pk__in=[])
    if user is not None and user.is_authenticated:
        matches |= Q(kind=Ban.Kind.ACCOUNT, user=user)
        email = email or getattr(user, "email", "")
    if email:
        matches |= Q(kind=Ban.Kind.EMAIL, value_hash=ban_hash(Ban.Kind.EMAIL, email))
    if ip_address:
        matches |= Q(kind=Ban.Kind.IP, value_hash=ban_hash(Ban.Kind.IP, ip_address))
    return (
        Ban.objects.filter(matches, lifted_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by("shadow", "-pk")
        .first()
    )
