"""How many live streams one client may hold open at once in this process.

A stream stays open as long as its page: a coroutine under ASGI, a thread under runserver.
Without a cap one client could open them by the thousand and hold the stream server's
memory, file descriptors or threads for everyone. A reader's tabs stay far below the cap; a
page over it is told 429, and its script tries again later, slower each time, while the
page itself works as without scripts (static/js/live.js).
"""

import threading
from collections import Counter

from django.conf import settings

from core.http import address_network

TOO_MANY = "Too many live streams are open from your address. Close some pages or try later."
RETRY_AFTER_SECONDS = 60

_open: Counter = Counter()
_lock = threading.Lock()  # runserver's threads share the count; under ASGI it is one thread


def live_client(ip: str | None) -> str:
    """Whom a stream is counted against: the address, or its /64 for IPv6."""
    return address_network(ip) or "unknown"


def live_slot_take(client: str) -> bool:
    """Count one more stream for `client`; False (nothing counted) when it holds the most
    PARLEY_LIVE_STREAMS_PER_CLIENT allows. Each True is given back with live_slot_give."""
    with _lock:
        if _open[client] >= settings.PARLEY_LIVE_STREAMS_PER_CLIENT:
            return False
        _open[client] += 1
        return True


def live_slot_give(client: str) -> None:
    with _lock:
        _open[client] -= 1
        if _open[client] <= 0:
            del _open[client]
