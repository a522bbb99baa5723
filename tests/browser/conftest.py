"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against
pytest-django's live server."""

import os
import shutil
import threading

import pytest

# Browser tests that need a real worker on Redis use the integration tests' fixtures.
from tests.integration.conftest import queue_redis, redis_base_url, start_worker  # noqa: F401
from tests.support import wait_until

CHROMIUM = os.environ.get("PARLEY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


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


@pytest.fixture
def new_page(browser):
    """Pages in fresh browser contexts (no cookies), closed when the test ends."""
    contexts = []

    def make(**context_options):
        context = browser.new_context(**context_options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


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


def _live_server_requests() -> list[threading.Thread]:
    """The live server's request threads still running (socketserver names them so)."""
    return [t for t in threading.enumerate() if "process_request_thread" in t.name]


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
