"""The live thread: open article pages hear of changes to its published comments.

`live_publish` is the one way to tell them. It waits for the current transaction to commit,
and never raises into its caller: a live update is a courtesy, the page is the truth.

Events carry ids and counts only (never text, names or addresses), so the stream is public
and the same for every reader. Each is a Server-Sent Event whose `id:` is its position in
the article's feed; a browser reconnecting sends it back as `Last-Event-ID` and gets what
it missed, or `reset` when that can no longer be told (the feed was lost or trimmed past
it): the page then fetches the thread again. Transports: comments/live_transport.py.
"""

import json
import logging
import re
import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

KINDS = frozenset({"comment", "edit", "remove", "status", "score"})
RESET = "reset"
# Each article's feed keeps this many events for readers who reconnect.
FEED_LENGTH = 1000
RETRY_MILLISECONDS = 2000
HEARTBEAT_SECONDS = 15.0
# A stream server's hub (live_redis.py) tells its readers of new events at most this often.
# Waking every reader for every event cost each one a wake-up and a write per event (a post
# is two, and a busy article's come in bursts): gathered, a burst costs each reader one
# write. A reader hears of an event up to this much later, unnoticed on a "new comments"
# notice and well inside the second issue 15 allows; a shorter tick gathers less.
FANOUT_TICK_SECONDS = 0.25

Position = tuple[int, int]
_POSITION = re.compile(r"^(\d{1,15})-(\d{1,15})$")


def live_publish(*, article_id: int, kind: str, data: dict) -> None:
    """Tell the article's open pages of a change once the current transaction commits."""
    if kind not in KINDS:
        logger.error("live event of unknown kind %r not sent", kind)
        return
    try:
        payload = json.dumps(data, separators=(",", ":"))
    except (TypeError, ValueError):
        logger.exception("live %s event for article %s not sent", kind, article_id)
        return
    transaction.on_commit(lambda: _publish_now(article_id, kind, payload), robust=True)


# The events held by an open live_batch() in this thread, or None.
_held = threading.local()


@contextmanager
def live_batch():
    """Send the live events published inside this block together when it ends: one round
    trip to Redis for a worker's batch of verdicts, not one per comment. A block inside
    another leaves the sending to the outer one."""
    if getattr(_held, "events", None) is not None:
        yield
        return
    _held.events = []
    try:
        yield
    finally:
        events, _held.events = _held.events, None
        if events:
            try:
                live_transport().publish_many(events)
            except Exception:
                logger.exception("%d live events not sent", len(events))


def _publish_now(article_id: int, kind: str, payload: str) -> None:
    held = getattr(_held, "events", None)
    if held is not None:
        held.append((article_id, kind, payload))
        return
    try:
        live_transport().publish(article_id=article_id, kind=kind, payload=payload)
    except Exception:
        logger.exception("live %s event for article %s not sent", kind, article_id)


def live_transport():
    """The transport of the settings in force: Redis Streams, or this process's buffers."""
    from .live_transport import transport_for

    return transport_for(settings.PARLEY_LIVE_REDIS_URL)


def live_position(*, article_id: int) -> str:
    """Where the article's feed is now, as the id a page's first stream resumes from; ""
    when that cannot be told (Redis away: the stream then starts from its own now)."""
    position = live_transport().position(article_id)
    return position_text(position) if position is not None else ""


def position_parse(text: str) -> Position | None:
    """Read an event id sent back by a browser; None if it is not one of ours."""
    match = _POSITION.match(text.strip())
    return (int(match[1]), int(match[2])) if match else None


def position_text(position: Position) -> str:
    return f"{position[0]}-{position[1]}"


def event_frame(*, position: Position, kind: str, payload: str) -> bytes:
    """One Server-Sent Event (the payload is compact JSON: one line)."""
    return f"id: {position_text(position)}\nevent: {kind}\ndata: {payload}\n\n".encode()


def position_frame(position: Position) -> bytes:
    """Say where a stream starts: it sets the browser's Last-Event-ID, and as a named event
    the page's script can read it too (it reopens a stream it closed from there)."""
    return event_frame(position=position, kind="position", payload="{}")


def reset_frame(position: Position, *, missed: bool = False) -> bytes:
    """Tell a reader its feed cannot be told from where it was. `missed`: the feed holds
    events published since, which the reader did not get (a page's first stream must act
    on it, live.js)."""
    return event_frame(position=position, kind=RESET, payload='{"missed":true}' if missed else "{}")


RETRY_FRAME = f"retry: {RETRY_MILLISECONDS}\n\n".encode()
HEARTBEAT_FRAME = b": keep-alive\n\n"
