"""Celery's worker and beat write one line per event while Redis is away, and no traceback
for the outage itself (the journal of a site whose Redis restarts stays readable)."""

import re
import subprocess
import sys
import textwrap

import pytest

from tests.support import ROOT, CeleryWorker, RedisServer, wait_until

pytestmark = pytest.mark.integration

# A log record's first line, as Celery formats it: "[2026-01-01 10:00:00,000: ERROR/...".
RECORD = re.compile(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+: [A-Z]+/")


def lines_after(output: str, marker: str) -> list[str]:
    return [line for line in output.split(marker, 1)[1].splitlines()[1:] if line.strip()]


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


def test_beat_logs_a_task_it_cannot_send_in_one_line(redis_server):
    """Beat sending its heartbeat to a hung Redis logs one line naming the job and why."""
    redis_server.freeze()
    script = textwrap.dedent(
        """
        from config.celery import app
        import django
        django.setup()
        from celery.beat import Scheduler
        app.log.setup(loglevel="INFO")  # as `celery beat` sets its log up
        scheduler = Scheduler(app, lazy=True)
        entry = scheduler.Entry(
            name="worker-heartbeat", task="health.tasks.heartbeat_task", schedule=30, app=app
        )
        scheduler.apply_entry(entry, producer=None)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "REDIS_URL": redis_server.url, "PARLEY_TEST_DB_SUFFIX": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    logged = [line for line in done.stderr.splitlines() if line.strip()]
    assert any("Couldn't apply scheduled task worker-heartbeat" in line for line in logged)
    assert all(RECORD.match(line) for line in logged), "\n".join(logged)


def test_the_worker_logs_losing_redis_one_line_per_event(redis_server):
    """Each reconnection attempt, and the warnings on losing the broker, are single lines."""
    worker = CeleryWorker({"REDIS_URL": redis_server.url})
    try:
        redis_server.stop()
        wait_until(lambda: "(2/100)" in worker.output(), 60, "two reconnection attempts")
        logged = lines_after(worker.output(), " ready.")
    finally:
        worker.stop()
    assert any("Cannot connect" in line and "Trying again" in line for line in logged)
    assert all(RECORD.match(line) for line in logged), "\n".join(logged)
