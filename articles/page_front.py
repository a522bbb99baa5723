"""The shared article page answered in front of Django's WSGI handler (config/wsgi.py).

A stored page needs none of what the handler does around the middleware: its signals
(connection and query-log upkeep, for a request that makes no query), the script prefix, a
response object to build and take apart. Under gunicorn that was a third of what a cached
hit or a 304 cost. What answers is the same code the first middleware runs
(articles/middleware.py), which stays for every server that does not come through here
(ASGI, the test client); anything this cannot answer, or that goes wrong here,
goes to Django as before, which then answers as it always did.

Which page a request may have is worked out by Django's own code (a request object, its host
check, its language) once per shape of request: the headers and address that decide it. A
request shaped like one seen before skips that, and costs the version check, a dictionary
look-up and the write: measured under gunicorn (bench.peers), 0.14 to 0.16 ms of CPU a hit,
where building the request each time cost 0.21; in a loop without gunicorn, 6 µs against 29.
"""

import logging
from http import HTTPStatus

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import setting_changed
from django.dispatch import receiver

from . import page_cache
from .middleware import ARTICLE_PAGE, may_share

logger = logging.getLogger(__name__)
STATUS_LINES = {code: f"{code} {HTTPStatus(code).phrase}" for code in (200, 304)}
# Everything of a request that may_share and page_cache.page_keys read: the method and
# address, the cookies (a personal one, the language chosen), the host as Django validates
# it (ALLOWED_HOSTS), the scheme (SECURE_SSL_REDIRECT) and the languages the browser asks
# for. The proxy's HTTPS header, when SECURE_PROXY_SSL_HEADER names one, is added.
SHAPED_BY = (
    "REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "HTTP_COOKIE", "HTTP_HOST",
    "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT", "SERVER_NAME", "SERVER_PORT",
    "wsgi.url_scheme", "HTTP_ACCEPT_LANGUAGE",
)  # fmt: skip
# Shapes a process keeps (each reader's cookies make one): past this many, it starts again.
KNOWN_SHAPES = 1024
_UNKNOWN = object()
_keys_by_shape: dict[tuple, tuple[str, str] | None] = {}
_shaped_by: tuple[str, ...] = ()


class PageFront:
    """WSGI middleware: a stored shared page for the requests it fits, else `application`."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ: dict, start_response):
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD") and environ.get(
            "PATH_INFO", ""
        ).startswith("/articles/"):
            answer = self._stored(environ)
            if answer is not None:
                status, headers, body = answer
                start_response(STATUS_LINES[status], headers)
                return [body]
        return self.application(environ, start_response)

    @staticmethod
    def _stored(environ: dict):
        try:
            keys = _page_keys(environ)
            if keys is None:
                return None
            page, _ = page_cache.page_found(*keys)
            if page is None:
                return None
            return page_cache.page_parts(environ, page, label="hit")
        except Exception:
            # An unknown Host, an unreadable cache: Django's own answer (a 400, the page
            # rendered) is the right one, and its handler logs what it must.
            logger.debug("shared page not answered in front of Django", exc_info=True)
            return None


def _page_keys(environ: dict) -> tuple[str, str] | None:
    """The version and page keys of the shared page this request may have, None if it may
    not have one; worked out once per shape of request."""
    global _shaped_by
    if not _shaped_by:
        proxy_header = settings.SECURE_PROXY_SSL_HEADER
        _shaped_by = SHAPED_BY + ((proxy_header[0],) if proxy_header else ())
    shape = tuple([environ.get(name) for name in _shaped_by])
    keys = _keys_by_shape.get(shape, _UNKNOWN)
    if keys is _UNKNOWN:
        # Raises for what Django refuses (an unknown Host): not kept, so asked again.
        keys = _page_keys_read(environ)
        if len(_keys_by_shape) >= KNOWN_SHAPES:
            _keys_by_shape.clear()
        _keys_by_shape[shape] = keys
    return keys


def _page_keys_read(environ: dict) -> tuple[str, str] | None:
    request = WSGIRequest(environ)
    match = ARTICLE_PAGE.match(request.path_info)
    if match is None or not may_share(request):
        return None
    return page_cache.page_keys(request, match["slug"])


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    # Settings change in a running process only under tests (override_settings).
    global _shaped_by
    _shaped_by = ()
    _keys_by_shape.clear()
