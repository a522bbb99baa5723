"""The Celery application; configuration comes from Django settings (CELERY_ namespace)."""

import os

from celery import Celery
from celery.signals import after_setup_logger, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Tasks queue after commit and survive a broker outage (core.tasks.ParleyTask).
app = Celery("parley", task_cls="core.tasks:ParleyTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
def _one_line_per_event(logger, **kwargs) -> None:
    # Celery replaces the root logger's handlers with its own (worker and beat), so the
    # filter goes on those, not in settings.LOGGING.
    from core.log_filters import OutagesInOneLine

    for handler in logger.handlers:
        handler.addFilter(OutagesInOneLine())


@worker_process_init.connect
def _collector_settled(**kwargs) -> None:
    # Each pool process has the site loaded once it starts (core.collector says why).
    from core.collector import collector_settle

    collector_settle()
