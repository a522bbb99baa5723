"""The shared article page answered in front of Django's WSGI handler (config/wsgi.py).

A stored page needs none of what the handler does around the middleware: its signals
(connection and query-log upkeep, for a request that makes no query), the script prefix, a
response object to build and take apart. Under gunicorn that was a third of what a cached
hit or a 304 cost. What answers is the same code the first middleware runs
(articles/middleware.py), which stays for every server that does not come through here
(ASGI, the test client); anything this cannot answer, or that goes wrong here,
goes to Django as before, which then answers as it always did."""

import logging
from http import HTTPStatus

from django.core.handlers.wsgi import WSGIRequest

from . import page_cache
from .middleware import ARTICLE_PAGE, may_share

logger = logging.getLogger(__name__)
STATUS_LINES = {code: f"{code} {HTTPStatus(code).phrase}" for code in (200, 304)}


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
            request = WSGIRequest(environ)
            match = ARTICLE_PAGE.match(request.path_info)
            if match is None or not may_share(request):
                return None
            page, _ = page_cache.page_lookup(request, match["slug"])
            if page is None:
                return None
            return page_cache.page_parts(request, page, label="hit")
        except Exception:
            # An unknown Host, an unreadable cache: Django's own answer (a 400, the page
            # rendered) is the right one, and its handler logs what it must.
            logger.debug("shared page not answered in front of Django", exc_info=True)
            return None
