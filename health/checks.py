"""The site's health checks: django-health-check's own for the database and the cache, and
Parley's for the broker, the worker and the comment queue. Each check keeps the figures it
saw in `details`, which /healthz and `manage.py parley_status` print."""

import dataclasses
import datetime
import time

import redis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.db.models.functions import Now
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.exceptions import ServiceUnavailable

from comments.models import Comment, CommentStatus
from core.embedded_beat import beat_last_runs

from .models import Heartbeat


def _inline() -> bool:
    return bool(settings.CELERY_TASK_ALWAYS_EAGER)


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker answers (embedded: tasks run inline, there is none)."""

    details: dict = dataclasses.field(default_factory=dict, repr=False)
    timeout = datetime.timedelta(seconds=2)

    def run(self) -> None:
        if _inline():
            self.details["mode"] = "inline (no broker)"
            return
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_timeout=1, socket_connect_timeout=1
        )
        try:
            client.ping()
            memory = client.info("memory")
        except redis.RedisError as error:
            message = f"the broker does not answer ({type(error).__name__})"
            raise ServiceUnavailable(message) from error
        finally:
            client.close()
        self._memory_check(memory)

    def _memory_check(self, memory: dict) -> None:
        """A Redis at its maxmemory answers PING but refuses every new task (noeviction), or
        drops queued ones to make room (any other policy): both leave comments pending with
        nothing said, so both fail here, saying which."""
        limit, used = memory.get("maxmemory", 0), memory.get("used_memory", 0)
        policy = memory.get("maxmemory_policy", "noeviction")
        self.details.update(used_memory=used, maxmemory=limit, maxmemory_policy=policy)
        if not limit:
            return
        if policy != "noeviction":
            raise ServiceUnavailable(
                f"the broker's Redis may evict queued tasks (maxmemory-policy {policy}); "
                "run it with maxmemory-policy noeviction"
            )
        if used >= limit:
            raise ServiceUnavailable(
                f"the broker's Redis is full ({used // 2**20} MiB used of its maxmemory "
                f"{limit // 2**20} MiB): it refuses new tasks, so comments wait as pending"
            )


@dataclasses.dataclass
class Worker(HealthCheck):
    """A worker ran beat's heartbeat task recently."""

    max_age: datetime.timedelta = datetime.timedelta(minutes=3)
    details: dict = dataclasses.field(default_factory=dict, repr=False)

    async def run(self) -> None:
        # On the request's own thread and connection, as every ORM call of the site.
        await sync_to_async(self._check)()

    def _check(self) -> None:
        if _inline():
            self.details["mode"] = "inline (tasks run in the web process)"
            self._embedded_beat()
            return
        try:
            # Its age by the clock that wrote it (health.services.heartbeat_record): a web
            # server whose clock runs ahead would see a live worker as dead, and one behind
            # would see a dead worker as alive for as long as it is behind.
            row = (
                Heartbeat.objects.filter(name="worker")
                .annotate(database_now=Now())
                .values_list("at", "database_now")
                .first()
            )
        except DatabaseError as error:
            raise ServiceUnavailable(_read_failed(error)) from error
        last, database_now = row or (None, None)
        self.details["last_heartbeat"] = last.isoformat() if last else None
        if last is None:
            raise ServiceUnavailable("no worker heartbeat yet (is beat running?)")
        age = (database_now - last).total_seconds()
        self.details["age_seconds"] = round(age)
        if age > self.max_age.total_seconds():
            raise ServiceUnavailable(f"the last worker heartbeat is {age:.0f} s old")

    def _embedded_beat(self) -> None:
        """Whether the web processes run beat's jobs (core.embedded_beat), and how long ago
        each job last ran, from the claims in the shared cache."""
        tick = settings.PARLEY_EMBEDDED_BEAT_TICK
        if not tick:
            self.details["beat"] = "off (PARLEY_EMBEDDED_BEAT_TICK=0): cron runs the jobs"
            return
        self.details["beat"] = f"in the web processes, every {tick:g} s"
        now = time.time()
        self.details["beat_last_ran_seconds_ago"] = {
            name: round(now - when) for name, when in sorted(beat_last_runs().items())
        }


def _read_failed(error: DatabaseError) -> str:
    """What went wrong reading the database, as /healthz may say it to anyone: a missing
    table ("run migrate") reads differently from a database that does not answer. The
    database's own words name its host, port and user, so only the log has them
    (health.views.health_failures_log, from the error's cause)."""
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
    missing = "no such table" in first_line  # SQLite's words; PostgreSQL's below
    if missing or ("relation" in first_line and "does not exist" in first_line):
        return "reading the database failed: a table is missing (run manage.py migrate)"
    return f"reading the database failed ({type(error).__name__}); the log has the details"


@dataclasses.dataclass
class PendingComments(HealthCheck):
    """Comments waiting for a verdict, and how long the oldest has waited: the queue moves."""

    max_age: datetime.timedelta = datetime.timedelta(minutes=10)
    details: dict = dataclasses.field(default_factory=dict, repr=False)

    async def run(self) -> None:
        await sync_to_async(self._check)()

    def _check(self) -> None:
        pending = Comment.objects.filter(status=CommentStatus.PENDING)
        try:
            oldest = pending.order_by("submit_date").values_list("submit_date", flat=True).first()
            count = pending.count()
        except DatabaseError as error:
            raise ServiceUnavailable(_read_failed(error)) from error
        age = (timezone.now() - oldest).total_seconds() if oldest else None
        self.details.update(count=count, oldest_age_seconds=age and round(age))
        if age is not None and age > self.max_age.total_seconds():
            raise ServiceUnavailable(f"a comment has waited {age:.0f} s for its verdict")


@dataclasses.dataclass
class SiteCache(Cache):
    """django-health-check's cache check, saying plainly when Redis is away or refuses
    writes (out of memory), or the cache folder cannot be written (a full disk): the cache
    then drops writes (core/cache.py), which the check alone reports as a key mismatch."""

    async def run(self):
        breaker = getattr(caches[self.alias], "breaker", None)
        try:
            await super().run()
        except ServiceUnavailable:
            if breaker is not None and breaker.is_open:
                raise ServiceUnavailable(
                    "the cache's Redis does not answer: reads miss and writes are dropped "
                    "until it is back (page cache, rate limits and progress are off)"
                ) from None
            unwritable = getattr(caches[self.alias], "unwritable_reason", lambda: None)()
            if unwritable:
                raise ServiceUnavailable(
                    f"{unwritable}: writes are dropped until it accepts them (page cache and "
                    "rate limits are off)"
                ) from None
            raise


CHECKS = {
    "database": Database,
    "cache": SiteCache,
    "broker": Broker,
    "worker": Worker,
    "pending_comments": PendingComments,
}
