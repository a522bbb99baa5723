"""The health report's beat check against real processes: `celery beat` on Redis, and the
embedded default's web server running the schedule itself. Each mode tells a beat that
never ran here from one that ran and stopped."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync

from health.checks import Beat, Worker
from health.models import Heartbeat
from tests.support import ROOT, AppServer, group_stop, wait_until

from .conftest import BROKER_DB, CACHE_DB, LIVE_DB, database_env

pytestmark = pytest.mark.django_db(transaction=True)


def checked(check) -> tuple[str | None, dict]:
    """Run one health check here, as /healthz does: its error (None when ok), its details."""
    result = async_to_sync(check.get_result)(None)
    return (str(result.error.message) if result.error else None), check.details


def test_celery_beat_never_started_then_running_then_stopped(settings, queue_redis, tmp_path):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    error, _ = checked(Beat())
    assert error.startswith("no beat has recorded that it runs here, ever"), error

    log = tmp_path / "beat.log"
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO",
         f"--schedule={tmp_path / 'celerybeat-schedule'}"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **database_env(),
             "REDIS_URL": queue_redis, "REDIS_BROKER_DB": str(BROKER_DB),
             "REDIS_CACHE_DB": str(CACHE_DB), "REDIS_LIVE_DB": str(LIVE_DB)},
        stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        wait_until(
            lambda: Heartbeat.objects.filter(name="beat").exists() or beat.poll() is not None,
            60,
            f"beat to record that it runs (log: {log})",
        )
        assert beat.poll() is None, log.read_text()[-3000:]
        error, details = checked(Beat())
        assert error is None and details["age_seconds"] <= 30, (error, details)
        assert details["started"] is not None
        # No worker takes its heartbeat task: the worker check blames the workers, not beat.
        error, _ = checked(Worker())
        assert error.startswith("no worker heartbeat yet: beat runs"), error
    finally:
        group_stop(beat)

    stopped = Beat(max_age=timedelta(seconds=1))
    wait_until(lambda: checked(Beat(max_age=timedelta(seconds=1)))[0], 30, "beat to go stale")
    error, details = checked(stopped)
    assert error.startswith("beat has stopped: it last ran "), error
    assert "it had started at " in error and details["last_seen"] is not None


def test_the_embedded_web_server_s_beat_never_ran_then_looks_then_stopped(settings, tmp_path):
    cache_dir = tmp_path / "cache"
    settings.CACHES = {
        **settings.CACHES,
        "beat": {
            "BACKEND": "core.file_cache.SharedFileClaims",
            "LOCATION": str(cache_dir / "beat"),
        },
    }
    settings.PARLEY_EMBEDDED_BEAT_TICK = 0.3
    error, _ = checked(Beat())
    assert error.startswith("no web process has looked for due periodic jobs here yet"), error

    server = AppServer(
        {**database_env(), "REDIS_URL": "", "PARLEY_CACHE_DIR": str(cache_dir),
         "PARLEY_EMBEDDED_BEAT_TICK": "0.3"},
        log=tmp_path / "web.log",
    )  # fmt: skip
    try:
        wait_until(lambda: checked(Beat())[0] is None, 60, "the server's beat to look")
        _, details = checked(Beat())
        assert details["mode"] == "in the web processes, every 0.3 s"
        assert details["last_look_seconds_ago"] < 30
        assert details["jobs_last_ran_seconds_ago"]["sweep-pending-comments"] is not None
    finally:
        server.stop()

    wait_until(lambda: checked(Beat(max_age=timedelta(0)))[0], 30, "the beat to go stale")
    error, details = checked(Beat(max_age=timedelta(0)))
    assert error.startswith("the web processes last looked for due periodic jobs "), error
    assert error.endswith("the web server has stopped, or a job has run that long")
    # When each job last ran stays known after the server stopped.
    assert details["jobs_last_ran_seconds_ago"]["sweep-pending-comments"] is not None
