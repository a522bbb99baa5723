"""Celery task for imports started in the admin: thin, one service call."""

from celery import shared_task
from django.conf import settings

from core.tasks import ParleyTask

# Imported with this module, so before a worker forks its pool: not in the task, where it
# spent an import's time limit on loading the readers and writers, and a limit of seconds
# on a loaded machine could strike before the run was ever looked at.
from .services.runs import import_run_execute, import_runs_sweep


@shared_task(
    base=ParleyTask,
    acks_late=False,
    soft_time_limit=settings.PARLEY_IMPORT_SECONDS,
    time_limit=settings.PARLEY_IMPORT_SECONDS + 60,
)
def import_run_task(run_id: int) -> str:
    """Run a queued import. Delivered twice, the second delivery finds it started and stops
    (acks_late is off: a crashed import is reported failed rather than run again)."""
    return import_run_execute(run_id=run_id)


@shared_task(base=ParleyTask)
def import_runs_sweep_task() -> list[int]:
    """Queue again the admin's imports still waiting for a worker (beat, every 2 minutes)."""
    return import_runs_sweep()
