"""Health writes."""

from django.db.models.functions import Now

from .models import Heartbeat


def heartbeat_record(*, name: str) -> None:
    """Remember that `name` was alive just now, by the database's clock: the worker writing
    it and the web server reading its age may run on machines whose clocks disagree."""
    Heartbeat.objects.update_or_create(name=name, defaults={"at": Now()})
