"""The base of Parley's Celery tasks: queued after commit, and never at a reader's expense.

Celery's DjangoTask queues on commit; this one also survives a broker that is down or hung:
the failure is logged and the periodic sweeps (pending comments, missed notifications) pick
the work up later, instead of a stored comment being answered with an error page. While
Redis's circuit breaker is open (core/breaker.py), nothing is sent at all.
"""

import functools
import logging
import time

import redis
from celery.contrib.django.task import DjangoTask
from django.conf import settings
from django.db import transaction

from .breaker import breaker_for

logger = logging.getLogger(__name__)

# A run's promise is trusted this much less than the broker said, against clocks that tick
# at slightly different rates in the web and in the worker.
PROMISE_MARGIN_SECONDS = 0.05
# One trip to the broker: how long the run's mark lives on (ms, -2 for none) and whether a
# message waits. Messages sent without a priority, as Parley's are, sit in one list.
_BUSY_SCRIPT = """
return {redis.call('PTTL', KEYS[1]), redis.call('EXISTS', KEYS[2])}
"""


class ParleyTask(DjangoTask):
    def _breaker(self):
        """Redis's circuit breaker for the broker, or None for another broker."""
        broker_url = self.app.conf.broker_url or ""
        return breaker_for(broker_url) if broker_url.startswith("redis") else None

    def enqueue(self, *args) -> bool:
        """Queue now; False (and a log line) when the broker cannot take it."""
        breaker = self._breaker()
        if breaker is not None and breaker.is_open:
            logger.info("Not queueing %s%r: Redis is away; a sweep will", self.name, args)
            return False
        try:
            self.apply_async(args)
        except Exception as error:  # kombu raises several types for a broker down or hung
            logger.warning("Could not queue %s%r; a sweep will catch up", self.name, args)
            if breaker is not None:
                breaker.trip(error)
            return False
        return True

    def busy(self) -> bool:
        """Whether a message of this task waits in its queue or a run of it marked itself
        alive (run_mark): either will reach work stored before this was asked. A run looks
        for work until its mark has expired (moderation/services/backlog.py), so while the
        mark this process saw last is surely still alive, nothing is asked of the broker: one
        question a second instead of one per comment. False when the broker cannot say, or
        is not Redis: the caller then sends its own message."""
        broker_url = self.app.conf.broker_url
        promised_url, promised_until = self._promised
        if promised_url == broker_url and time.monotonic() < promised_until:
            return True
        asked_at = time.monotonic()
        keys = [self._run_key(), self._queue()]
        answer = self._asked(lambda client: _busy_script(client)(keys=keys), None)
        if answer is None:
            return False
        mark_ms, queued = answer
        if mark_ms > 0:
            # Counted from before the question: the mark lived at least this long from then.
            self._promised = (broker_url, asked_at + mark_ms / 1000 - PROMISE_MARGIN_SECONDS)
        # -1: a mark without an expiry, which no run sets; alive, but promising nothing.
        return mark_ms > 0 or mark_ms == -1 or queued > 0

    # Until when (this process's time.monotonic()) a run's mark is surely alive, and on
    # which broker.
    _promised: tuple[str, float] = ("", 0.0)

    def run_marks_kept(self) -> bool:
        """Whether the broker can hold a run's mark at all (only Redis does): elsewhere the
        web sends a message for every comment, and a run has no mark to keep or take away."""
        return self._breaker() is not None

    def run_mark(self, seconds: float) -> bool:
        """Mark a run of this task alive for `seconds` (busy() then says so); False if the
        broker did not take the mark."""
        key, ms = self._run_key(), max(1, int(seconds * 1000))
        return self._asked(lambda client: bool(client.set(key, 1, px=ms)), False)

    def _queue(self) -> str:
        return getattr(self, "queue", None) or self.app.conf.task_default_queue

    def _run_key(self) -> str:
        return f"parley:run:{self.name}"

    def _asked(self, ask, failed):
        """`ask` of the broker's Redis, or `failed` when it is not Redis or does not answer."""
        breaker = self._breaker()
        if breaker is None or breaker.is_open:
            return failed
        try:
            # On a client kept per process: kombu's pool and channel cost more than these
            # questions.
            return ask(_redis_client(self.app.conf.broker_url))
        except Exception as error:  # as for enqueue: a broker down or hung
            breaker.trip(error)
            return failed

    def delay_on_commit(self, *args, **kwargs) -> None:
        """Queue once the current transaction commits (at once outside one)."""
        transaction.on_commit(lambda: self.enqueue(*args), robust=True)


@functools.cache
def _busy_script(client: redis.Redis):
    return client.register_script(_BUSY_SCRIPT)


@functools.cache
def _redis_client(url: str) -> redis.Redis:
    timeout = settings.REDIS_SOCKET_TIMEOUT
    return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
