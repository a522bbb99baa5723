"""Errors land where the reader is looking: a comment sent back with a problem opens at the
form, with a summary that has focus and lists each problem, and the words kept; a failed
login says so."""

import pytest

from comments.models import Comment
from moderation.models import Ban
from moderation.services import ban_create
from tests.conftest import TEN_YEARS

from .helpers import error_summary_shown, fill_guest_form, focused_id, in_viewport

pytestmark = pytest.mark.django_db(transaction=True)
WORDS = "A long considered reply that must not be lost."


def send_and_check(page, expected: str) -> None:
    page.click("#submit")
    error_summary_shown(page)
    assert page.url.endswith("#error-summary")
    assert expected in page.inner_text("#error-summary")
    assert in_viewport(page, "#error-summary"), "the summary is on screen, not 5,000 px below"
    assert page.input_value("#id_comment") == WORDS
    assert Comment.objects.filter(comment=WORDS).count() == 0


@pytest.fixture
def article_page(live_server, page, article, post):
    # A long article and some comments, so the form sits far below the fold.
    for n in range(12):
        post(article, f"Earlier comment {n}. " * 20)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + article.get_absolute_url())
    fill_guest_form(page, WORDS, "Reader Rae")
    return page


def test_rate_limit_error_is_in_view(article_page, rate_limit):
    """Over the posting limit: the 429's summary is at the reader's eyes, text kept."""
    rate_limit("comment", user=f"1/{TEN_YEARS}", guest=f"1/{TEN_YEARS}")
    _post_once_from_this_address(article_page)
    send_and_check(article_page, "posting faster than this site allows")


def _post_once_from_this_address(page) -> None:
    """Use up the address's one allowed post with another comment from the same browser."""
    page.fill("#id_comment", "The one allowed comment.")
    page.click("#submit")
    page.wait_for_url("**#c*")
    page.fill("#id_comment", WORDS)
    page.fill("#id_name", "Reader Rae")


def test_ban_error_is_in_view(article_page, moderator):
    """A banned address: the refusal is at the form, in view, with the text kept."""
    ban_create(kind=Ban.Kind.IP, actor=moderator, reason="test", value="127.0.0.1", days=3)
    send_and_check(article_page, "You cannot comment on this site until")


WEBSITE_REFUSED = (
    "Enter a web address, such as example.org; only http:// and https:// addresses are accepted."
)


def test_notify_without_email_error_is_in_view(article_page):
    """ "Notify me" ticked with no email: the field error is listed, linked and in view."""
    article_page.check("#id_followup")
    send_and_check(article_page, "Enter your email address to be notified of replies.")
    link = article_page.locator("#error-summary a")
    assert link.get_attribute("href") == "#id_email"


def test_refused_website_error_is_in_view(article_page):
    """A website the browser accepts but Parley refuses (javascript:) is reported in view."""
    article_page.fill("#id_url", "javascript:alert(1)")
    send_and_check(article_page, WEBSITE_REFUSED)


def test_wrong_password_says_so(live_server, page, make_user):
    """A wrong password shows an error at the top of the form, with focus on it."""
    make_user("rita_reader", password="the-right-passphrase")
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", "rita_reader")
    page.fill("input[name=password]", "not-the-passphrase")
    page.click("form.account-form button[type=submit]")
    error_summary_shown(page, ".error-summary")
    assert "not correct" in page.inner_text(".error-summary")
    assert in_viewport(page, ".error-summary")


def test_without_javascript_the_summary_is_in_view_too(live_server, page_without_js, article, post):
    """The landing and the focus come from the page itself, not from a script."""
    for n in range(12):
        post(article, f"Earlier comment {n}. " * 20)
    page = page_without_js
    page.goto(live_server.url + article.get_absolute_url())
    fill_guest_form(page, WORDS, "Reader Rae")
    page.fill("#id_url", "javascript:alert(1)")
    send_and_check(page, WEBSITE_REFUSED)


def test_a_refused_sign_up_leads_with_its_errors_on_a_phone(live_server, page):
    """Passwords that differ, on a 320 px screen: a summary at the top of the form has
    focus and names the field, which is linked; nothing is far below the fold."""
    page.set_viewport_size({"width": 320, "height": 568})
    page.goto(live_server.url + "/accounts/signup/")
    page.fill("input[name=username]", "phone_pat")
    page.fill("input[name=password1]", "a-long-passphrase-one")
    page.fill("input[name=password2]", "a-long-passphrase-two")
    page.click("form.account-form button[type=submit]")
    error_summary_shown(page, ".error-summary")
    assert "You must type the same password each time." in page.inner_text(".error-summary")
    assert in_viewport(page, ".error-summary")
    link = page.locator(".error-summary a").first
    assert link.get_attribute("href") == "#id_password2"


def test_a_summary_link_brings_its_field_into_view_with_its_label(article_page):
    """On a phone, following the summary's link to the field in error focuses the field
    with its label still in view above it, not at the screen's very top edge with the
    label cut off, so the reader sees which field it is."""
    article_page.set_viewport_size({"width": 375, "height": 667})
    article_page.fill("#id_name", "")
    article_page.eval_on_selector("#id_name", "field => field.removeAttribute('required')")
    send_and_check(article_page, "Please enter your name.")
    article_page.click("#error-summary a[href='#id_name']")
    assert focused_id(article_page) == "id_name"
    assert in_viewport(article_page, "label[for=id_name]")
