"""The browser tests' pages (conftest.new_page): a test's first page opens in the context kept
for the package, and starts as a new context would. These tests run in this order: the
first leaves state behind, the second finds none."""

from tests.browser.conftest import _live_server_requests
from tests.support import wait_until

_seen = {}


def test_a_test_leaves_cookies_and_a_second_tab_behind(live_server, page):
    page.goto(f"{live_server.url}/static/css/parley.css")
    page.context.add_cookies([{"name": "left", "value": "behind", "url": live_server.url}])
    page.context.new_page()
    page.evaluate("localStorage.setItem('left', 'behind')")
    _seen["context"] = page.context
    assert len(page.context.pages) == 3  # the keeper, this page and the second tab


def test_the_next_test_finds_the_same_context_with_nothing_left(live_server, new_page):
    page = new_page()
    assert page.context is _seen["context"], "the warm context was not reused"
    assert page.context.cookies() == []
    assert len(page.context.pages) == 2  # the keeper and this page
    page.goto(f"{live_server.url}/static/css/parley.css")
    assert page.evaluate("localStorage.getItem('left')") is None
    # A second page in the same test is a second browser: a context of its own.
    other = new_page()
    assert other.context is not page.context


def test_an_open_stream_is_a_request_the_teardown_waits_for(live_server, page, article):
    """The teardown waits for requests still running (a page's live stream keeps one), not
    for the threads of kept-alive connections; a stream must be counted, or the wait would
    end at once while it still runs."""
    page.goto(live_server.url + article.get_absolute_url())
    wait_until(lambda: _live_server_requests(), 10, "the page's live stream to be counted")
    page.close()
    wait_until(lambda: not _live_server_requests(), 10, "the closed page's stream to end")


def test_a_new_context_loads_no_address_bar_pages(browser, live_server, new_page):
    """A new context is a window, and Chromium loaded the address bar's suggestion popups
    (WebUI pages in a renderer of their own) into each, unless conftest's switches say not."""
    page = new_page(fresh=True)
    page.goto(f"{live_server.url}/static/css/parley.css")
    targets = browser.new_browser_cdp_session().send("Target.getTargets", {"filter": [{}]})
    assert [t["url"] for t in targets["targetInfos"] if t["type"] == "browser_ui"] == []
