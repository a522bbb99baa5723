from django.db import models


class Heartbeat(models.Model):
    """The last time a process proved it was alive: beat queues the heartbeat task every
    half minute and a worker records it here, so a fresh row means beat, the broker and a
    worker all work."""

    name = models.CharField(max_length=50, unique=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"
