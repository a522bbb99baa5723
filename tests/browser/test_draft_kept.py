"""What a reader is writing in the comment box survives their leaving the article another
way than by posting it, and is gone once posted."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment

pytestmark = pytest.mark.django_db(transaction=True)


def reply_begun(page, url, parent, text):
    """The article open at `url`, Reply pressed under `parent` and `text` typed."""
    page.goto(url)
    page.locator(f'.comment-reply-link[data-comment-id="{parent.pk}"]').click()
    page.fill("#id_comment", text)
    return page


def signed_in(page, live_server, article, username):
    """`page` signed in as `username` through the login form, back on the article."""
    page.goto(f"{live_server.url}/accounts/login/?next={article.get_absolute_url()}")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", "a-long-passphrase")
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(live_server.url + article.get_absolute_url())
    return page


def test_a_draft_survives_the_language_switcher_and_goes_once_posted(
    live_server, new_page, article, post
):
    """A reply half written, then Deutsch chosen: the German page has the text back in the
    box under the same comment; posting it leaves the box empty when the article comes back."""
    parent = post(article, "Worth answering", name="Ada")
    url = live_server.url + article.get_absolute_url()
    page = reply_begun(new_page(), url, parent, "Half of a long reply, مرحبا")
    page.get_by_label("Language").select_option("de")
    page.locator("footer .language-form").get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("#id_comment")).to_have_value("Half of a long reply, مرحبا")
    expect(page.locator("#id_reply_to")).to_have_value(str(parent.pk))
    expect(page.locator("#replying-to")).to_be_visible()
    page.fill("#id_name", "Writer")
    page.locator("#submit").click()
    page.wait_for_url("**#c*")
    assert Comment.objects.get(comment="Half of a long reply, مرحبا").parent_id == parent.pk
    page.goto(url)
    expect(page.locator("#id_comment")).to_have_value("")


def test_signing_out_takes_the_tabs_drafts_with_it(live_server, new_page, article, make_user):
    """On a shared computer the next person gets the tab: a draft written while signed in is
    not put back in the box once its writer has signed out."""
    make_user("draft_writer")
    url = live_server.url + article.get_absolute_url()
    page = signed_in(new_page(), live_server, article, "draft_writer")
    page.fill("#id_comment", "Private thoughts, half written")
    page.goto(url)
    expect(page.locator("#id_comment")).to_have_value("Private thoughts, half written")

    page.get_by_role("link", name="Log out?").click()
    # Loaded, so its deferred script (which takes the tab's drafts) has run before the press.
    page.wait_for_url("**/accounts/logout/**")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(url)  # Log out? leads back to the article
    page.goto(url)

    expect(page.locator("#id_name")).to_be_visible()  # signed out: the guest form
    expect(page.locator("#id_comment")).to_have_value("")


def test_a_draft_written_under_an_account_is_not_shown_once_it_signed_out_elsewhere(
    live_server, new_page, article, make_user
):
    """Signed out from another tab (whose sign-out page cannot reach this tab's drafts), or
    before the sign-out page's script ran: the article, opened again in this tab as a guest,
    still does not put the account's draft in the box."""
    make_user("two_tabs")
    url = live_server.url + article.get_absolute_url()
    page = signed_in(new_page(), live_server, article, "two_tabs")
    page.fill("#id_comment", "Written while signed in")

    other = page.context.new_page()
    other.goto(f"{live_server.url}/accounts/logout/?next={article.get_absolute_url()}")
    other.locator("main form button[type=submit]").click()
    other.wait_for_url(url)

    page.goto(url)
    expect(page.locator("#id_name")).to_be_visible()  # signed out: the guest form
    expect(page.locator("#id_comment")).to_have_value("")
    page.goto(url)  # and the draft is gone, not merely left out once
    expect(page.locator("#id_comment")).to_have_value("")


def test_a_guests_draft_comes_along_when_they_sign_in(live_server, new_page, article, make_user):
    """The other way round is the same person: what a guest wrote is in the box once they
    have signed in."""
    make_user("late_signer")
    url = live_server.url + article.get_absolute_url()
    page = new_page()
    page.goto(url)
    page.fill("#id_comment", "Begun as a guest")
    # Focus asked for this browser's CSRF cookie (csrf.js); leaving before it is set would let
    # the login page mint a second one, and the answer that lands late would not match it.
    expect(page.locator("#commentform [name=csrfmiddlewaretoken]")).not_to_have_value("")
    signed_in(page, live_server, article, "late_signer")
    expect(page.locator(".logged-in-as")).to_be_visible()
    expect(page.locator("#id_comment")).to_have_value("Begun as a guest")


def test_a_refused_comment_comes_back_on_the_article_after_logging_in(
    live_server, new_page, article, post, make_user
):
    """A guest's reply sent back with an error (no name), then "Log in" from the header: once
    logged in they are back on the article, with the text in the box under the same comment,
    instead of on the home page with the text gone."""
    make_user("ada", password="a-long-passphrase")
    parent = post(article, "Worth answering", name="Bea")
    url = live_server.url + article.get_absolute_url()
    page = reply_begun(new_page(), url, parent, "A reply I meant to sign with my account")
    page.evaluate("document.getElementById('id_name').removeAttribute('required')")
    page.locator("#submit").click()
    expect(page.locator("#error-summary")).to_contain_text("Please enter your name.")

    page.locator(".site-header").get_by_role("link", name="Log in").click()
    page.fill("input[name=login]", "ada")
    page.fill("input[name=password]", "a-long-passphrase")
    page.locator("form.account-form button[type=submit]").click()

    page.wait_for_url(url)
    expect(page.locator("#id_comment")).to_have_value("A reply I meant to sign with my account")
    expect(page.locator("#id_reply_to")).to_have_value(str(parent.pk))
