import pytest


@pytest.fixture
def beat_looked(settings):
    """Embedded, cron's `run_beat_jobs` (the tests' PARLEY_EMBEDDED_BEAT_TICK=0) has just
    looked for due jobs, with a schedule of one harmless job."""
    from core.embedded_beat import beat_jobs_run_due

    settings.CELERY_BEAT_SCHEDULE = {
        "heartbeat": {"task": "health.tasks.heartbeat_task", "schedule": 60.0}
    }
    settings.PARLEY_EMBEDDED_BEAT_SKIP = ()
    assert beat_jobs_run_due() == ["heartbeat"]
