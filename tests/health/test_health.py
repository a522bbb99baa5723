"""Health for operators: /healthz answers 200 or 503 with JSON on the database, the cache,
the broker, the worker's heartbeat, beat and the comment queue; parley_status prints the
same."""

import io
import re
import time
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.utils import timezone

from comments.models import Comment
from comments.services import Poster, comment_submit
from health.checks import Beat
from health.models import Heartbeat
from health.services import heartbeat_record

pytestmark = pytest.mark.django_db


def health(client):
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    return response.status_code, response.json()


def test_a_healthy_embedded_site(client, beat_looked):
    """Embedded: everything ok, with the queue's figures and the inline mode named."""
    status, report = health(client)
    assert status == 200 and report["status"] == "ok"
    assert set(report["checks"]) == {
        "database", "cache", "broker", "worker", "beat", "pending_comments"
    }  # fmt: skip
    assert report["checks"]["pending_comments"]["count"] == 0
    assert report["checks"]["worker"]["mode"].startswith("inline")
    assert report["checks"]["beat"]["mode"].startswith("cron runs manage.py run_beat_jobs")
    assert "no-cache" in client.get("/healthz")["Cache-Control"]


def test_embedded_cron_beat_that_never_ran_ran_or_stopped(client, settings):
    """With the web processes' beat off, the report says whether cron's run_beat_jobs has
    never run here, when it and each job last ran, and when it has stopped."""

    heartbeat = {"task": "health.tasks.heartbeat_task", "schedule": 60.0}
    settings.CELERY_BEAT_SCHEDULE = {"first": heartbeat}
    settings.PARLEY_EMBEDDED_BEAT_SKIP = ()
    status, report = health(client)
    beat = report["checks"]["beat"]
    assert status == 503 and beat["ok"] is False
    assert beat["error"].startswith("manage.py run_beat_jobs has never run here")
    assert (beat["last_look_seconds_ago"], beat["jobs_last_ran_seconds_ago"]) == (
        None, {"first": None}
    )  # fmt: skip

    before_run = time.monotonic()
    call_command("run_beat_jobs", stdout=io.StringIO())
    settings.CELERY_BEAT_SCHEDULE = {"first": heartbeat, "added": heartbeat}
    status, report = health(client)
    beat = report["checks"]["beat"]
    assert status == 200, report
    assert beat["last_look_seconds_ago"] < 30
    assert beat["jobs_last_ran_seconds_ago"]["added"] is None
    assert 0 <= beat["jobs_last_ran_seconds_ago"]["first"] < 30

    # Its claim on the job expires after the interval; when the job last ran stays known.
    caches["beat"].delete("parley:embedded-beat:first")
    assert health(client)[1]["checks"]["beat"]["jobs_last_ran_seconds_ago"]["first"] < 30

    time.sleep(0.01)
    check = Beat(max_age=timedelta(0))
    result = async_to_sync(check.get_result)(None)
    said = str(result.error.message)
    # The age is rounded to whole seconds; on a busy machine the requests above can take
    # half a second, and "0 s ago" then reads "1 s ago". It must not exceed what passed.
    ran = re.match(r"manage\.py run_beat_jobs last ran (\d+) s ago: cron must run it", said)
    assert ran and int(ran[1]) <= round(time.monotonic() - before_run), said


def test_embedded_web_beat_that_never_looked(client, settings):
    """With the web processes' beat on and none of them ever having looked (no server
    through config.wsgi ran here), the report says so rather than naming a schedule."""
    settings.PARLEY_EMBEDDED_BEAT_TICK = 10
    status, report = health(client)
    beat = report["checks"]["beat"]
    assert status == 503 and beat["mode"] == "in the web processes, every 10 s"
    assert beat["error"].startswith("no web process has looked for due periodic jobs here yet")


def test_a_comment_stuck_pending_makes_it_fail(client, article, queued_scoring):
    """A comment waiting more than ten minutes for its verdict is a 503 saying so."""
    stuck = comment_submit(article=article, poster=Poster(name="Stuck"), text="Waiting")
    Comment.objects.filter(pk=stuck.pk).update(submit_date=timezone.now() - timedelta(minutes=30))
    status, report = health(client)
    pending = report["checks"]["pending_comments"]
    assert status == 503 and report["status"] == "failing"
    assert (pending["ok"], pending["count"]) == (False, 1)
    assert pending["oldest_age_seconds"] >= 1800
    assert "waited" in pending["error"]


def test_queue_mode_needs_a_broker_and_a_fresh_heartbeat(client, settings):
    """With a broker: no heartbeat or an old one fails; a fresh one passes; an unreachable
    broker fails."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    heartbeat_record(name="beat")
    status, report = health(client)
    assert status == 503 and "no worker heartbeat" in report["checks"]["worker"]["error"]
    heartbeat_record(name="worker")
    Heartbeat.objects.filter(name="worker").update(at=timezone.now() - timedelta(minutes=5))
    assert health(client)[1]["checks"]["worker"]["ok"] is False
    heartbeat_record(name="worker")
    status, report = health(client)
    assert status == 200, report
    assert report["checks"]["worker"]["age_seconds"] <= 5
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    status, report = health(client)
    assert status == 503 and report["checks"]["broker"]["ok"] is False


def test_queue_mode_tells_a_beat_never_started_from_one_that_stopped(client, settings):
    """With a broker, beat's own record says whether it never ran here, runs, or stopped
    (when, and when it had started); a stale worker heartbeat is then put down to beat,
    not to the workers."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    checks = health(client)[1]["checks"]
    assert checks["beat"]["error"].startswith("no beat has recorded that it runs here, ever")
    assert "beat, which asks a worker for one, is not running" in checks["worker"]["error"]

    heartbeat_record(name="beat-started")
    heartbeat_record(name="beat")
    checks = health(client)[1]["checks"]
    assert checks["beat"]["ok"] is True and checks["beat"]["age_seconds"] <= 5
    assert checks["beat"]["started"] is not None
    assert checks["worker"]["error"].startswith("no worker heartbeat yet: beat runs")

    an_hour_ago = timezone.now() - timedelta(hours=1)
    Heartbeat.objects.filter(name="beat-started").update(at=an_hour_ago - timedelta(days=2))
    Heartbeat.objects.filter(name="beat").update(at=an_hour_ago)
    heartbeat_record(name="worker")
    Heartbeat.objects.filter(name="worker").update(at=an_hour_ago)
    checks = health(client)[1]["checks"]
    said = checks["beat"]["error"]
    assert re.match(r"beat has stopped: it last ran 360\d s ago, at ", said), said
    assert f"it had started at {an_hour_ago - timedelta(days=2):%Y-%m-%d %H:%M}" in said
    assert (
        "beat, which asks a worker for one every 30 s, is not running either"
        in (checks["worker"]["error"])
    )


def test_a_failing_check_is_one_log_line_saying_why(client, settings):
    """Each failing check is logged as one line naming the check and the reason: no
    tracebacks, and no further line per request (Django's "Service Unavailable")."""
    import io
    import logging

    # A handler filtered as config/settings.py's LOGGING filters its console (the handler
    # with filters; pytest's have none), writing where the test can read it.
    console = next(h for h in logging.getLogger().handlers if h.filters)
    written = io.StringIO()
    probe = logging.StreamHandler(written)
    probe.filters = list(console.filters)
    probe.setFormatter(console.formatter)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    logging.getLogger().addHandler(probe)
    try:
        status, report = health(client)
    finally:
        logging.getLogger().removeHandler(probe)
    failing = sorted(name for name, check in report["checks"].items() if not check["ok"])
    assert status == 503 and failing == ["beat", "broker", "worker"]
    lines = written.getvalue().splitlines()
    assert len(lines) == 3, lines
    assert "WARNING health.views: health: broker failing: the broker does not answer" in lines[0]
    assert "health: worker failing: no worker heartbeat yet, and beat" in lines[1]
    assert "health: beat failing: no beat has recorded that it runs here" in lines[2]


def test_parley_status_prints_the_same(capsys, article, queued_scoring, beat_looked):
    """The command prints one line per check and fails when something does."""
    call_command("parley_status")
    out = capsys.readouterr().out
    assert "database" in out and "pending_comments" in out and "Parley is healthy." in out
    stuck = comment_submit(article=article, poster=Poster(name="Stuck"), text="Waiting")
    Comment.objects.filter(pk=stuck.pk).update(submit_date=timezone.now() - timedelta(hours=1))
    with pytest.raises(CommandError):
        call_command("parley_status")
    assert "FAILING" in capsys.readouterr().out


def test_each_event_is_one_log_line_with_the_comment_and_its_outcome(article, submit, caplog):
    """Storing and scoring each log one line naming the comment and what happened: inline,
    it is stored with its verdict."""
    import logging

    from tests.conftest import form_data

    with caplog.at_level(logging.INFO):
        submit(form_data(article, comment="Logged words"))
    comment = Comment.objects.get()
    lines = [record.getMessage() for record in caplog.records]
    assert f"comment {comment.pk}: stored published on article {article.pk}" in lines
    assert f"comment {comment.pk}: pending -> published (scorer)" in lines


def test_a_cache_whose_redis_is_away_says_so(client, stopped_redis_cache):
    """With the cache's Redis stopped, the cache check fails saying Redis does not answer,
    not that a probe key "does not match"."""
    stopped_redis_cache(
        "core.cache.ParleyRedisCache", SOCKET_CONNECT_TIMEOUT=0.5, SOCKET_TIMEOUT=0.5
    )
    status, report = health(client)
    cache = report["checks"]["cache"]
    assert status == 503 and cache["ok"] is False
    assert "the cache's Redis does not answer" in cache["error"]
    assert "does not match" not in cache["error"]


def test_a_database_failure_tells_the_public_page_nothing_of_the_servers(client, caplog):
    """The database's own words (its host, port and user) go to the log, not to whoever
    asks /healthz; a missing table is still named, with what to run."""
    from django.db import OperationalError, connection

    words = 'connection to server at "10.9.8.7", port 5432 failed: password for user "parley"'

    def fail(execute, sql, params, many, context):
        if "comments_comment" in sql:
            raise OperationalError(words)
        return execute(sql, params, many, context)

    with caplog.at_level("WARNING"), connection.execute_wrapper(fail):
        status, report = health(client)
    said = report["checks"]["pending_comments"]["error"]
    assert status == 503 and "10.9.8.7" not in said and "parley" not in said
    assert "OperationalError" in said
    assert any("10.9.8.7" in record.getMessage() for record in caplog.records)

    def missing(execute, sql, params, many, context):
        if "comments_comment" in sql:
            raise OperationalError("no such table: comments_comment")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(missing):
        status, report = health(client)
    assert "run manage.py migrate" in report["checks"]["pending_comments"]["error"]


@pytest.mark.parametrize("worker_skew, web_skew", [(-5, 0), (0, 5), (5, 0)])
def test_the_heartbeat_age_is_read_on_one_clock(
    client, settings, monkeypatch, worker_skew, web_skew
):
    """A worker and a web server whose clocks disagree by minutes (the skew is the outside
    world here, set on each process's clock) agree on a heartbeat just written: fresh."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(minutes=worker_skew))
    heartbeat_record(name="worker")
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(minutes=web_skew))
    worker = health(client)[1]["checks"]["worker"]
    assert worker["ok"] and 0 <= worker["age_seconds"] <= 5, worker
