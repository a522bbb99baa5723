"""Scoring runs: a worker that finds comments waiting scores them in batches.

One message per comment costs a worker more in Celery than the scoring itself, and the web
more in kombu than the rest of a post's Redis calls. So a worker, once it has scored the
comment its message named, keeps scoring whatever else is pending, oldest first, BATCH
comments per transaction, and when none is left it waits a moment for more (LINGER_SECONDS,
and until its mark has expired) before it ends. A new comment sends no message while a run
is alive or another message still waits in the queue (ParleyTask.busy).

Why nothing is missed: the comment is committed before the web asks whether a run is
alive, and a run keeps looking for pending comments until its mark has surely expired, then
looks once more. So either the web saw no mark and sent a message, or the run's last look
(after the mark it saw had expired, so after the web asked, so after the commit) finds the
comment. That promise also lets the web stop asking: having seen the mark live on for
another second, it knows a run will look after anything it commits within that second
(core.tasks.ParleyTask.busy). A run stops renewing its mark once it has nothing to do, so
it ends at most MARK_SECONDS after its last comment. A run that dies is delivered again
(acks_late), and the pending sweep is behind both.
"""

import time
from datetime import timedelta

from django.utils import timezone

from comments.models import Comment, CommentStatus
from core.db import CompiledValues

from .scoring import comment_enqueue_scoring, comments_score_batch

BATCH = 20
# Below the task's soft time limit; a longer backlog is handed on to a new message.
RUN_SECONDS = 15
# How long a run waits with nothing pending before it ends, and how often it looks then.
# Looking every 10 ms scored each comment in a transaction of its own and cost the worker
# twice the CPU per comment, which on a small machine the web lost too (bench/queue_latency:
# 1 client, worker 3.6-4.0 -> 1.4 ms, web 5.1 -> 3.9 ms per comment). A tenth of a second
# is still well inside the first time the poster's page asks (static/js/comments.js, 0.4 s).
LINGER_SECONDS = 0.25
LOOK_EVERY_SECONDS = 0.1
# How long a run's mark lives in the broker, and so how long a run with nothing to do lingers
# at most; the run renews it well before then while it has work.
MARK_SECONDS = 1.0
RENEW_AFTER_SECONDS = MARK_SECONDS / 5


def scoring_busy() -> bool:
    """True when a scoring message waits in the queue or a run is alive: either reaches a
    comment committed now, so that comment needs no message of its own."""
    from ..tasks import comment_score_task

    return comment_score_task.busy()


# Asked every LOOK_EVERY_SECONDS while a run lingers: compiled once (core.db).
_pending_read = CompiledValues(
    lambda status: Comment.objects.filter(status=status).order_by("pk").values("pk")[:BATCH],
    status=Comment._meta.get_field("status"),
)


def _waiting(skip: set[int]) -> list[int]:
    if not skip:
        return [row["pk"] for row in _pending_read(status=CommentStatus.PENDING)]
    ids = Comment.objects.filter(status=CommentStatus.PENDING).order_by("pk")
    return list(ids.exclude(pk__in=skip).values_list("pk", flat=True)[:BATCH])


class _Mark:
    """A run's mark in the broker, renewed while the run has work, and until when the broker
    may hold it: the run looks for work until then (see the module's docstring)."""

    def __init__(self, task):
        self.task = task
        self.kept = task.run_marks_kept()
        self.renewed_at = -RENEW_AFTER_SECONDS
        self.alive_until = 0.0

    def renew(self) -> None:
        if not self.kept or time.monotonic() - self.renewed_at < RENEW_AFTER_SECONDS:
            return
        self.task.run_mark(MARK_SECONDS)
        # Counted from after the call, and whatever it answered (a call that timed out may
        # still have set the mark): the broker cannot hold the mark longer than this.
        self.renewed_at = time.monotonic()
        self.alive_until = self.renewed_at + MARK_SECONDS


def comments_score_backlog(*, linger: float = LINGER_SECONDS) -> int:
    """Score pending comments in batches until none is left, then for `linger` seconds more
    and until the run's mark has surely expired (after RUN_SECONDS a new message carries
    the run on). Returns how many were scored."""
    from ..tasks import comment_score_task

    scored, failed = 0, set()
    deadline = time.monotonic() + RUN_SECONDS
    mark = _Mark(comment_score_task)
    idle_since = None
    while True:
        if idle_since is None:
            mark.renew()
        batch = _waiting(failed)
        if not batch:
            now = time.monotonic()
            idle_since = now if idle_since is None else idle_since
            if now - idle_since < linger or now <= mark.alive_until:
                time.sleep(LOOK_EVERY_SECONDS)
                continue
            # The last look, once the mark has surely expired (see the module's docstring).
            if not (batch := _waiting(failed)):
                return scored
        idle_since = None
        if time.monotonic() > deadline:
            comment_enqueue_scoring(comment_id=batch[0])
            return scored
        done, failures = comments_score_batch(comment_ids=batch)
        scored += done
        failed.update(failures)


def pending_sweep(*, older_than: timedelta, inline: bool = False, limit: int = 1000) -> int:
    """Score comments left pending longer than `older_than` (the broker was down, or a worker
    died); returns how many were scored, or found waiting for the run. With `inline` they
    are scored here, BATCH at a time as a worker's run takes them (at most `limit`);
    otherwise one message starts a worker's run (comments_score_backlog), which scores
    every pending comment, oldest first.
    A message each, as before, cost a call to the broker per comment: a thousand of them
    after an outage."""
    waiting = Comment.objects.filter(
        status=CommentStatus.PENDING, submit_date__lte=timezone.now() - older_than
    )
    if inline:
        ids = list(waiting.order_by("pk").values_list("pk", flat=True)[:limit])
        scored = 0
        for start in range(0, len(ids), BATCH):
            scored += comments_score_batch(comment_ids=ids[start : start + BATCH])[0]
        return scored
    first = waiting.order_by("pk").values_list("pk", flat=True).first()
    if first is None or not comment_enqueue_scoring(comment_id=first):
        return 0
    return waiting.count()
