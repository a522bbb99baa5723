"""The footer's language switcher in a real browser, on the shared cached article page: with
scripts it fetches its token and switches at once; without, the refusal hands the choice back
in a form that works."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)
SWITCHER = "footer .language-form"


def cached_page(new_page, url: str, **context_options):
    """A fresh browser on the article page, answered from the cache with no token in it."""
    new_page().goto(url)  # another reader fills the cache
    page = new_page(**context_options)
    response = page.goto(url)
    assert response.headers["x-parley-cache"] == "hit"
    assert page.input_value(f"{SWITCHER} input[name=csrfmiddlewaretoken]") == ""
    return page


def test_a_reader_switches_language_from_the_cached_page(live_server, new_page, article):
    """Choosing Deutsch and pressing Change brings the same article back in German, and the
    choice stays for the next page."""
    url = live_server.url + article.get_absolute_url()
    page = cached_page(new_page, url)
    page.get_by_label("Language").select_option("de")
    page.locator(SWITCHER).get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    assert page.url == url
    expect(page.locator(f"{SWITCHER} select")).to_have_value("de")
    page.goto(live_server.url + "/articles/")
    expect(page.locator("html")).to_have_attribute("lang", "de")


def test_without_javascript_the_refused_switch_works_at_the_second_press(
    live_server, new_page, article
):
    """No script: the switch is refused, the refusal page says why and holds the choice in a
    form with a token, and pressing Change there switches and returns to the article."""
    url = live_server.url + article.get_absolute_url()
    page = cached_page(new_page, url, java_script_enabled=False)
    page.get_by_label("Language").select_option("uk")
    page.locator(SWITCHER).get_by_role("button").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your language was not changed yet")
    expect(page.locator("#language-again")).to_have_value("uk")
    page.locator("main .language-form").get_by_role("button").click()
    page.wait_for_url(url)
    expect(page.locator("html")).to_have_attribute("lang", "uk")
