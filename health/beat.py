"""Celery beat that leaves a trace of its own (CELERY_BEAT_SCHEDULER names it).

The worker's heartbeat proves beat, the broker and a worker work together, but when it goes
stale it cannot say which of them stopped, and before it ever arrives it cannot say whether
beat was ever started. So beat records, in the database, when it started and, while it
runs, that it is running; the health check reads both (health.checks.Beat).
"""

import logging
import time

from celery.beat import PersistentScheduler
from django.db import DatabaseError, close_old_connections

from .services import heartbeat_record

logger = logging.getLogger(__name__)

# Seconds between records while beat runs: well inside the health check's three minutes,
# and beat never sleeps longer than this between ticks.
RECORD_EVERY = 15.0


class RecordingScheduler(PersistentScheduler):
    """Celery's default scheduler, recording beat's start and then that it runs."""

    _recorded_at: float | None = None
    _started_recorded = False

    def tick(self, *args, **kwargs) -> float:
        if self._recorded_at is None or time.monotonic() - self._recorded_at >= RECORD_EVERY:
            self._record()
        return min(super().tick(*args, **kwargs), RECORD_EVERY)

    def _record(self) -> None:
        # Beat is no request: its connection is checked here, as a request's is, so one the
        # database dropped (a restart) is replaced rather than failing every record after.
        close_old_connections()
        try:
            if not self._started_recorded:
                heartbeat_record(name="beat-started")
                self._started_recorded = True
            heartbeat_record(name="beat")
        except DatabaseError as error:
            # Beat goes on sending the jobs: the health check says beat is not seen.
            logger.warning("beat: recording that it runs failed (%s)", type(error).__name__)
        finally:
            self._recorded_at = time.monotonic()
            close_old_connections()
