"""Telling higher apps about committed changes, spelled one way."""

from django.db import transaction
from django.dispatch import Signal


def signal_send_on_commit(signal: Signal, *, sender, **kwargs) -> None:
    """Send `signal` once the current transaction commits, so receivers (which queue work
    for workers) see the committed rows; a failing receiver is logged, not raised."""
    transaction.on_commit(lambda: signal.send_robust(sender=sender, **kwargs), robust=True)
