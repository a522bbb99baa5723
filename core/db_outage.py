"""PostgreSQL cutting a connection mid-request (a restart, a failover, an administrator's
pg_terminate_backend) answered the page being read with a 500.

A read (GET, HEAD) is run once more on a fresh connection: the reader gets their page and
never learns of it. If that connection is cut too, or the request changed something (a
POST, whose work may or may not have been committed), the answer is a 503 with Retry-After
that says the database did not answer and hands back what was being sent. Posting a comment
says more (comments.views: stored, not stored, or cannot tell), since it can look again.
"""

import logging

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template import loader

from .http import posted_text

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
_READS = frozenset({"GET", "HEAD", "OPTIONS"})


def connection_lost(error: BaseException | None) -> bool:
    """Whether `error`, or one it came from, is PostgreSQL's connection failing or being
    cut (SQLSTATE classes 08 and 57P, or the client's own "connection failed" / "connection
    closed", which carry none)."""
    try:
        import psycopg
    except ImportError:  # SQLite sites need no PostgreSQL driver
        return False
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, psycopg.InterfaceError):
            return True
        if isinstance(error, psycopg.OperationalError) and (
            error.sqlstate is None or error.sqlstate.startswith(("08", "57P"))
        ):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


class DatabaseOutageMiddleware:
    """The first middleware: a read whose database connection was cut is run again on a
    fresh one; what still fails is a 503 saying so, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        lost = getattr(request, "database_lost", None)
        if lost is None:
            return response
        if request.method not in _READS:
            logger.warning("%s %s: answered 503: %s", request.method, request.path, lost)
            return response
        logger.warning(
            "%s %s: tried again on a fresh connection: %s", request.method, request.path, lost
        )
        request.database_lost = None
        response = self.get_response(request)
        if request.database_lost is not None:
            logger.warning(
                "%s %s: answered 503, lost again: %s",
                request.method, request.path, request.database_lost,
            )  # fmt: skip
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not connection_lost(exception):
            return None
        # The connection is of no more use; the next query opens a new one.
        connection.close()
        request.database_lost = (str(exception).strip().splitlines() or [repr(exception)])[0]
        return database_unavailable(request)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 page: the database did not answer; what was being sent is handed back."""
    context = {"write": request.method not in _READS, **posted_text(request)}
    # Rendered without context processors, which may query the database that just failed.
    response = HttpResponse(loader.get_template("errors/503.html").render(context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Logged once, by the middleware, with what happened; not again by Django as an error.
    response._has_been_logged = True
    return response
