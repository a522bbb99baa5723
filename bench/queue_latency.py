"""Benchmark: the scoring queue end to end, through the real form, gunicorn and Redis.

Starts gunicorn (2 workers) and one Celery worker (one process) on a throwaway SQLite
database (or DATABASE_URL), then:

1. posts comments through the "Leave a Reply" form at a steady rate and prints the
   post-to-verdict latency (comment stored → verdict written) p50 / p99;
2. queues a backlog with the worker stopped, starts it, and prints comments scored per
   second per worker process.

Needs Redis (REDIS_URL, default redis://127.0.0.1:6379; logical databases 11 and 12 are
used and emptied).

    .venv/bin/python -m bench.queue_latency [--rate 10] [--seconds 15] [--backlog 400]
"""

import argparse
import http.cookiejar
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from tests.support import HIDDEN_FIELDS, free_port, wait_until

ROOT = Path(__file__).resolve().parent.parent
BROKER_DB, CACHE_DB = 12, 11


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Poster:
    """A browser-like client: load the article, then send its form (timing only the POST)."""

    def __init__(self, base: str, path: str):
        self.base, self.path = base, path
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        self.last_post_ms = 0.0

    def post(self, text: str, name: str) -> int:
        html = self.opener.open(self.base + self.path, timeout=30).read().decode()
        fields = dict(HIDDEN_FIELDS.findall(html))
        fields.update(comment=text, name=name, email="", url="", reply_to="0", honeypot="")
        request = urllib.request.Request(
            self.base + "/comments/post/",
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Referer": self.base + self.path},
        )
        started = time.monotonic()
        try:
            status = self.opener.open(request, timeout=30).status
        except urllib.error.HTTPError as error:
            status = error.code
        self.last_post_ms = (time.monotonic() - started) * 1000
        return status


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=10.0, help="posts per second")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of the steady run")
    parser.add_argument("--backlog", type=int, default=400, help="comments for the throughput run")
    args = parser.parse_args()

    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "REDIS_BROKER_DB": str(BROKER_DB),
        "REDIS_CACHE_DB": str(CACHE_DB),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # One script stands in for many readers: per-IP limits would measure the limiter.
        "PARLEY_RATE_COMMENT_GUEST": "0/1",
    }
    if not env.get("DATABASE_URL"):
        env["SQLITE_PATH"] = str(Path(tempfile.mkdtemp(prefix="parley-queue-")) / "bench.sqlite3")
    os.environ.update(env)

    import django
    import redis

    for db in (BROKER_DB, CACHE_DB):
        redis.Redis.from_url(f"{redis_url}/{db}").flushdb()
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)

    from articles.services import article_create
    from comments.models import Comment, CommentStatus
    from moderation.models import ModerationRules, SpamVerdict

    article = article_create(title="Queue benchmark", body="Benchmark.", authors=[], publish=True)
    # The poster here is a script: the too-fast rule would hold everything, which changes
    # decisions, not the queue's speed.
    ModerationRules.objects.update_or_create(pk=1, defaults={"min_seconds_to_submit": 0})
    connection.close()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    logs = Path(tempfile.mkdtemp(prefix="parley-queue-logs-"))
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2", "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=(logs / "gunicorn.log").open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip

    def start_worker() -> subprocess.Popen:
        log = logs / f"worker-{time.monotonic_ns()}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=1",
             "--pool=prefork", "--without-gossip", "--without-mingle", "--loglevel=INFO",
             f"--hostname=bench-{time.monotonic_ns()}@%h"],
            cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        wait_until(lambda: " ready." in log.read_text(errors="replace"), 60, "the Celery worker")
        return process

    def stop(process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(30)

    def pending() -> int:
        return Comment.objects.filter(status=CommentStatus.PENDING).count()

    worker = None
    try:
        wait_until(lambda: _answers(base + "/"), 30, "gunicorn")
        worker = start_worker()
        poster = Poster(base, article.get_absolute_url())
        interval = 1 / args.rate
        count = int(args.rate * args.seconds)
        codes = []
        post_ms = []
        started = time.monotonic()
        for n in range(count):
            due = started + n * interval
            time.sleep(max(0.0, due - time.monotonic()))
            codes.append(
                poster.post(f"Steady comment {n}: a short, ordinary remark.", f"Reader {n}")
            )
            post_ms.append(poster.last_post_ms)
        wait_until(lambda: pending() == 0, 120, "the steady-rate comments to be scored")
        latencies = []
        stored = dict(Comment.objects.values_list("pk", "submit_date"))
        for comment_id, judged in SpamVerdict.objects.values_list("comment_id", "created_at"):
            latencies.append((judged - stored[comment_id]).total_seconds() * 1000)
        achieved = count / (time.monotonic() - started)

        stop(worker)
        worker = None
        backlog_start = Comment.objects.count()
        for n in range(args.backlog):
            poster.post(f"Backlog comment {n} about the article.", f"Backlog {n}")
        assert pending() == args.backlog, "the backlog must wait for the worker"
        worker = start_worker()
        wait_until(lambda: pending() == 0, 600, "the backlog to be scored")
        times = sorted(
            SpamVerdict.objects.filter(comment_id__gt=max(stored)).values_list(
                "created_at", flat=True
            )
        )
        throughput = (len(times) - 1) / (times[-1] - times[0]).total_seconds()
    finally:
        if worker is not None:
            stop(worker)
        stop(gunicorn)

    print(
        f"database: {connection.vendor}; gunicorn 2 workers; 1 Celery worker process; "
        f"Redis {redis_url}"
    )
    print(f"steady run: {count} posts at {args.rate:g}/s requested, {achieved:.1f}/s achieved; "
          f"HTTP statuses {sorted(set(codes))}")  # fmt: skip
    print(f"  POST p50 {statistics.median(post_ms):.0f} ms, p99 {percentile(post_ms, 0.99):.0f} ms")
    print(f"  post-to-verdict p50 {statistics.median(latencies):.0f} ms, "
          f"p99 {percentile(latencies, 0.99):.0f} ms")  # fmt: skip
    print(f"backlog run: {args.backlog} comments (ids after {backlog_start}) scored at "
          f"{throughput:.0f} comments/s per worker process")  # fmt: skip


def _answers(url: str) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=2).status == 200
    except OSError:
        return False


if __name__ == "__main__":
    main()
