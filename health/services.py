"""Health writes."""

from django.utils import timezone

from .models import Heartbeat


def heartbeat_record(*, name: str) -> None:
    """Remember that `name` was alive just now."""
    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})
