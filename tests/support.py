"""Helpers the tests and the benchmarks share: waiting on a condition, a free port, the
signed fields of a rendered comment form, and what an action could change on an article."""

import re
import socket
import time
from collections.abc import Callable

# The signed part of a rendered "Leave a Reply" form, and the CSRF token beside it.
HIDDEN_FIELDS = re.compile(
    r'name="(csrfmiddlewaretoken|content_type|object_pk|timestamp|security_hash)"'
    r' value="([^"]*)"'
)


def wait_until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll a condition (no fixed sleeps) and fail with `what` if it never holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def form_fields(html: str) -> dict[str, str]:
    """The signed hidden fields (and CSRF token) of the comment form in a page."""
    return dict(HIDDEN_FIELDS.findall(html))


def article_state(article) -> dict:
    """What an action could change on an article, read fresh from the database."""
    fresh = type(article).objects.get(pk=article.pk)
    return {
        "title": fresh.title,
        "body": fresh.body,
        "status": fresh.status,
        "comments_open": fresh.comments_open,
        "updates": fresh.updates.count(),
    }
