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
    assert page.input_value("#id_reply_to") == str(parent.pk)
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
    page = new_page()
    page.goto(f"{live_server.url}/accounts/login/?next={article.get_absolute_url()}")
    page.fill("input[name=login]", "draft_writer")
    page.fill("input[name=password]", "a-long-passphrase")
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(url)
    page.fill("#id_comment", "Private thoughts, half written")
    page.goto(url)
    expect(page.locator("#id_comment")).to_have_value("Private thoughts, half written")

    page.get_by_role("link", name="Log out?").click()
    page.locator("main form button[type=submit]").click()
    page.goto(url)

    expect(page.locator("#id_name")).to_be_visible()  # signed out: the guest form
    expect(page.locator("#id_comment")).to_have_value("")


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
    assert page.input_value("#id_reply_to") == str(parent.pk)
