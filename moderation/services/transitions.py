"""The one place a comment's status changes.

Every move (the scorer's verdict, a moderator's decision, a reader's report, an author's edit
or deletion, an undo) goes through `comments_status_move`, which checks, records and schedules
what follows once the change commits: for one comment through `comment_status_move`, for a
worker's batch (comments locked by `comments_lock`) all at once. `comment_transition` locks a
stored comment and moves it; a new comment judged as it is stored (scoring inline) is moved in
the transaction that inserted it.
"""

import logging
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.utils import timezone
from django_comments.models import Comment as CommentBase

from articles.models import Article
from comments.models import Comment, CommentStatus, Thread
from comments.services import thread_visibility_changed, threads_published_move
from core.db import CompiledUpdateIn, CompiledValuesIn

from ..models import ModerationEvent
from ..scoring import Verdict
from .transition_effects import effects_schedule
from .transition_records import decisions_record, events_record, verdicts_record

logger = logging.getLogger(__name__)
S = CommentStatus
# Back to pending only when its author edits a comment (it is scored again: spam the scorer
# marked too, readers.selectors.comment_edit_refusal); deleted by its
# author is final.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.PUBLISHED, S.HELD, S.SPAM, S.REMOVED, S.DELETED}),
    S.HELD: frozenset({S.PUBLISHED, S.SPAM, S.REMOVED, S.DELETED, S.PENDING}),
    S.PUBLISHED: frozenset({S.HELD, S.SPAM, S.REMOVED, S.DELETED, S.PENDING}),
    S.SPAM: frozenset({S.PUBLISHED, S.HELD, S.REMOVED, S.DELETED, S.PENDING}),
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


def comments_transition(
    *,
    comment_ids: Iterable[int],
    to_status: str,
    actor: AbstractBaseUser | None = None,
    actor_label: str = "",
    reasons: Iterable[dict] = (),
) -> list[ModerationEvent]:
    """comment_transition for many comments: one lock and one move for all of them
    (comments_status_move), so the cost does not grow with their number. Those already at
    `to_status` are left alone. Returns the events written."""
    reasons = list(reasons)
    with transaction.atomic():
        moves = [
            StatusMove(comment, to_status, reasons)
            for comment in comments_lock(comment_ids=list(comment_ids))
            if comment.status != to_status
        ]
        events = comments_status_move(moves, actor=actor, actor_label=actor_label) if moves else []
    return [event for event in events if event is not None]


def comment_lock(*, comment_id: int) -> Comment | None:
    """Lock a comment's thread, then the comment (comment_submit's order), and return the
    comment read under the lock, its article's slug read with it (comments_lock for one:
    every moderator's action and author's edit takes this lock, and its compiled reads,
    the slug's included, take 0.22 ms against the ORM's 0.95). Call inside a transaction."""
    comments = comments_lock(comment_ids=[comment_id])
    return comments[0] if comments else None


def comments_lock(*, comment_ids: list[int]) -> list[Comment]:
    """comment_lock for many comments at once, in id order, each carrying its article's
    slug (what refreshing its page needs after the commit). Threads are locked first, in
    id order, as comment_lock does for one, so a batch and a poster never wait on each
    other crosswise. Call inside a transaction.

    A worker runs this for every batch, mostly of one or two comments: its reads are
    compiled once per batch size (core.db), as building them cost more than running them."""
    comment_ids = sorted(set(comment_ids))
    if connection.features.has_select_for_update:
        _threads_lock(comment_ids)
    comments = [
        Comment.from_db(DEFAULT_DB_ALIAS, _COLUMNS, [row[name] for name in _COLUMNS])
        for row in _comments_lock(comment_ids)
    ]
    slugs = {
        row["pk"]: row["slug"] for row in _slugs_read(sorted({c.article_id for c in comments}))
    }
    for comment in comments:
        # Only the slug is read, what the page refresh after commit asks for; the article's
        # other fields are deferred, so a caller that reads one loads it rather than an
        # empty value.
        comment.article = Article.from_db(
            DEFAULT_DB_ALIAS, _ARTICLE_READ, (comment.article_id, slugs[comment.article_id])
        )
    return comments


_COLUMNS = tuple(field.attname for field in Comment._meta.concrete_fields)
_ARTICLE_READ = (Article._meta.pk.attname, "slug")
_threads_lock = CompiledValuesIn(
    lambda ids: (
        Thread.objects.select_for_update()
        .filter(pk__in=Comment.objects.filter(pk__in=ids).values("thread_id"))
        .order_by("pk")
        .values("pk")
    ),
    Comment._meta.pk,
)
_comments_lock = CompiledValuesIn(
    lambda ids: (
        Comment.objects.select_for_update().filter(pk__in=ids).order_by("pk").values(*_COLUMNS)
    ),
    Comment._meta.pk,
)
_slugs_read = CompiledValuesIn(
    lambda ids: Article.objects.filter(pk__in=ids).order_by().values("pk", "slug"),
    Article._meta.pk,
)


def _status_write(to_status: str) -> tuple[CompiledUpdateIn, CompiledUpdateIn]:
    """The two UPDATEs that move comments to `to_status`: the status on Parley's table, and
    its mirror in django-comments' `is_public`/`is_removed` on the parent table (one ORM
    update of both would write the same two statements, built anew every time)."""
    writes = _STATUS_WRITES.get(to_status)
    if writes is None:
        writes = _STATUS_WRITES[to_status] = (
            CompiledUpdateIn(
                lambda ids, now: (
                    Comment.objects.filter(pk__in=ids),
                    {"status": to_status, "status_changed_at": now},
                ),
                Comment._meta.pk,
                now=Comment._meta.get_field("status_changed_at"),
            ),
            CompiledUpdateIn(
                lambda ids: (
                    CommentBase.objects.filter(pk__in=ids),
                    {"is_public": to_status == S.PUBLISHED, "is_removed": to_status == S.REMOVED},
                ),
                CommentBase._meta.pk,
            ),
        )
    return writes


_STATUS_WRITES: dict[str, tuple[CompiledUpdateIn, CompiledUpdateIn]] = {}


@dataclass(frozen=True)
class StatusMove:
    """One comment's move in comments_status_move: where it goes, and why."""

    comment: Comment
    to_status: str
    reasons: Iterable[dict] = ()
    verdict: Verdict | None = None
    verdict_elapsed_ms: float | None = None


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
    """Move one comment locked (or inserted) by the current transaction: comments_status_move
    for a batch of one.

    `stored` says the row already holds `to_status`: a new comment inserted with the
    verdict it was judged with before the insert, which moves from `pending` unseen; a new
    top-level one's thread was started counting that status (comments' thread_start).
    """
    move = StatusMove(comment, to_status, reasons, verdict, verdict_elapsed_ms)
    return comments_status_move(
        [move], actor=actor, actor_label=actor_label, verdict_acted=verdict_acted, stored=stored
    )[0]


def comments_status_move(
    moves: list[StatusMove],
    *,
    actor: AbstractBaseUser | None = None,
    actor_label: str = "",
    verdict_acted: bool = True,
    stored: bool = False,
    reports_seen: Collection[int] | None = None,
    decision: bool = True,
) -> list[ModerationEvent | None]:
    """The one place comments' moderation state moves, for comments locked (or inserted) by
    the current transaction: check every move (none is made if one is not allowed), mirror
    it into `is_public`/`is_removed`, move the threads' counts, record the events (and the
    scorer's verdicts), and schedule what follows the commit. Returns each move's event
    (None: the comment is already there). A batch costs a statement per kind of row (and
    per status reached), not per comment; `stored` as for comment_status_move.
    `reports_seen`: the reports the deciding person's page showed (None: all), for
    decisions_record. `decision` False: the moves take back decisions (an undo, undo.py),
    which judge nothing, so settle no report and label nothing for the spam model.
    """
    made = []  # (move, from_status) of the moves that change something
    for move in moves:
        from_status = S.PENDING if stored else move.comment.status
        if from_status == move.to_status:
            continue
        if move.to_status not in ALLOWED_TRANSITIONS[from_status]:
            raise TransitionNotAllowed(f"A {from_status} comment cannot become {move.to_status}.")
        made.append((move, from_status))
    if not made:
        return [None] * len(moves)
    now = timezone.now()
    if not stored:
        by_status: dict[str, list[int]] = defaultdict(list)
        for move, _ in made:
            by_status[move.to_status].append(move.comment.pk)
        for to_status, comment_ids in by_status.items():
            own, parent = _status_write(to_status)
            own(comment_ids, now=now)
            parent(comment_ids)
    _threads_count(made, stored=stored)
    reasons = verdicts_record(made, acted=verdict_acted)
    label = actor_label or (actor.get_username() if actor else "system")
    events = events_record(made, actor=actor, label=label, reasons=reasons)
    event_for = {event.comment_id: event for event in events}
    if actor is not None and decision:
        decisions_record(made, when=now, events=event_for, reports_seen=reports_seen)
    effects_schedule(made, actor_label=label)
    return [event_for.get(move.comment.pk) for move in moves]


def _threads_count(made: list[tuple[StatusMove, str]], *, stored: bool) -> None:
    """Move the threads' counts for the comments that entered or left "published"."""
    entered, left = [], []
    for move, from_status in made:
        if (from_status == S.PUBLISHED) == (move.to_status == S.PUBLISHED):
            continue
        comment = move.comment
        if move.to_status != S.PUBLISHED:
            left.append(comment)
        elif stored and comment.level == 0:
            # Its thread was started counting it (thread_start): only the article's count.
            thread_visibility_changed(comment=comment, became_published=True, thread_counted=True)
        else:
            entered.append(comment)
    for comments, became_published in ((entered, True), (left, False)):
        # One comment: the compiled statements of a single post; more: a batch.
        if len(comments) == 1:
            thread_visibility_changed(comment=comments[0], became_published=became_published)
        elif comments:
            threads_published_move(comments=comments, became_published=became_published)
