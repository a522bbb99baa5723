"""The queue offers without JavaScript only what works without it."""

import pytest
from playwright.sync_api import expect

from comments.models import CommentStatus
from core.roles import MODERATORS_GROUP

from .a11y import sign_in

S = CommentStatus
pytestmark = pytest.mark.browser


@pytest.fixture
def queue(make_user, article, post):
    make_user("mod_nina", groups=[MODERATORS_GROUP])
    return [post(article, f"Held number {n}", status=S.HELD) for n in range(3)]


def test_without_javascript_the_queue_offers_no_select_all_and_no_keys(
    live_server, page_without_js, queue
):
    """Select-all (which would select nothing) and the keys' help (keys that would do
    nothing) are not shown; each comment's own box still selects it for the bulk action."""
    page = page_without_js
    sign_in(page, live_server.url, "mod_nina")
    page.goto(f"{live_server.url}/moderation/")
    assert not page.get_by_label("Select all on this page").is_visible()
    assert not page.locator(".keyboard-help").is_visible()
    page.check(f"#select-{queue[0].pk}")
    page.get_by_role("button", name="Approve selected").click()
    expect(page.locator(".messages").get_by_text("1 comment approved.")).to_be_visible()


def test_with_javascript_select_all_and_the_keys_are_offered_and_work(live_server, page, queue):
    """The script shows select-all and the keys' help; select-all selects every item."""
    sign_in(page, live_server.url, "mod_nina")
    page.goto(f"{live_server.url}/moderation/")
    assert page.locator(".keyboard-help").is_visible()
    page.get_by_label("Select all on this page").check()
    page.get_by_role("button", name="Approve selected").click()
    expect(page.locator(".messages").get_by_text("3 comments approved.")).to_be_visible()


def test_without_javascript_ban_author_keeps_a_note_typed_on_another_item(
    live_server, page_without_js, make_user, article, post
):
    """A note typed in one item, then another item's "Ban author…" and the ban page's
    Cancel: the note was kept on the way, and the queue shows it on its commenter."""
    make_user("mod_nina", groups=[MODERATORS_GROUP])
    banned = post(article, "Buy now", status=S.HELD, email="sam@example.org")
    noted = post(article, "Hello", status=S.HELD, email="ola@example.org")
    page = page_without_js
    sign_in(page, live_server.url, "mod_nina")
    page.goto(f"{live_server.url}/moderation/")
    page.locator(f"#item-{noted.pk}").get_by_text("Moderators' notes").click()
    page.fill(f"#id_note-{noted.pk}-text", "Posts from a shared library computer.")

    page.locator(f"#item-{banned.pk}").get_by_role("button", name="Ban author…").click()

    # A click does not wait for the page it opens: each check waits for its page first.
    expect(page.get_by_role("heading", name="Ban a commenter")).to_be_visible()
    page.get_by_role("link", name="Cancel").click()
    page.wait_for_url(f"{live_server.url}/moderation/")
    note = page.locator(f"#item-{noted.pk} .notes-list")
    expect(note.get_by_text("Posts from a shared library computer.")).to_be_visible()
