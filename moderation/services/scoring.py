"""Scoring stored comments: the pure scorer's verdict, routed through the one transition."""

import contextlib
import logging
import time
from dataclasses import dataclass

from celery import current_app
from django.db import DatabaseError, transaction

from comments.models import Comment, CommentStatus
from comments.screening import Copies, Judgement
from core.db import CompiledValuesIn

from .. import scoring, selectors
from ..model_cache import spam_models
from ..models import ModerationRules
from .transitions import (
    StatusMove,
    comment_status_move,
    comment_transition,
    comments_lock,
    comments_status_move,
)

logger = logging.getLogger(__name__)
S = CommentStatus


@dataclass(frozen=True)
class Prepared:
    """The spam model's answer for a new comment's text, worked out before its transaction
    (comment_judge_prepare), and the milliseconds that took."""

    model: "_Prescored"
    note: str
    elapsed_ms: float


def comment_judge_prepare(*, text: str) -> Prepared | None:
    """The judging hook's first step, before the comment's transaction opens: the spam
    model's answer for the text. The model's features are most of a verdict's time, and on
    SQLite a write transaction holds the whole database, so every other post waits on it.
    None with a queue, with no model, or if the model fails (the verdict then asks it
    again inside, where a failure holds the comment)."""
    if not current_app.conf.task_always_eager:
        return None
    try:
        model, note = spam_models.current(selectors.rules_get())
        if model is None:
            return None
        started = time.perf_counter()
        prescored = _Prescored(model, [text], selectors.own_hosts())
        return Prepared(prescored, note, (time.perf_counter() - started) * 1000)
    except Exception:
        logger.warning("The spam model failed before a comment was stored", exc_info=True)
        return None


def comment_judge(
    *, comment: Comment, copies: Copies, prepared: Prepared | None = None
) -> Judgement | None:
    """Parley's PARLEY_COMMENT_JUDGE hook: with scoring inline (no queue), the scorer's
    verdict on a comment about to be stored, so that comment_submit stores it once with its
    final status, verdict and event. With a queue, None: a worker scores it once stored.
    `prepared`: what comment_judge_prepare worked out for its text."""
    if not current_app.conf.task_always_eager:
        return None
    rules = selectors.rules_get()
    model = (prepared.model, prepared.note) if prepared is not None else None
    verdict, elapsed_ms = _verdict(comment, rules, model=model, copy_rows=copies.rows)
    if elapsed_ms is not None and prepared is not None:
        elapsed_ms += prepared.elapsed_ms  # the scorer's time is the model's and the rules'
    status = _status_for(verdict, rules)

    def record(stored: Comment) -> None:
        comment_status_move(
            stored,
            to_status=status,
            verdict=verdict,
            verdict_elapsed_ms=elapsed_ms,
            stored=True,
            **_scorer(rules),
        )

    return Judgement(status=status, record=record)


# What comments.screening.comment_judge_prepare asks of the hook before the transaction.
comment_judge.prepare = comment_judge_prepare


def comment_score(*, comment_id: int) -> scoring.Verdict | None:
    """Score a stored pending comment and route it, in one transaction; a comment no longer
    pending is left alone (a repeated delivery is harmless)."""
    prepared = _model_answers([comment_id])
    with transaction.atomic():
        # Read and locked as a batch of one is (compiled): on a quiet site every comment
        # comes this way, its message finding no run alive.
        moves, rules = _pending_scored([comment_id], prepared)
        if not moves:
            return None
        comments_status_move(moves, **_scorer(rules))
        return moves[0].verdict


def comments_score_batch(*, comment_ids: list[int]) -> tuple[int, list[int]]:
    """Score many stored comments in one transaction, as comment_score scores one: those no
    longer pending are left alone. They are read and locked together, the model reads all
    their texts in one call, and they move together (comments_status_move). If the database
    fails the batch's move, each comment moves again in a savepoint of its own, so a comment
    the database fails on is rolled back alone. Returns how many were scored, and the ids of
    those the database failed on."""
    prepared = _model_answers(comment_ids)
    with transaction.atomic():
        moves, rules = _pending_scored(comment_ids, prepared)
        if not moves:
            return 0, []
        try:
            with transaction.atomic():
                comments_status_move(moves, **_scorer(rules))
            return len(moves), []
        except DatabaseError:
            logger.warning("a batch of %s comments failed on the database; one by one", len(moves))
        failed = []
        for move in moves:
            try:
                with transaction.atomic():
                    comments_status_move([move], **_scorer(rules))
            except DatabaseError:
                logger.warning("comment %s: scoring failed on the database", move.comment.pk)
                failed.append(move.comment.pk)
    return len(moves) - len(failed), failed


def _pending_scored(
    comment_ids: list[int], prepared
) -> tuple[list[StatusMove], ModerationRules | None]:
    """Lock the comments, keep those still pending and score them: their moves (none if no
    comment is still pending) and the rules that scored them. Call inside a transaction."""
    comments = [c for c in comments_lock(comment_ids=comment_ids) if c.status == S.PENDING]
    if not comments:
        return [], None
    rules = selectors.rules_get()
    model = _model_for(comments, rules, prepared)
    return _scored(comments, rules, model, _earlier_copies(comments)), rules


def _scored(
    comments: list[Comment],
    rules: ModerationRules,
    model: tuple | None = None,
    earlier_copies: dict[int, list[dict]] | None = None,
) -> list[StatusMove]:
    """The scorer's verdicts on locked pending comments, as the moves they send them on;
    `model` (the model and its note) and each comment's earlier copies (`earlier_copies`, by
    comment id), when the caller has them already."""
    moves = []
    for comment in comments:
        rows = earlier_copies.get(comment.pk) if earlier_copies is not None else None
        verdict, elapsed_ms = _verdict(comment, rules, copy_rows=rows, model=model)
        moves.append(
            StatusMove(
                comment,
                _status_for(verdict, rules),
                verdict=verdict,
                verdict_elapsed_ms=elapsed_ms,
            )
        )
    return moves


def _earlier_copies(comments: list[Comment]) -> dict[int, list[dict]] | None:
    """The batch's earlier copies (selectors.copies_for_batch); None if the read fails:
    each comment then reads its own."""
    try:
        with transaction.atomic():
            return selectors.copies_for_batch(comments)
    except DatabaseError:
        return None


def _model_answers(comment_ids: list[int]) -> "_Prescored | None":
    """The model's answers for pending comments' texts, worked out before their transaction
    opens, as comment_judge_prepare does for a post: on SQLite a write transaction holds the
    whole database, and the model's features are most of a verdict's time. None if there is
    no model or it fails (the transaction then asks it itself)."""
    try:
        found, _ = spam_models.current(selectors.rules_get())
        if found is None:
            return None
        texts = [row["comment"] for row in _pending_texts_read(sorted(set(comment_ids)))]
        return _Prescored(found, texts, selectors.own_hosts()) if texts else None
    except Exception:
        return None


# Read for every batch a worker scores, mostly of one or two comments: compiled (core.db).
_pending_texts_read = CompiledValuesIn(
    lambda ids: Comment.objects.filter(pk__in=ids, status=S.PENDING).order_by().values("comment"),
    Comment._meta.pk,
)


def _model_for(comments: list[Comment], rules: ModerationRules, prepared) -> tuple | None:
    """The model and its note for locked comments: `prepared`'s answers if the rules still
    choose the model that gave them (any text it was not given is asked of the model). A
    model that fails to load or to read the texts is left to each comment's own scoring,
    which logs the failure and holds the comment (_verdict)."""
    with contextlib.suppress(Exception):
        found, note = spam_models.current(rules)
        if found is None:
            return None, note
        if prepared is not None and prepared.model is found:
            return prepared, note
        texts = [comment.comment for comment in comments]
        return _Prescored(found, texts, selectors.own_hosts()), note
    return None


class _Prescored:
    """A model whose answers for a batch's texts were worked out in one call (its features
    are made a matrix at a time), with the site's own hosts then; any other text, or other
    hosts, are asked of the model itself."""

    def __init__(self, model, texts: list[str], own_hosts: tuple[str, ...]):
        self.model, self.version, self.own_hosts = model, model.version, own_hosts
        answers = model.predict_proba(texts, own_hosts=own_hosts)
        self.known = dict(zip(texts, answers, strict=True))

    def predict_proba(self, texts, *, own_hosts: tuple[str, ...] = ()):
        if own_hosts != self.own_hosts:
            return self.model.predict_proba(texts, own_hosts=own_hosts)
        return [
            self.known[text]
            if text in self.known
            else self.model.predict_proba([text], own_hosts=own_hosts)[0]
            for text in texts
        ]


def _verdict(
    comment: Comment,
    rules: ModerationRules,
    model: tuple | None = None,
    copy_rows: list[dict] | None = None,
) -> tuple[scoring.Verdict, float | None]:
    """The scorer's verdict and the milliseconds the scorer took (None if it failed). If the
    scorer fails the comment is held for a moderator, never published. `model`: the model
    and its note, and `copy_rows`: the earlier copies of its text, when the caller has them
    already."""
    try:
        model, note = model or spam_models.current(rules)
        submission = selectors.submission_for(comment, copy_rows=copy_rows)
        scoring_rules = selectors.rules_for_scoring(rules)
        # Only the pure scorer is timed: the database reads above are the queue's cost.
        started = time.perf_counter()
        verdict = scoring.score_submission(submission, scoring_rules, model, note)
        return verdict, (time.perf_counter() - started) * 1000
    except Exception as error:  # any scorer failure must hold, not publish
        logger.exception("Scoring comment %s failed; holding it", comment.pk or "(new)")
        failed = scoring.Verdict(
            score=rules.hold_threshold,
            decision=S.HELD,
            reasons=(
                scoring.Reason(
                    "scorer_error",
                    f"the scorer failed ({type(error).__name__})",
                    0.0,
                    {"error": type(error).__name__},
                ),
            ),
        )
        return failed, None


def _status_for(verdict: scoring.Verdict, rules: ModerationRules) -> str:
    # In log-only mode the verdict is recorded and the comment published as if there were
    # no filter. A shadow-ban is no filter's guess but the moderators' decision, which
    # log-only must not lift: it stays for its poster's eyes only.
    if rules.log_only and not any(reason.code == "shadow_ban" for reason in verdict.reasons):
        return S.PUBLISHED
    return verdict.decision


def _scorer(rules: ModerationRules) -> dict:
    """How the scorer's moves are recorded (comments_status_move's arguments)."""
    return {"actor_label": "scorer", "verdict_acted": not rules.log_only}


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
    comment and an edited one reach the scorer. None is added while a message waits in the
    queue or a worker's run is alive: either reaches the comment (services/backlog.py)."""
    transaction.on_commit(lambda: _scoring_start(comment_id), robust=True)


def _scoring_start(comment_id: int) -> None:
    from .backlog import scoring_busy

    if current_app.conf.task_always_eager or not scoring_busy():
        comment_enqueue_scoring(comment_id=comment_id)
