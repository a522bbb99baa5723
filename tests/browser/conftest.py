"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against
pytest-django's live server."""

import os
import shutil
import threading

import pytest
from django.core.signals import request_finished, request_started

# Browser tests that need a real worker on Redis use the integration tests' fixtures.
from tests.integration.conftest import queue_redis, redis_base_url, start_worker  # noqa: F401
from tests.support import live_server_threads, wait_until

CHROMIUM = os.environ.get("PARLEY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    # Every new context (a window) loaded the address bar's suggestion popups, two WebUI
    # pages in a renderer of their own, though no test types into an address bar: a fresh
    # context's first page cost 1.05 CPU-s with them, 0.70 without. Chromium adds these to
    # the features Playwright disables.
    "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup",
    # The pages of one site in one context share a renderer, as the warm context's keeper
    # page and each test's page are: a new page then starts no renderer of its own.
    "--process-per-site",
]
# tests/browser alone, CPU-seconds of the whole machine: 413 without these two, 376 with the
# first, 336 with both.


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def _async_unsafe_allowed():
    """Playwright's sync API runs an event loop in this thread, and Django then refuses ORM
    calls as if they came from async code; the tests' calls are synchronous and safe. The
    flag is set only while the browser tests run, then put back as it was."""
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if before is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="package")
def browser(_async_unsafe_allowed):
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a dev dependency
        pytest.skip("the playwright Python package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def _warm_context(browser, live_server):
    """One browser context kept for the whole package, with a page of the live server's
    site left open in it (the keeper), so that its renderer process stays up and warm.

    Chromium spends most of a browser test on the first load of a page in a new context: a
    new renderer process, and every script and style sheet parsed from nothing. Measured on
    one flow (open a page, load an article, post, land): 1.8-2.0 CPU-seconds in a new context
    each time, 1.0-1.2 in this one; tests/browser alone, 506 CPU-seconds before and 375
    after. What a test leaves in it is cleared before the next test uses it (new_page)."""
    context = browser.new_context()
    keeper = context.new_page()
    # A static file: no database read, and the renderer it starts is for the site's pages.
    keeper.goto(f"{live_server.url}/static/css/parley.css")
    yield context, keeper, context.new_cdp_session(keeper)
    context.close()
    # Its kept-alive connections each held a live server thread and, on PostgreSQL, a
    # database connection, which must be gone before the test database is dropped.
    wait_until(lambda: not live_server_threads(), 30, "the live server's threads to end")


def _warm_context_cleared(context, keeper, cdp, origin: str) -> None:
    """Back to what a new context starts with: no cookies, no stored data for the site, no
    granted permissions, an empty HTTP cache, and no page but the keeper."""
    for page in context.pages:
        if page is not keeper:
            page.close()
    context.clear_cookies()
    context.clear_permissions()
    cdp.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
    cdp.send("Network.clearBrowserCache")


@pytest.fixture
def new_page(browser, _warm_context, live_server):
    """Pages that start as in a new browser context (no cookies, storage or cache), closed
    when the test ends. A test's first page without context options opens in the warm
    context (_warm_context); any other page (a second browser, no JavaScript, a locale) in a
    fresh context of its own, so that two pages of one test never share cookies. `fresh=True`
    asks for a fresh context for what cannot be cleared from one: Playwright's clock, once
    installed, stays in its context for every later page."""
    contexts = []
    context, keeper, cdp = _warm_context
    origin = live_server.url.rstrip("/")
    warm_used = False

    def make(*, fresh: bool = False, **context_options):
        nonlocal warm_used
        if not (fresh or context_options or warm_used):
            warm_used = True
            _warm_context_cleared(context, keeper, cdp, origin)
            page = context.new_page()
        else:
            other = browser.new_context(**context_options)
            contexts.append(other)
            page = other.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for other in contexts:
        other.close()
    if warm_used:
        _warm_context_cleared(context, keeper, cdp, origin)


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def page_without_js(new_page):
    return new_page(java_script_enabled=False)


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    """Browser tests commit for real, so they run with the anonymous page cache on."""
    settings.PARLEY_PAGE_CACHE_SECONDS = 60


@pytest.fixture(autouse=True)
def _streams_uncapped(settings):
    """Every page of every test is one client (127.0.0.1), and a closed page's stream is let
    go only at its next write: the per-client cap (tests/comments/test_live_slots.py) would
    refuse a test's stream for the pages earlier tests closed."""
    settings.PARLEY_LIVE_STREAMS_PER_CLIENT = 1_000_000


# The live server's threads inside a request, from Django's request_started to its
# request_finished (sent by the response's close(), once its bytes, a stream's included, are
# written or the browser has gone). A thread of a kept-alive connection waits between requests
# for the browser's next one (the warm context keeps its connections), and is not counted.
# This once walked the threads' frames (sys._current_frames() and f_back) instead, while those
# threads ran on: CPython 3.11 has crashed doing that elsewhere, and a CI run of the browser
# tests died of a segmentation fault with a stream thread winding down (the crashing thread's
# stack was cut from the log).
_in_request: set[threading.Thread] = set()
_in_request_lock = threading.Lock()


def _request_started(**kwargs) -> None:
    thread = threading.current_thread()
    if thread in live_server_threads():
        with _in_request_lock:
            _in_request.add(thread)


def _request_finished(**kwargs) -> None:
    with _in_request_lock:
        _in_request.discard(threading.current_thread())


# Connected after Django's own receivers (close_old_connections among them), so a request is
# counted until they have run.
request_started.connect(_request_started, dispatch_uid="browser-tests-request-started")
request_finished.connect(_request_finished, dispatch_uid="browser-tests-request-finished")


def _live_server_requests() -> list[threading.Thread]:
    """The live server's threads inside a request (a stream included)."""
    with _in_request_lock:
        running = set(_in_request)
    return [thread for thread in live_server_threads() if thread in running]


@pytest.fixture(autouse=True)
def _streams_end_with_the_test(transactional_db, monkeypatch):
    """A page closed at the end of a test leaves its live stream running in the live server
    until the stream's next write fails: at its keep-alive, up to 15 s later. By then the
    test had ended, the stream's end touched a database pytest-django had closed to it
    (RuntimeError), and at the end of a run its traceback, printed while pytest was still
    compiling a module, crashed the run after every test had passed (CPython 3.11 is not
    safe compiling in two threads at once). Keep-alives every 0.05 s let a closed
    page's stream end at once, and the test waits for its requests to end (at 0.2 s the
    wait was most of a browser test's teardown)."""
    monkeypatch.setattr("comments.views_live.HEARTBEAT_SECONDS", 0.05)
    yield
    wait_until(lambda: not _live_server_requests(), 30, "the live server's requests to end")


@pytest.fixture(autouse=True)
def _machine_speed_readers(transactional_db):
    """Playwright types faster than any reader; the too-fast rule is not what these test."""
    from moderation.models import ModerationRules

    ModerationRules.objects.update_or_create(pk=1, defaults={"min_seconds_to_submit": 0})
