"""Health reads."""

import dataclasses
import datetime

from django.db.models.functions import Now

from .models import Heartbeat


@dataclasses.dataclass(frozen=True)
class HeartbeatSeen:
    at: datetime.datetime
    age_seconds: float


def heartbeats_seen(*names: str) -> dict[str, HeartbeatSeen]:
    """The named processes' last heartbeats, each aged by the database's clock, which wrote
    it (health.services.heartbeat_record): a web server whose clock runs ahead would see a
    live process as dead, and one behind a dead one as alive for as long as it is behind."""
    rows = (
        Heartbeat.objects.filter(name__in=names)
        .annotate(database_now=Now())
        .values_list("name", "at", "database_now")
    )
    return {name: HeartbeatSeen(at, (now - at).total_seconds()) for name, at, now in rows}
