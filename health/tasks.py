"""The worker's heartbeat (beat runs it every half minute)."""

from celery import shared_task


@shared_task(ignore_result=True)
def heartbeat_task() -> None:
    """Record that a worker ran a task just now."""
    from .services import heartbeat_record

    heartbeat_record(name="worker")
