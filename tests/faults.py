"""The fault harness: Parley as production runs it (gunicorn with two workers, a Celery worker,
PostgreSQL and Redis), on a PostgreSQL database and a redis-server of its own, with faults to
inject while readers post, and a count of what became of every post.

Used by tests/integration/test_fault_stack.py (which asserts nothing is lost and nothing is
stored behind an error) and by bench/faults.py (which prints the table).
"""

import contextlib
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import psycopg

from demo.content import ARTICLE_SLUG

from .support import ROOT, AppServer, CeleryWorker, HttpReader, RedisServer, wait_until

ADMIN_URL = os.environ.get("PARLEY_FAULTS_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
# What the comment view answers when it cannot tell whether a comment was stored.
CANNOT_TELL = "we cannot tell whether it was"


def postgres_answers(url: str = ADMIN_URL) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=2):
            return True
    except psycopg.Error:
        return False


@dataclass
class Post:
    text: str
    status: int
    seconds: float
    cannot_tell: bool = False


@dataclass
class FaultResult:
    fault: str
    posts: list[Post]
    stored_texts: set[str]
    page_seconds: list[float] = field(default_factory=list)
    pending_after: int = 0

    @property
    def stored(self) -> int:
        return sum(post.text in self.stored_texts for post in self.posts)

    @property
    def lost(self) -> int:
        """Answered as posted (302) but not in the database."""
        return sum(p.status == 302 and p.text not in self.stored_texts for p in self.posts)

    @property
    def stored_behind_error(self) -> int:
        """In the database although the answer said it was not posted."""
        return sum(
            p.status != 302 and not p.cannot_tell and p.text in self.stored_texts
            for p in self.posts
        )

    @property
    def server_errors(self) -> int:
        """Answers that were errors of the site itself (500), not a truthful "not posted"."""
        return sum(post.status == 500 for post in self.posts)

    @property
    def other_answers(self) -> str:
        """Answers besides posted, 503 and 500, by status: a refusal when the form itself
        could not be loaded (its page failed), for instance."""
        other = Counter(p.status for p in self.posts if p.status not in (302, 500, 503))
        return " ".join(f"{status}x{n}" for status, n in sorted(other.items())) or "-"

    def row(self) -> dict:
        post_ms = [post.seconds * 1000 for post in self.posts]
        page_ms = [seconds * 1000 for seconds in self.page_seconds] or [0.0]
        return {
            "fault": self.fault,
            "posts": len(self.posts),
            "stored": self.stored,
            "lost": self.lost,
            "stored behind error": self.stored_behind_error,
            "not posted (503)": sum(p.status == 503 and not p.cannot_tell for p in self.posts),
            "could not tell": sum(post.cannot_tell for post in self.posts),
            "500": self.server_errors,
            "other answers": self.other_answers,
            "post p50 ms": statistics.median(post_ms),
            "post p99 ms": percentile(post_ms, 0.99),
            "page p99 ms": percentile(page_ms, 0.99),
            "pending after": self.pending_after,
        }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Stack:
    """gunicorn (2 workers), one Celery worker, a PostgreSQL database and a redis-server, all
    of their own; the database is dropped at the end."""

    def __init__(self):
        self.name = f"parley_faults_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.name}"')
        parts = urlsplit(ADMIN_URL)
        self.database_url = urlunsplit(parts._replace(path=f"/{self.name}"))
        self.redis = RedisServer()
        self.redis.start()
        self.env = {
            "DATABASE_URL": self.database_url,
            "SQLITE_PATH": "",
            "REDIS_URL": self.redis.url,
            "REDIS_BROKER_DB": "0",
            "REDIS_CACHE_DB": "1",
            "DEBUG": "1",
            "DATABASE_CONN_MAX_AGE": "60",
            "PARLEY_PAGE_CACHE_SECONDS": "60",
            "PARLEY_RATE_COMMENT_GUEST": "0/1",  # a few clients stand in for many readers
            "PARLEY_PENDING_SWEEP_AGE": "1",
            "LOG_LEVEL": "WARNING",
        }
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("load_demo")
        self.manage(
            "shell", "-c", "from moderation.models import ModerationRules as R; "
            "R.objects.update_or_create(pk=1, defaults={'min_seconds_to_submit': 0})",
        )  # fmt: skip
        self.web = AppServer(self.env, workers=2)
        self.worker = CeleryWorker(self.env, concurrency=2)
        self.page = f"/articles/{ARTICLE_SLUG}/"

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **self.env},
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def sql(self, query: str, *params):
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            return connection.execute(query, params).fetchall()

    def restart_worker(self) -> None:
        self.worker = CeleryWorker(self.env, concurrency=2)

    def close(self) -> None:
        for stop in (self.web.stop, self.worker.stop, self.redis.stop):
            with contextlib.suppress(Exception):  # best effort on the way out
                stop()
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (self.name,),
            )
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}"')

    # -- running a fault --------------------------------------------------------------------
    def run(self, fault: str, begin, end, *, posts: int = 36, clients: int = 4) -> FaultResult:
        """Post `posts` comments from `clients` readers in three phases: before `begin()`,
        between `begin()` and `end()` (the fault), and after; then let the sweep finish."""
        label = f"{fault}-{uuid.uuid4().hex[:6]}"
        results: list[Post] = []
        pages: list[float] = []
        per_phase = posts // 3

        def send(n: int) -> None:
            reader = HttpReader(self.web.url, forwarded_for=f"198.51.100.{n % 200 + 1}")
            text = f"fault {label} post {n}: a reader's words"
            answer = reader.post_comment(self.page, comment=text, name=f"Reader {n}")
            results.append(
                Post(text, answer.status, answer.seconds, cannot_tell=CANNOT_TELL in answer.body)
            )
            pages.append(HttpReader(self.web.url).get(self.page).seconds)

        with ThreadPoolExecutor(max_workers=clients) as pool:
            for phase, action in ((0, begin), (1, end), (2, None)):
                list(pool.map(send, range(phase * per_phase, (phase + 1) * per_phase)))
                if action is not None:
                    action()
        self.settle(label)
        stored = {row[0] for row in self.sql(
            "SELECT comment FROM django_comments WHERE comment LIKE %s", f"fault {label} %"
        )}  # fmt: skip
        pending = self.sql(
            "SELECT count(*) FROM comments_comment p JOIN django_comments c "
            "ON c.id = p.xtdcomment_ptr_id WHERE p.status = 'pending' AND c.comment LIKE %s",
            f"fault {label} %",
        )[0][0]
        return FaultResult(fault, results, stored, pages, pending)

    def settle(self, label: str, timeout: float = 120) -> None:
        """Sweep until every comment of this run has its verdict (or the time is up)."""

        def pending() -> int:
            return self.sql(
                "SELECT count(*) FROM comments_comment p JOIN django_comments c "
                "ON c.id = p.xtdcomment_ptr_id WHERE p.status = 'pending' AND c.comment LIKE %s",
                f"fault {label} %",
            )[0][0]

        deadline = time.monotonic() + timeout
        while pending() and time.monotonic() < deadline:
            self.manage("sweep_pending", "--older-than", "0")
            try:
                wait_until(lambda: pending() == 0, 10, "verdicts")
            except AssertionError:
                continue


class BackendTerminator:
    """Terminate every connection to a database, over and over, from a thread of its own."""

    def __init__(self, database: str, every: float = 0.05):
        self.database, self.every = database, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self.rounds = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def _loop(self) -> None:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            while not self._stop.is_set():
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    (self.database,),
                )
                self.rounds += 1
                self._stop.wait(self.every)


def backend_terminate(pid: int) -> None:
    """Terminate one PostgreSQL backend of this test run's database, as an administrator
    (or a failover) would."""
    from django.db import connection

    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"], dbname="postgres",
        password=db["PASSWORD"] or None, autocommit=True,
    ) as admin:  # fmt: skip
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def faults(stack: Stack) -> dict:
    """The faults to run: name -> (begin, end)."""
    terminator = {}

    def terminate_begin():
        terminator["t"] = BackendTerminator(stack.name)
        terminator["t"].start()

    return {
        "Redis killed": (stack.redis.stop, stack.redis.start),
        "Redis hung": (stack.redis.freeze, stack.redis.thaw),
        "worker killed": (stack.worker.kill, stack.restart_worker),
        "PostgreSQL connections dropped": (terminate_begin, lambda: terminator["t"].stop()),
    }
