"""Celery tasks for articles (beat runs them)."""

from celery import shared_task


@shared_task
def articles_publish_due_task() -> list[str]:
    """Publish the scheduled articles whose time has come."""
    from .services import articles_publish_due

    return articles_publish_due()


@shared_task
def updates_publish_due_task() -> list[int]:
    """Announce the scheduled updates whose date has come."""
    from .services import updates_publish_due

    return updates_publish_due()
