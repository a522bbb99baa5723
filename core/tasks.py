"""The base of Parley's Celery tasks: queued after commit, and never at a reader's expense.

Celery's DjangoTask queues on commit; this one also survives a broker that is down or hung:
the failure is logged and the periodic sweeps (pending comments, missed notifications) pick
the work up later, instead of a stored comment being answered with an error page.
"""

import logging

from celery.contrib.django.task import DjangoTask
from django.db import transaction

logger = logging.getLogger(__name__)


class ParleyTask(DjangoTask):
    def enqueue(self, *args) -> bool:
        """Queue now; False (and a log line) when the broker cannot take it."""
        try:
            self.apply_async(args)
        except Exception:  # kombu raises several types for a broker that is down or hung
            logger.warning("Could not queue %s%r; a sweep will catch up", self.name, args)
            return False
        return True

    def delay_on_commit(self, *args, **kwargs) -> None:
        """Queue once the current transaction commits (at once outside one)."""
        transaction.on_commit(lambda: self.enqueue(*args), robust=True)
