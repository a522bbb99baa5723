"""Readers in a real browser: a guest edits their comment inside the window and not after;
an author posts an update and a follower's inbox gets it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment
from readers.models import Follow

pytestmark = pytest.mark.django_db(transaction=True)


def test_guest_edits_within_the_window_and_not_after(live_server, page, article):
    """The poster edits via the Edit link; after the window the link is gone and edits refused."""
    page.goto(live_server.url + article.get_absolute_url())
    page.fill("#id_comment", "First draft of my thought.")
    page.fill("#id_name", "Edith")
    page.click("#submit")
    page.wait_for_url("**#c*")
    comment = Comment.objects.get()
    page.click(f"#c{comment.pk} .comment-edit-link")
    # The article has an #id_comment too: fill the edit page's.
    page.wait_for_url(f"**/comments/{comment.pk}/edit/")
    page.fill("#id_comment", "Second, *better* draft.")
    page.click("button[type=submit]")
    page.wait_for_url("**#c*")
    item = page.locator(f"#c{comment.pk}")
    assert item.locator(".comment-content em").inner_text() == "better"
    assert item.locator(".comment-edited").inner_text() == "edited"

    Comment.objects.filter(pk=comment.pk).update(submit_date=timezone.now() - timedelta(hours=1))
    page.reload()
    assert page.locator(f"#c{comment.pk} .comment-edit-link").count() == 0
    assert page.locator(f"#c{comment.pk} .comment-delete-link").count() == 1
    page.goto(f"{live_server.url}/comments/{comment.pk}/edit/")
    expect(page.locator("main")).to_contain_text("can no longer be edited")
    comment.refresh_from_db()
    assert comment.comment == "Second, *better* draft."


def test_author_posts_an_update_and_the_follower_is_emailed(
    live_server, page, browser, make_user, article
):
    """A guest follows (confirming by the emailed link); the author posts an update in the
    browser; the follower's inbox gets it with a one-click unsubscribe."""
    author = make_user("byline", password="a-long-author-pass", groups=["Authors"])
    article.authors.add(author)

    page.goto(live_server.url + article.get_absolute_url())
    page.fill("#follow-email", "reader@example.com")
    page.click("#follow button[type=submit]")
    expect(page.locator("#follow .follow-notice")).to_contain_text("Check your inbox")
    assert [m.to for m in mail.outbox] == [["reader@example.com"]]
    confirm = mail.outbox[0].body.split("Confirm within 48 hours: ", 1)[1].split()[0]
    page.goto(live_server.url + confirm[confirm.index("/follow/") :])
    page.click(".confirm-form button[type=submit]")
    expect(page.locator("main")).to_contain_text("You are following this article")
    assert Follow.objects.get().confirmed_at is not None

    author_context = browser.new_context()
    author_page = author_context.new_page()
    author_page.goto(f"{live_server.url}/accounts/login/?next={article.get_absolute_url()}")
    author_page.fill("input[name=login]", "byline")
    author_page.fill("input[name=password]", "a-long-author-pass")
    author_page.click("form.account-form button[type=submit]")
    author_page.wait_for_url(live_server.url + article.get_absolute_url())
    author_page.fill("#post-update textarea", "Officials confirmed the **new** timetable today.")
    author_page.click("#post-update button[type=submit]")
    author_page.wait_for_url("**#update-*")
    assert "Officials confirmed the new timetable today." in author_page.inner_text(".timeline")
    author_context.close()

    update_mails = [m for m in mail.outbox if m.subject.startswith("[Parley] Update:")]
    assert [m.to for m in update_mails] == [["reader@example.com"]]
    assert "Officials confirmed the **new** timetable today." in update_mails[0].body
    assert "List-Unsubscribe" in update_mails[0].extra_headers
