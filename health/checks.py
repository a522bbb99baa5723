"""The site's health checks: django-health-check's own for the database and the cache, and
Parley's for the broker, the worker, beat and the comment queue. Each check keeps the figures it
saw in `details`, which /healthz and `manage.py parley_status` print."""

import dataclasses
import datetime
import time

import redis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.exceptions import ServiceUnavailable

from comments.models import Comment, CommentStatus
from core.embedded_beat import beat_embedded_running, beat_last_look, beat_last_runs

from .selectors import HeartbeatSeen, heartbeats_seen


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


def _heartbeats_seen(*names: str) -> dict[str, HeartbeatSeen]:
    try:
        return heartbeats_seen(*names)
    except DatabaseError as error:
        raise ServiceUnavailable(_read_failed(error)) from error


def _fresh(seen: dict[str, HeartbeatSeen], name: str, max_age: datetime.timedelta) -> bool:
    return name in seen and seen[name].age_seconds <= max_age.total_seconds()


def _utc(moment: datetime.datetime) -> str:
    return f"{moment.astimezone(datetime.UTC):%Y-%m-%d %H:%M:%S} UTC"


# How long beat may go unseen: it records itself every 15 s (health.beat), and the heartbeat
# it asks a worker for is sent every 30 s.
BEAT_MAX_AGE = datetime.timedelta(minutes=3)


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
            return
        seen = _heartbeats_seen("worker", "beat")
        worker = seen.get("worker")
        self.details["last_heartbeat"] = worker.at.isoformat() if worker else None
        # A stale heartbeat is the worker's fault only while beat, which asks for it, runs.
        beat_runs = _fresh(seen, "beat", BEAT_MAX_AGE)
        if worker is None:
            raise ServiceUnavailable(
                "no worker heartbeat yet: beat runs, so no worker has taken its heartbeat "
                "task (is a worker running?)"
                if beat_runs
                else "no worker heartbeat yet, and beat, which asks a worker for one, is not "
                "running (see the beat check)"
            )
        age = worker.age_seconds
        self.details["age_seconds"] = round(age)
        if age > self.max_age.total_seconds():
            raise ServiceUnavailable(
                f"the last worker heartbeat is {age:.0f} s old"
                + (
                    ": beat runs, so no worker is taking tasks"
                    if beat_runs
                    else "; beat, which asks a worker for one every 30 s, is not running "
                    "either (see the beat check)"
                )
            )


@dataclasses.dataclass
class Beat(HealthCheck):
    """Whatever sends the periodic jobs runs: celery beat with a queue (its own record,
    health.beat), the web processes or cron's `run_beat_jobs` embedded (core.embedded_beat).
    Each says apart a runner that stopped, and when, from one that never ran here."""

    max_age: datetime.timedelta = BEAT_MAX_AGE
    details: dict = dataclasses.field(default_factory=dict, repr=False)

    async def run(self) -> None:
        await sync_to_async(self._check)()

    def _check(self) -> None:
        if _inline():
            self._embedded()
        else:
            self._celery_beat()

    def _celery_beat(self) -> None:
        self.details["mode"] = "celery beat (one process per site)"
        seen = _heartbeats_seen("beat", "beat-started")
        started, beat = seen.get("beat-started"), seen.get("beat")
        self.details["started"] = started.at.isoformat() if started else None
        self.details["last_seen"] = beat.at.isoformat() if beat else None
        if beat is None:
            raise ServiceUnavailable(
                "no beat has recorded that it runs here, ever: start one (celery -A config "
                "beat, deploy/parley-beat.service), or restart one started before this "
                "release (those keep no record)"
            )
        age = beat.age_seconds
        self.details["age_seconds"] = round(age)
        if age > self.max_age.total_seconds():
            since = f"; it had started at {_utc(started.at)}" if started else ""
            raise ServiceUnavailable(
                f"beat has stopped: it last ran {age:.0f} s ago, at {_utc(beat.at)}{since}. "
                "No periodic job runs until it is started again"
            )

    def _embedded(self) -> None:
        tick = settings.PARLEY_EMBEDDED_BEAT_TICK
        now = time.time()
        look = beat_last_look()
        self.details["mode"] = (
            f"in the web processes, every {tick:g} s"
            if tick
            else "cron runs manage.py run_beat_jobs (PARLEY_EMBEDDED_BEAT_TICK=0)"
        )
        self.details["last_look_seconds_ago"] = round(now - look) if look else None
        self.details["jobs_last_ran_seconds_ago"] = {
            name: round(now - when) if when else None
            for name, when in sorted(beat_last_runs().items())
        }
        if look is None:
            if tick and beat_embedded_running():
                return  # this process looks within a tick of its start
            raise ServiceUnavailable(
                "no web process has looked for due periodic jobs here yet: a web server "
                f"started through config.wsgi (make run, gunicorn) looks {tick:g} s after it "
                "starts"
                if tick
                else "manage.py run_beat_jobs has never run here: no periodic job has run; "
                "cron must run it every minute"
            )
        age = now - look
        if age > max(self.max_age.total_seconds(), 3 * tick):
            raise ServiceUnavailable(
                f"the web processes last looked for due periodic jobs {age:.0f} s ago (they "
                f"look every {tick:g} s): "
                + (
                    "a job has run that long"
                    if beat_embedded_running()
                    else "the web server has stopped, or a job has run that long"
                )
                if tick
                else f"manage.py run_beat_jobs last ran {age:.0f} s ago: cron must run it "
                "every minute"
            )


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
    "beat": Beat,
    "pending_comments": PendingComments,
}
