"""core.breaker against a real Redis: the probe closes the breaker once Redis answers, and a
failure at the very moment it closes never leaves the breaker open for good."""

import os
import time

import pytest

from core import breaker as breaker_module
from core.breaker import CircuitBreaker

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379")


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    monkeypatch.setattr(breaker_module, "COOL_DOWN_SECONDS", 0.1)
    monkeypatch.setattr(breaker_module, "PROBE_EVERY_SECONDS", 0.02)


def closes_within(breaker: CircuitBreaker, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not breaker.is_open:
            return True
        time.sleep(0.01)
    return False


def test_the_probe_closes_the_breaker_once_redis_answers():
    breaker = CircuitBreaker(REDIS_URL)
    breaker.trip(ConnectionError("refused"))
    assert breaker.is_open
    assert closes_within(breaker, 3)


class FailsAsItCloses(CircuitBreaker):
    """A request's call fails just as the probe closes the breaker: what happens when Redis
    comes back from a hang and the first calls meet connections the hang left broken."""

    again = 0

    def close(self) -> None:
        super().close()
        if not self.again:
            self.trip(ConnectionError("a connection broken by the outage"))
            self.again = 1


def test_a_failure_as_the_probe_closes_is_probed_again_and_closed():
    breaker = FailsAsItCloses(REDIS_URL)
    breaker.trip(ConnectionError("refused"))
    deadline = time.monotonic() + 3
    while not breaker.again and time.monotonic() < deadline:
        time.sleep(0.01)
    assert breaker.again == 1
    assert closes_within(breaker, 3), "the second failure is probed and closed too"
    deadline = time.monotonic() + 3
    while breaker._probe is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert breaker._probe is None, "the probe leaves once the breaker stays closed"
    breaker.trip(ConnectionError("later"))
    assert breaker._probe is not None and closes_within(breaker, 3), "a later trip probes"


def test_a_reset_closes_a_breaker_without_what_redis_answering_again_sets_off():
    """Tests start with every breaker closed; a reset is not Redis answering, so the cache's
    replay into a Redis an earlier test stopped (which would trip the breaker again, for
    every later test) does not run."""
    breaker = breaker_module.breaker_for("redis://127.0.0.1:1/3")  # nothing listens there
    replays = []
    breaker.when_closed(lambda: replays.append(1))
    breaker.trip(ConnectionError("refused"))
    breaker_module.breakers_reset()
    assert not breaker.is_open
    assert replays == []
