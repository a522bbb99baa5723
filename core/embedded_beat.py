"""Beat's schedule, run by the web server itself when there is no queue (the embedded default).

With a queue, one `celery beat` process sends each periodic job of CELERY_BEAT_SCHEDULE to
the workers. Embedded there is no worker and no beat, and the jobs never ran: the spam model
never learnt from moderators' decisions, authors got no digest, addresses outlived their
retention, lost notices and webhook deliveries were never sent again, and moderators got an
email per held comment instead of a digest.

So each web process that serves the site embedded runs a thread that looks every
PARLEY_EMBEDDED_BEAT_TICK seconds for the jobs that are due and runs them, inline as every
task runs embedded. Several processes (gunicorn's workers, or two servers on one database)
share the file cache, and a run is claimed in its "beat" folder with `add`, which that
cache does under a lock, of a key that lives for the job's interval: the process whose `add`
succeeds runs the job, the others skip it. The key is on disk, so a restart does not reset
the clock, which matters because gunicorn's --max-requests restarts workers far more often
than a daily job falls due.

Celery's beat is not used for the timing: it keeps each process's last runs apart (a file per
process, or memory), so every worker would run every job, and a restart would put each job's
next run a whole interval away again.
"""

import logging
import os
import threading
import time
from contextlib import suppress
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connections

logger = logging.getLogger(__name__)

_KEY = "parley:embedded-beat:{}"
# Kept with no expiry, unlike a claim, which lives one interval: what a claim's absence
# cannot say is whether its job ran long ago, or never.
_LAST_RUN_KEY = "parley:embedded-beat:last-run:{}"
_LAST_LOOK_KEY = "parley:embedded-beat:last-look"
_started: threading.Thread | None = None
_start_lock = threading.Lock()


def _seconds(schedule) -> float | None:
    """A schedule's interval in seconds; None for one this runner cannot keep (a crontab)."""
    if isinstance(schedule, int | float):
        return float(schedule)
    if isinstance(schedule, timedelta):
        return schedule.total_seconds()
    return None


def beat_jobs_run_due() -> list[str]:
    """Run the jobs of CELERY_BEAT_SCHEDULE (less PARLEY_EMBEDDED_BEAT_SKIP) that are due and
    no other process has claimed; the names of those run. A job that fails is logged, and
    the others still run."""
    # The apps' task modules, which a worker imports as it starts: a web process has
    # imported only those its requests used. (Python's imports make the next calls cheap.)
    current_app.autodiscover_tasks(force=True)
    _claims().set(_LAST_LOOK_KEY, time.time(), timeout=None)
    ran = []
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        if name in settings.PARLEY_EMBEDDED_BEAT_SKIP:
            continue
        interval = _seconds(entry["schedule"])
        if interval is None or interval <= 0:
            logger.warning("embedded beat: %s has a schedule it cannot keep; not run", name)
            continue
        # Claimed for the whole interval, so it runs once per interval among every process.
        if not _claims().add(_KEY.format(name), time.time(), timeout=interval):
            continue
        _claims().set(_LAST_RUN_KEY.format(name), time.time(), timeout=None)
        _job_run(name, entry["task"])
        ran.append(name)
    return ran


def beat_last_runs() -> dict[str, float | None]:
    """When each job this runner keeps last started here (a Unix time), None for a job that
    never has."""
    names = [
        name
        for name in settings.CELERY_BEAT_SCHEDULE
        if name not in settings.PARLEY_EMBEDDED_BEAT_SKIP
    ]
    found = _claims().get_many([_LAST_RUN_KEY.format(name) for name in names])
    return {name: found.get(_LAST_RUN_KEY.format(name)) for name in names}


def beat_last_look() -> float | None:
    """When a process (a web process's beat thread, or `manage.py run_beat_jobs`) last
    looked for due jobs here (a Unix time); None if none ever has."""
    return _claims().get(_LAST_LOOK_KEY)


def beat_embedded_running() -> bool:
    """Whether this process runs a beat thread (so its first look comes within a tick)."""
    return _started is not None and _started.is_alive()


def _claims():
    """Where runs are claimed: the embedded settings' "beat" cache, which nothing else writes
    to and so never culls a claim; the default cache under settings without it."""
    return caches["beat"] if "beat" in settings.CACHES else cache


def _job_run(name: str, task_name: str) -> None:
    task = current_app.tasks.get(task_name)
    try:
        if task is None:
            logger.error("embedded beat: %s names no task: %s", name, task_name)
            return
        result = task.apply(throw=False)
        if result.failed():
            logger.error("embedded beat: %s failed\n%s", name, result.traceback)
    except Exception:  # the thread must outlive any one job
        logger.exception("embedded beat: %s failed", name)


# The beat thread's niceness: its jobs (retraining the model takes tens of seconds) yield the
# CPU to the readers' requests this process serves.
NICE = 10


def _loop(tick: float) -> None:
    with suppress(OSError):  # lowering a thread's own priority is always allowed on Linux
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)
    while True:
        time.sleep(tick)
        try:
            beat_jobs_run_due()
        except Exception:  # the cache unreadable, say: try again next tick
            logger.exception("embedded beat: looking for due jobs failed")
        finally:
            # This thread's own connections, closed as a request's are at its end.
            connections.close_all()


def beat_embedded_start() -> threading.Thread | None:
    """Start this process's beat thread, once, when the site runs embedded (tasks inline)
    and PARLEY_EMBEDDED_BEAT_TICK is above 0; the thread, or None when it is not to run.
    Its first look is one tick after the start, so a server that starts and stops at once
    runs nothing."""
    global _started
    tick = float(settings.PARLEY_EMBEDDED_BEAT_TICK or 0)
    if not settings.CELERY_TASK_ALWAYS_EAGER or tick <= 0:
        return None
    with _start_lock:
        if _started is None or not _started.is_alive():
            _started = threading.Thread(
                target=_loop, args=(tick,), name="parley-embedded-beat", daemon=True
            )
            _started.start()
    return _started
