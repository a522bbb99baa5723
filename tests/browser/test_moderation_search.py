"""A moderator finds an old published comment from the queue's search box and holds it."""

from datetime import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment, CommentStatus

pytestmark = pytest.mark.django_db(transaction=True)


def test_moderator_searches_sees_the_thread_and_holds_an_old_comment(
    live_server, page, article, post, make_user
):
    """Search by words from a tab, read the thread around the result, hold it by keyboard,
    and land back on the same search with Undo."""
    make_user("mod_sam", password="a-long-moderator-pass", groups=["Moderators"])
    root = post(article, "Grid storage is the question", name="Root Rosa")
    post(article, "An earlier reply about batteries", name="Early Eli", reply_to=root.pk)
    old = post(article, "Pumped hydro beats batteries", name="Old Otto", reply_to=root.pk)
    Comment.objects.filter(pk=old.pk).update(
        submit_date=timezone.make_aware(datetime(2023, 5, 1, 9, 0))
    )

    page.goto(f"{live_server.url}/accounts/login/?next=/moderation/")
    page.fill("input[name=login]", "mod_sam")
    page.fill("input[name=password]", "a-long-moderator-pass")
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/moderation/")
    page.fill("#queue-search-words", "hydro")  # j, h... typed here are text, not shortcuts
    page.keyboard.press("Enter")
    page.wait_for_url("**/moderation/search/?q=hydro")
    assert "1 comment matches." in page.inner_text(".search-count")
    item = page.locator(f"#item-{old.pk}")
    assert "Grid storage is the question" in item.locator(".queue-thread").inner_text()
    item.locator(".queue-siblings summary").click()
    assert "An earlier reply about batteries" in item.locator(".queue-siblings").inner_text()
    assert item.locator('button[value^="approve:"]').count() == 0  # published: nothing to approve

    page.keyboard.press("j")
    page.keyboard.press("h")
    page.wait_for_selector(".undo-bar")
    expect(page.locator(".messages")).to_contain_text("1 comment held.")
    assert "/moderation/search/?q=hydro" in page.url
    old.refresh_from_db()
    assert old.status == CommentStatus.HELD
