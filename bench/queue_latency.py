"""Benchmark: posting with the scorer queued, through the real form, gunicorn, Redis and a worker.

gunicorn (2 workers, DEBUG=0 over plain HTTP, as bench/processes.py starts it) and one Celery
worker process, on a SQLite database and a redis-server of the run's own. Guests post through
the "Leave a Reply" form (every second post a reply) from 1, 4 and 8 clients; for each it
prints comments posted per second, web and worker CPU per comment (utime + stime of each
process tree, from /proc), post-to-verdict latency, and how many comments were still pending
when posting stopped and 5 s later. Last, a backlog is posted with the worker stopped, and one
worker process scores it: comments scored per second.

Every post must be answered 302; any other answer stops the run with a non-zero exit.

    .venv/bin/python -m bench.queue_latency [--clients 1,4,8] [--seconds 10]
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.http_client import percentile

# What is left pending this long after posting stops is one of the figures.
SETTLE_SECONDS = 5.0
# The worker is given up on once this long passes without one more comment scored.
STALL_SECONDS = 30.0


@dataclass
class QueueLevel:
    clients: int
    posts: int
    per_second: float
    web_cpu_ms: float
    worker_cpu_ms: float
    pending_at_stop: int
    pending_after: int
    never_scored: int
    verdict_ms: list[float] = field(default_factory=list)


@dataclass
class QueueRun:
    levels: list[QueueLevel]
    backlog: int
    worker_per_second: float
    backlog_never_scored: int

    @property
    def never_scored(self) -> int:
        return sum(level.never_scored for level in self.levels) + self.backlog_never_scored

    @property
    def worst_pending_after(self) -> int:
        return max(level.pending_after for level in self.levels)


def queue_mode(*, env: dict, article, clients: list[int], seconds: float, logs: Path) -> QueueRun:
    """Post to `article` (bench.peers_parley.PostingArticle) with scoring queued.

    Django must be set up in this process on `env`'s database (peers_parley.parley_prepare):
    the pending comments are counted there.
    """
    from bench.peers_load import measure, tree_cpu_seconds
    from bench.peers_parley import parley_poster
    from bench.processes import start_gunicorn, stop
    from comments.models import Comment, CommentStatus
    from moderation.models import SpamVerdict
    from tests.support import CeleryWorker

    def pending(since: int) -> int:
        return Comment.objects.filter(
            article_id=article.id, pk__gt=since, status=CommentStatus.PENDING
        ).count()

    def drain(since: int) -> tuple[int, float]:
        """Wait while the worker scores; what is left when it stops getting anywhere, and when
        it last did. (A comment the web could not enqueue waits for beat's sweep, which this
        benchmark does not run.)"""
        left, progressed = pending(since), time.monotonic()
        while left and time.monotonic() - progressed < STALL_SECONDS:
            time.sleep(0.05)
            now = pending(since)
            if now < left:
                left, progressed = now, time.monotonic()
        return left, progressed

    def newest() -> int:
        return Comment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def post(port: int, pid: int, count: int):
        return measure(
            pid, parley_poster(port, article, count, series=count), clients=count, seconds=seconds,
            expected=302, name=f"queue mode, {count} clients",
        )  # fmt: skip

    web, port = start_gunicorn(env, logs, "queue", article.path)
    worker = CeleryWorker(env, concurrency=1)
    levels = []
    try:
        for count in clients:
            since = newest()
            worker_before = tree_cpu_seconds(worker.process.pid)
            posting = post(port, web.pid, count)
            at_stop = pending(since)
            time.sleep(SETTLE_SECONDS)
            after = pending(since)
            never, _ = drain(since)
            worker_cpu = tree_cpu_seconds(worker.process.pid) - worker_before
            stored = dict(Comment.objects.filter(pk__gt=since).values_list("pk", "submit_date"))
            judged = SpamVerdict.objects.filter(comment_id__in=stored)
            levels.append(QueueLevel(
                clients=count, posts=posting.requests, per_second=posting.per_second,
                web_cpu_ms=posting.cpu_ms,
                worker_cpu_ms=1000 * worker_cpu / max(posting.requests, 1),
                pending_at_stop=at_stop, pending_after=after, never_scored=never,
                verdict_ms=[(when - stored[pk]).total_seconds() * 1000 for pk, when in
                            judged.values_list("comment_id", "created_at")],
            ))  # fmt: skip
            print(f"queue mode: {count} clients, {posting.per_second:.1f} comments/s", flush=True)

        # A backlog for one worker process to work through at its own pace.
        worker.stop()
        since = newest()
        posted = post(port, web.pid, max(clients)).requests
        backlog = pending(since)  # the measured posts and the few that warmed the server up
        if backlog < posted:
            raise SystemExit(f"{posted} posts with no worker running left {backlog} pending")
        worker = CeleryWorker(env, concurrency=1)
        started = time.monotonic()
        never, finished = drain(since)
        rate = (backlog - never) / max(finished - started, 1e-3)
    finally:
        worker.stop()
        stop(web)
    if any(level.never_scored for level in levels) or never:
        warnings = (logs / "gunicorn-queue.log").read_text(errors="replace").count("Redis")
        print(f"queue mode: comments left pending for good; gunicorn's log mentions Redis "
              f"{warnings} times", file=sys.stderr)  # fmt: skip
    return QueueRun(levels, backlog, rate, never)


def queue_report(run: QueueRun) -> None:
    print(
        f"{'clients':>7} {'comments/s':>10} {'web CPU':>9} {'worker CPU':>10} "
        f"{'verdict p50 / p99':>18} {'pending at stop':>15} {SETTLE_SECONDS:g} s later"
    )
    for level in run.levels:
        verdict = (
            f"{statistics.median(level.verdict_ms):.0f} / {percentile(level.verdict_ms, 0.99):.0f}"
            if level.verdict_ms
            else "n/a"
        )
        print(
            f"{level.clients:>7} {level.per_second:>10.1f} {level.web_cpu_ms:>6.1f} ms "
            f"{level.worker_cpu_ms:>7.1f} ms {verdict:>15} ms {level.pending_at_stop:>15} "
            f"{level.pending_after:>10}"
        )
    print(f"(CPU per comment; {sum(level.posts for level in run.levels)} posts in all, every "
          "one answered 302)")  # fmt: skip
    if run.never_scored:
        print(f"NOT SCORED: {run.never_scored} comments were still pending when the worker had "
              f"scored nothing for {STALL_SECONDS:g} s")  # fmt: skip
    print(f"backlog: {run.backlog} comments posted with the worker stopped, scored by one worker "
          f"process at {run.worker_per_second:.0f} comments/s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="1,4,8", help="posting clients, one run each")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per run")
    args = parser.parse_args()
    clients = [int(count) for count in args.clients.split(",")]

    from bench.peers_parley import parley_env, parley_prepare, posting_article
    from bench.processes import stop_all
    from tests.support import RedisServer

    if shutil.which("redis-server") is None:
        raise SystemExit("needs redis-server on PATH (apt-get install redis-server)")
    scratch = Path(tempfile.mkdtemp(prefix="parley-queue-"))
    env = parley_env(scratch)
    parley_prepare(env, [])
    article = posting_article("queue-bench")
    redis = RedisServer()
    redis.start()
    try:
        run = queue_mode(
            env={**env, "REDIS_URL": redis.url}, article=article, clients=clients,
            seconds=args.seconds, logs=scratch,
        )  # fmt: skip
    finally:
        stop_all()
        redis.stop()
    print(
        f"\nQueue mode: gunicorn (2 workers, DEBUG=0), one Celery worker process, a private "
        f"redis-server, SQLite; 1 s warm-up + {args.seconds:g} s per run"
    )
    queue_report(run)
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
