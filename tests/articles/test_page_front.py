"""The shared page answered in front of Django's WSGI handler (articles/page_front.py):
through config.wsgi, as gunicorn calls it, a stored page goes out with the bytes and headers
the first middleware would send, and without the handler running; anything else reaches
Django, which answers as before."""

import os

import pytest
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, RequestFactory

from articles import page_cache, page_front
from articles.page_front import PageFront
from config.wsgi import application
from core.file_cache import SharedFileCache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PARLEY_PAGE_CACHE_SECONDS = 60


@pytest.fixture
def handler_runs():
    """How many requests reached Django's handler (its request_started signal). The
    handler's closing of database connections is held off meanwhile, as the test client
    does, so the test's transaction survives the requests that reach Django."""
    seen = []

    def count(**_):
        seen.append(1)

    request_started.connect(count)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield seen
    request_started.disconnect(count)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def wsgi(method: str, path: str, app=application, **headers) -> tuple[str, dict, bytes]:
    """Call config.wsgi.application as a WSGI server does: status line, headers, body."""
    environ = RequestFactory().generic(method, path, headers=headers).environ
    got = {}

    def start_response(status, response_headers, exc_info=None):
        got["status"], got["headers"] = status, response_headers

    chunks = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        getattr(chunks, "close", lambda: None)()
    return got["status"], dict(got["headers"]), body


def test_a_stored_page_is_sent_as_the_middleware_sends_it_without_djangos_handler(
    article, post, handler_runs
):
    post(article, "Words kept for everyone")
    url = article.get_absolute_url()
    assert Client().get(url)["X-Parley-Cache"] == "miss"
    by_middleware = Client().get(url, headers={"accept-encoding": "gzip"})
    assert by_middleware["X-Parley-Cache"] == "hit"
    handler_runs.clear()

    status, headers, body = wsgi("GET", url, accept_encoding="gzip")

    assert handler_runs == []
    assert status == "200 OK"
    assert body == by_middleware.content
    assert headers == dict(by_middleware.items())
    assert headers["Content-Encoding"] == "gzip" and headers["X-Parley-Cache"] == "hit"


def test_a_current_copy_gets_a_304_and_head_gets_no_body_in_front(article, handler_runs):
    url = article.get_absolute_url()
    Client().get(url)
    etag = Client().get(url)["ETag"]
    handler_runs.clear()

    status, headers, body = wsgi("GET", url, if_none_match=etag)
    assert (status, body, headers["ETag"]) == ("304 Not Modified", b"", etag)
    assert "Content-Length" not in headers

    status, headers, body = wsgi("HEAD", url)
    assert (status, body) == ("200 OK", b"")
    assert int(headers["Content-Length"]) > 0
    assert handler_runs == []


def test_what_the_front_cannot_answer_reaches_django(article, handler_runs, settings):
    """A page not stored yet, a reader with a session, an unknown Host and plain HTTP where
    HTTPS is required each get Django's own answer."""
    url = article.get_absolute_url()

    status, headers, _ = wsgi("GET", url)
    assert (status, headers["X-Parley-Cache"], len(handler_runs)) == ("200 OK", "miss", 1)

    status, headers, body = wsgi("GET", url, cookie=f"{settings.SESSION_COOKIE_NAME}=abc")
    assert status == "200 OK" and "X-Parley-Cache" not in headers
    assert headers["Cache-Control"] == "private, no-cache" and article.title.encode() in body
    assert len(handler_runs) == 2

    status, _, _ = wsgi("GET", url, host="elsewhere.example")
    assert status.startswith("400") and len(handler_runs) == 3

    settings.SECURE_SSL_REDIRECT = True  # read when the middleware is made: a new stack
    status, headers, _ = wsgi("GET", url, app=PageFront(WSGIHandler()))
    assert status.startswith("301") and headers["Location"].startswith("https://")
    assert len(handler_runs) == 4


def test_a_request_shaped_like_one_answered_before_needs_no_django_request(
    article, handler_runs, monkeypatch
):
    """Which page a request may have is worked out once per shape of request (address,
    cookies, host, scheme, languages): the same shape again is answered from the stored
    page with no request object built, and a new shape is worked out afresh."""
    url = article.get_absolute_url()
    assert wsgi("GET", url)[1]["X-Parley-Cache"] == "miss"
    assert wsgi("GET", url)[1]["X-Parley-Cache"] == "hit"
    handler_runs.clear()

    def no_request(environ):
        raise AssertionError("a request object was built")

    monkeypatch.setattr(page_front, "WSGIRequest", no_request)
    status, headers, _ = wsgi("GET", url)
    assert (status, headers["X-Parley-Cache"], handler_runs) == ("200 OK", "hit", [])

    # Another language asked for is another shape: it could not be worked out here without
    # a request, so Django answered it.
    status, headers, _ = wsgi("GET", url, accept_language="fr")
    assert status == "200 OK" and len(handler_runs) == 1


def test_a_page_another_process_dropped_is_not_answered_from_this_ones_memory(
    article, handler_runs, settings
):
    """This process keeps the pages it served and checks the article's version file before
    each answer: another process changing the version (a cache object of its own on the
    same folder) is seen at the next request, and so is one deleting it."""
    url = article.get_absolute_url()
    assert wsgi("GET", url)[1]["X-Parley-Cache"] == "miss"
    assert wsgi("GET", url)[1]["X-Parley-Cache"] == "hit"
    assert isinstance(caches["default"], SharedFileCache), "the embedded cache is tested here"
    other_process = SharedFileCache(settings.CACHES["default"]["LOCATION"], {})
    version_key, _ = page_cache.page_keys(RequestFactory().get(url), article.slug)
    handler_runs.clear()

    other_process.set(version_key, "a version made elsewhere", None)
    status, headers, _ = wsgi("GET", url)
    assert (status, headers["X-Parley-Cache"], len(handler_runs)) == ("200 OK", "miss", 1)
    assert wsgi("GET", url)[1]["X-Parley-Cache"] == "hit"

    other_process.delete(version_key)
    status, headers, _ = wsgi("GET", url)
    assert (status, headers["X-Parley-Cache"], len(handler_runs)) == ("200 OK", "miss", 2)


def test_a_hit_reads_the_version_file_without_looking_the_cache_up(
    article, handler_runs, monkeypatch
):
    """The file cache's reader is kept per thread: a hit looks up no cache (caches["default"]
    goes through asgiref's Local, as costly as the version's file), and still reads the
    version's file, so another process's change is seen (the test above)."""
    url = article.get_absolute_url()
    assert wsgi("GET", url)[1]["X-Parley-Cache"] == "miss"
    assert wsgi("GET", url)[1]["X-Parley-Cache"] == "hit"
    handler_runs.clear()
    opened = []
    original = os.open

    def counted(path, *args, **kwargs):
        opened.append(path)
        return original(path, *args, **kwargs)

    def no_lookup(self, alias):
        raise AssertionError(f"caches[{alias!r}] looked up")

    monkeypatch.setattr(os, "open", counted)
    monkeypatch.setattr(type(caches), "__getitem__", no_lookup)
    status, headers, _ = wsgi("GET", url)
    assert (status, headers["X-Parley-Cache"], handler_runs) == ("200 OK", "hit", [])
    assert len(opened) == 1 and opened[0].endswith(".djcache")
