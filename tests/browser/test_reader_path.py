"""A reader's whole path in a real browser: read, comment, reply (with and without
JavaScript), see the nesting, sign up without an email and comment as that user."""

import os

import pytest
from playwright.sync_api import expect

from comments.models import Comment

from .helpers import fill_guest_form, in_viewport, refusal_shown

pytestmark = pytest.mark.django_db(transaction=True)


def test_guest_comments_with_name_only(live_server, page, article, post):
    """A guest opens the article, posts with only a name, and sees the comment."""
    post(article, "An earlier comment", name="Early Bird")
    page.goto(live_server.url + article.get_absolute_url())
    assert page.inner_text("h1.article-title") == article.title
    assert page.inner_text("#reply-title") == "Leave a Reply"
    fill_guest_form(page, "Posting with **only** a name.", "Guest Gwen")
    page.click("#submit")
    page.wait_for_url("**#c*")
    comment = Comment.objects.get(user_name="Guest Gwen")
    item = page.locator(f"#c{comment.pk}")
    assert item.locator(".comment-author").inner_text() == "Guest Gwen"
    assert item.locator(".comment-content strong").inner_text() == "only"
    status = item.locator(".comment-status")
    assert status.inner_text() == "Thank you: your comment is published."
    assert status.is_visible() and in_viewport(page, f"#c{comment.pk} .comment-status")


def test_a_website_without_its_scheme_is_sent_and_linked(live_server, page, article):
    """ "example.org" in the Website field, as WordPress takes it: the browser sends it (no
    type=url to refuse it) and the name links to https://example.org."""
    page.goto(live_server.url + article.get_absolute_url())
    fill_guest_form(page, "With a bare domain.", "Domain Dora")
    page.fill("#id_url", "example.org")
    page.click("#submit")
    page.wait_for_url("**#c*")
    comment = Comment.objects.get(user_name="Domain Dora")
    assert comment.user_url == "https://example.org"
    link = page.locator(f"#c{comment.pk} .comment-author a")
    assert link.get_attribute("href") == "https://example.org"


def test_reply_without_javascript_nests_under_the_parent(
    live_server, page_without_js, article, post
):
    """Without JavaScript, Reply opens the form for that comment and the reply nests."""
    page = page_without_js
    parent = post(article, "Parent comment", name="Parent Pia")
    page.goto(live_server.url + article.get_absolute_url())
    page.click(f"#c{parent.pk} .comment-reply-link")
    # Without scripts the link loads a page: a click does not wait for it.
    page.wait_for_url(f"**replyto={parent.pk}**")
    assert f"replyto={parent.pk}" in page.url
    expect(page.locator("#replying-to")).to_be_visible()
    assert "Replying to Parent Pia" in page.inner_text("#replying-to")
    fill_guest_form(page, "A reply sent without scripts.", "No-JS Nils")
    page.click("#submit")
    # No script adds the shared page's CSRF token: the first press is refused, and the
    # refusal hands the reply back, still a reply to Pia, in a form that has one.
    refusal_shown(page)
    assert "Replying to Parent Pia" in page.inner_text("#replying-to")
    page.click("#submit")
    page.wait_for_url("**#c*")
    reply = Comment.objects.get(user_name="No-JS Nils")
    assert reply.parent_id == parent.pk
    nested = page.locator(f"#c{parent.pk} > ol.children > li#c{reply.pk}")
    assert nested.count() == 1
    assert "A reply sent without scripts." in nested.inner_text()


def test_reply_with_javascript_moves_the_form_and_nests(live_server, page, article, post):
    """With JavaScript, Reply moves the form under the comment without a page load."""
    parent = post(article, "Parent comment", name="Parent Pia")
    child = post(article, "Child comment", name="Child Chen", reply_to=parent.pk)
    page.goto(live_server.url + article.get_absolute_url())
    url_before = page.url
    page.click(f"#c{child.pk} .comment-reply-link")
    assert page.url == url_before
    assert page.locator(f"#c{child.pk} #respond").count() == 1
    assert page.input_value("#id_reply_to") == str(child.pk)
    assert "Replying to Child Chen" in page.inner_text("#replying-to")
    page.click("#cancel-reply")
    assert page.locator(f"#c{child.pk} #respond").count() == 0
    assert page.input_value("#id_reply_to") == "0"
    page.click(f"#c{child.pk} .comment-reply-link")
    fill_guest_form(page, "Third level, with scripts.", "Script Sam")
    page.click("#submit")
    page.wait_for_url("**#c*")
    reply = Comment.objects.get(user_name="Script Sam")
    assert (reply.parent_id, reply.level) == (child.pk, 2)
    chain = page.locator(
        f"li#c{parent.pk} > ol.children > li#c{child.pk} > ol.children > li#c{reply.pk}"
    )
    assert chain.count() == 1
    assert page.locator(f"li#c{reply.pk}").get_attribute("class").startswith("comment depth-2")


def test_sign_up_without_email_and_comment(live_server, page, article):
    """A reader signs up with no email, then comments under their username."""
    page.goto(live_server.url + "/accounts/signup/")
    page.fill("input[name=username]", "browser_reader")
    page.fill("input[name=password1]", "a-long-browser-passphrase")
    page.fill("input[name=password2]", "a-long-browser-passphrase")
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + article.get_absolute_url())
    assert "Logged in as browser_reader." in page.inner_text(".logged-in-as")
    assert page.locator("#id_name").count() == 0
    page.fill("#id_comment", "Signed up without an email address.")
    page.click("#submit")
    page.wait_for_url("**#c*")
    comment = Comment.objects.get()
    assert comment.user.username == "browser_reader" and comment.user.email == ""
    assert page.locator(f"#c{comment.pk} .comment-author").inner_text() == "browser_reader"
    if os.environ.get("PARLEY_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["PARLEY_SCREENSHOTS"], "reader.png"), full_page=True
        )


def test_one_long_word_never_widens_the_page(live_server, page, article, post):
    """A comment of one 3,000-letter word, and a name of 50 letters, wrap inside their box:
    the page does not scroll sideways on a phone or a desktop."""
    post(article, "y" * 3000, name="N" * 50)
    post(article, "So" + "o" * 70 + " true, a long link https://example.com/" + "p" * 200)
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(live_server.url + article.get_absolute_url())
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width


def test_cancel_reply_without_javascript_keeps_what_was_typed(
    live_server, page_without_js, article, post
):
    """Without scripts, "Cancel reply" sends the form: the text comes back in the box as a
    new comment, replying to nobody (a link reloaded the page with the box empty), at the
    first press, although the shared page's form carries no security token without scripts
    (cancelling posts nothing)."""
    parent = post(article, "Parent comment", name="Parent Pia")
    page = page_without_js
    page.goto(f"{live_server.url}{article.get_absolute_url()}?replyto={parent.pk}#respond")
    assert page.input_value("#id_reply_to") == str(parent.pk)
    page.fill("#id_comment", "Second thoughts: a comment of its own")
    # Cancel reply posts the form (the page comes back with the text): the reads below are
    # of fields the page had before too, so wait for the new one.
    with page.expect_navigation():
        page.click("#cancel-reply")
    assert page.input_value("#id_comment") == "Second thoughts: a comment of its own"
    assert page.input_value("#id_reply_to") in ("", "0")
    assert not page.locator("#replying-to").is_visible()
    assert "not posted" not in page.title()
    page.fill("#id_name", "Second Sam")
    page.click("#submit")  # and the form it came back in posts
    page.wait_for_url("**#c*")
    sam = Comment.objects.get(user_name="Second Sam")
    assert sam.parent_id == sam.pk  # a comment of its own, not a reply
