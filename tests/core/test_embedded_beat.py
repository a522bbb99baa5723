"""The embedded default's beat: each job of the schedule runs once per interval, whichever
process looks, and a job that fails does not stop the others."""

import logging
import threading
import time

import pytest
from celery.schedules import crontab

from core.embedded_beat import beat_embedded_start, beat_jobs_run_due
from health.models import Heartbeat
from moderation.models import SpamModel

pytestmark = pytest.mark.django_db

HEARTBEAT = {"task": "health.tasks.heartbeat_task", "schedule": 60.0}


def test_a_due_job_runs_once_per_interval(settings):
    settings.CELERY_BEAT_SCHEDULE = {"heartbeat": HEARTBEAT}
    settings.PARLEY_EMBEDDED_BEAT_SKIP = ()
    assert beat_jobs_run_due() == ["heartbeat"]
    first = Heartbeat.objects.get(name="worker").at
    # Another look (this process's next tick, or another process's) within the interval.
    assert beat_jobs_run_due() == []
    assert Heartbeat.objects.get(name="worker").at == first


def test_a_claim_outlives_the_shared_cache_losing_its_entries(settings):
    """The shared cache culls a third of its entries once it is full (and an operator may
    empty it): a job's claim is not among them, so the job does not run again early."""
    from django.core.cache import cache

    settings.CELERY_BEAT_SCHEDULE = {"heartbeat": HEARTBEAT}
    settings.PARLEY_EMBEDDED_BEAT_SKIP = ()
    assert beat_jobs_run_due() == ["heartbeat"]
    cache.clear()
    assert beat_jobs_run_due() == []


def test_a_job_runs_again_once_its_interval_has_passed(settings):
    settings.CELERY_BEAT_SCHEDULE = {"heartbeat": {**HEARTBEAT, "schedule": 1.0}}
    settings.PARLEY_EMBEDDED_BEAT_SKIP = ()
    assert beat_jobs_run_due() == ["heartbeat"]
    time.sleep(1.1)
    assert beat_jobs_run_due() == ["heartbeat"]


def test_a_broken_entry_is_logged_and_the_others_still_run(settings, caplog):
    settings.CELERY_BEAT_SCHEDULE = {
        "missing": {"task": "moderation.tasks.no_such_task", "schedule": 60.0},
        "crontab": {"task": "health.tasks.heartbeat_task", "schedule": crontab(minute=0)},
        "heartbeat": HEARTBEAT,
    }
    settings.PARLEY_EMBEDDED_BEAT_SKIP = ()
    with caplog.at_level(logging.WARNING, logger="core.embedded_beat"):
        assert beat_jobs_run_due() == ["missing", "heartbeat"]
    assert Heartbeat.objects.filter(name="worker").exists()
    logged = caplog.text
    assert "missing names no task: moderation.tasks.no_such_task" in logged
    assert "crontab has a schedule it cannot keep" in logged


def test_the_shipped_schedule_runs_embedded_without_the_workers_heartbeat(
    settings, article, post, moderator
):
    """Every job of the real schedule runs inline; the heartbeat, which proves a worker is
    alive, is skipped, and moderators' decisions train the site's model."""
    from moderation import services

    for n in range(6):
        spam = post(article, f"cheap pills {n} at http://pills{n}.example", status="held")
        ham = post(article, f"The permit figures in part {n} look right to me.", status="held")
        services.comments_moderate(comment_ids=[spam.pk], action="spam", actor=moderator)
        services.comments_moderate(comment_ids=[ham.pk], action="approve", actor=moderator)

    ran = beat_jobs_run_due()
    assert set(ran) == set(settings.CELERY_BEAT_SCHEDULE) - {"worker-heartbeat"}, ran
    assert not Heartbeat.objects.exists()
    trained = list(SpamModel.objects.values_list("n_labels", "version"))
    assert [n_labels for n_labels, _ in trained] == [12], trained


def test_no_beat_thread_with_a_queue_or_with_the_tick_at_zero(settings):
    settings.PARLEY_EMBEDDED_BEAT_TICK = 0
    assert beat_embedded_start() is None
    settings.PARLEY_EMBEDDED_BEAT_TICK = 10
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert beat_embedded_start() is None


def test_no_beat_runs_under_the_tests(django_setup_skipped):
    """config.wsgi was imported by now in a whole run (tests/articles/test_page_front.py), or
    is imported here, run alone; a beat thread here would run jobs on the test database
    behind every test's back."""
    import config.wsgi  # noqa: F401

    assert "parley-embedded-beat" not in [thread.name for thread in threading.enumerate()]


def test_cron_runs_the_due_jobs_when_the_web_processes_do_not(settings):
    """With PARLEY_EMBEDDED_BEAT_TICK=0 nothing in the web runs the schedule: cron's
    `manage.py run_beat_jobs` runs every job that is due, once per interval."""
    from io import StringIO

    from django.core.management import call_command

    settings.PARLEY_EMBEDDED_BEAT_TICK = 0
    settings.CELERY_BEAT_SCHEDULE = {"heartbeat": HEARTBEAT}
    settings.PARLEY_EMBEDDED_BEAT_SKIP = ()
    assert beat_embedded_start() is None
    said = StringIO()
    call_command("run_beat_jobs", stdout=said)
    assert said.getvalue() == "Jobs run: heartbeat.\n"
    assert Heartbeat.objects.filter(name="worker").exists()
    said = StringIO()
    call_command("run_beat_jobs", stdout=said)
    assert said.getvalue() == "No job was due.\n"
