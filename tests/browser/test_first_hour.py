"""A reader's first hour, in a real browser: a guest posts and replies, signs up without an
email, logs out, fails to log in and then succeeds, posts, edits and deletes. Every message
they are shown is checked against the database (it is true) and against the window (they
can see it)."""

import re

import pytest
from django.contrib.auth import get_user_model

from comments.models import Comment, CommentStatus

from .helpers import error_summary_shown, fill_guest_form, focused_id, in_viewport

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-first-hour-passphrase"


def shown(page, selector: str) -> str:
    """The text of a message the reader is shown, which must be inside the window."""
    page.wait_for_selector(selector)
    assert in_viewport(page, selector), f"{selector} is outside the window"
    return page.inner_text(selector).strip()


def top_message(page) -> str:
    return shown(page, ".messages .message")


def status_line(page, comment: Comment) -> str:
    return shown(page, f"#c{comment.pk} .comment-status")


def test_a_readers_first_hour(live_server, page, article, post):
    page.set_viewport_size({"width": 1280, "height": 800})
    for n in range(8):  # a discussion long enough that the form is far below the fold
        post(article, f"An earlier thought, number {n}. " * 12, name=f"Regular {n}")
    parent = Comment.objects.order_by("pk").first()
    article_url = live_server.url + article.get_absolute_url()

    # A guest posts: the confirmation is inside the comment, on screen, and true.
    page.goto(article_url)
    fill_guest_form(page, "First time here: a careful, friendly comment.", "Nell Newcomer")
    page.click("#submit")
    page.wait_for_url("**#c*")
    mine = Comment.objects.get(user_name="Nell Newcomer")
    assert status_line(page, mine) == "Thank you: your comment is published."
    assert Comment.objects.get(pk=mine.pk).status == CommentStatus.PUBLISHED

    # The guest replies to an earlier comment; the reply nests under it.
    page.click(f"#c{parent.pk} .comment-reply-link")
    assert focused_id(page) == "id_comment"
    fill_guest_form(page, "Replying to the first regular, with thanks.", "Nell Newcomer")
    with page.expect_navigation():
        page.click("#submit")
    reply = Comment.objects.get(comment="Replying to the first regular, with thanks.")
    assert reply.parent_id == parent.pk
    assert status_line(page, reply) == "Thank you: your comment is published."
    assert page.locator(f"#c{parent.pk} li#c{reply.pk}").count() == 1

    # Sign up without an email, from the header: back on the article, logged in.
    page.goto(article_url)
    page.click(".site-header >> text=Sign up")
    page.wait_for_url("**/accounts/signup/**")  # a click does not wait for the page it opens
    assert "next=" in page.url
    assert "reset a forgotten password" in page.inner_text("form.account-form")
    page.fill("input[name=username]", "nell")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(article_url)
    user = get_user_model().objects.get(username="nell")
    assert user.email == ""
    assert top_message(page) == "You are logged in as nell."
    assert "Logged in as nell." in page.inner_text(".logged-in-as")

    # Log out, from the header, and come back to the article.
    page.click(".site-header >> text=Log out")
    # Loaded, so its deferred script (which takes the tab's drafts) has run before the press.
    page.wait_for_url("**/accounts/logout/**")
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(article_url)
    assert top_message(page) == "You are logged out."
    assert page.locator(".logged-in-as").count() == 0

    # A wrong password says so, at the top of the form, with focus; then the right one.
    page.click(".site-header >> text=Log in")
    page.fill("input[name=login]", "nell")
    page.fill("input[name=password]", "not-my-passphrase")
    page.click("form.account-form button[type=submit]")
    error_summary_shown(page, ".error-summary")
    assert "not correct" in shown(page, ".error-summary")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(article_url)
    assert top_message(page) == "You are logged in as nell."

    # Post as the account, edit it, then delete it.
    page.fill("#id_comment", "Now with an account: a first draft.")
    page.click("#submit")
    page.wait_for_url("**#c*")
    account_comment = Comment.objects.get(user=user)
    assert status_line(page, account_comment) == "Thank you: your comment is published."

    page.click(f"#c{account_comment.pk} .comment-edit-link")
    # The article has an #id_comment too: fill the edit page's.
    page.wait_for_url(f"**/comments/{account_comment.pk}/edit/")
    page.fill("#id_comment", "Now with an account: a *better* draft.")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf".*#c{account_comment.pk}$"))
    account_comment.refresh_from_db()
    assert account_comment.status == CommentStatus.PUBLISHED
    assert status_line(page, account_comment) == "Your comment was updated and is published."
    assert page.inner_text(f"#c{account_comment.pk} .comment-content em") == "better"

    page.click(f"#c{account_comment.pk} .comment-delete-link")
    # The article's form has a submit button in main too: press the confirming page's.
    page.wait_for_url(f"**/comments/{account_comment.pk}/delete/")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*#comments$"))
    account_comment.refresh_from_db()
    assert account_comment.status == CommentStatus.DELETED
    assert shown(page, "#comments > .message") == "Your comment was deleted."
    assert page.locator(f"#c{account_comment.pk}").count() == 0
