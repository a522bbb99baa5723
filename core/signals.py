"""Telling higher apps about committed changes, spelled one way."""

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

from django.db import transaction
from django.dispatch import Signal


def signal_send_on_commit(signal: Signal, *, sender, **kwargs) -> None:
    """Send `signal` once the current transaction commits, so receivers (which queue work
    for workers) see the committed rows; a failing receiver is logged, not raised."""
    signals_send_on_commit(signal, sender=sender, each=[kwargs])


def signals_send_on_commit(
    signal: Signal,
    *,
    sender,
    each: list[dict],
    around: Callable[[], AbstractContextManager] = nullcontext,
) -> None:
    """signal_send_on_commit once for each of `each`'s arguments, all in one callback run
    inside `around()` (what the receivers do may then be gathered, as live events are)."""

    def send_all() -> None:
        with around():
            for kwargs in each:
                signal.send_robust(sender=sender, **kwargs)

    transaction.on_commit(send_all, robust=True)
