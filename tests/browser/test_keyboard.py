"""Keyboard only, no mouse: a guest posts, replies and reports; a moderator decides a held
comment from the queue and another in place. Every stop of focus on the way is visible, a
moved reply form takes focus in its textarea, and each result is announced."""

import pytest
from playwright.sync_api import Page, expect

from comments.models import Comment, CommentStatus
from core.roles import MODERATORS_GROUP
from moderation.models import ModerationRules, Report

from .a11y import (
    PALETTES,
    PASSWORD,
    announced,
    assert_focus_visible,
    focus_ring_contrast,
    focus_shown,
)
from .helpers import in_viewport

pytestmark = pytest.mark.django_db(transaction=True)


def tab_to(page: Page, selector: str, *, backwards: bool = False, limit: int = 120) -> None:
    """Press Tab (or Shift+Tab) until `selector` has focus, checking at every stop that the
    focus can be seen, with a ring at 3:1 or more against what is around it."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        assert focus_shown(page) is not None, f"{key} left the page before reaching {selector}"
        assert_focus_visible(page)
        ring = focus_ring_contrast(page)
        assert ring >= 3, f"the focus ring is at {ring:.2f}:1 on {assert_focus_visible(page)}"
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{limit} presses of {key} never reached {selector}")


def type_into(page: Page, selector: str, text: str) -> None:
    """Tab to a field, replace what it holds and type."""
    tab_to(page, selector)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)


@pytest.mark.parametrize("palette", PALETTES)
def test_a_guest_posts_replies_and_reports_by_keyboard(live_server, page, article, post, palette):
    """Skip link, then post; Reply moves the form and focus lands in its textarea; then report
    a comment: all with Tab, Shift+Tab, Enter and Space, each result said in a live region."""
    page.emulate_media(color_scheme=palette)
    parent = post(article, "The harbour has needed this for years.", name="Parent Pia")
    page.goto(live_server.url + article.get_absolute_url())

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    type_into(page, "#id_comment", "Typed without a mouse.")
    type_into(page, "#id_name", "Keyboard Kai")
    tab_to(page, "#submit")
    with page.expect_navigation(url="**#c*"):
        page.keyboard.press("Enter")
    posted = Comment.objects.get(user_name="Keyboard Kai")
    assert posted.status == CommentStatus.PUBLISHED
    assert announced(page, "Thank you: your comment is published.")

    # Back up from the new comment to the reply link of the one before it.
    tab_to(page, f"#c{parent.pk} .comment-reply-link", backwards=True)
    page.keyboard.press("Enter")
    expect(page.locator(f"#c{parent.pk} #respond")).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "id_comment"
    assert_focus_visible(page)
    page.keyboard.type("A reply, typed where the form moved to.")
    type_into(page, "#id_name", "Keyboard Kai")
    tab_to(page, "#submit")
    with page.expect_navigation(url="**#c*"):
        page.keyboard.press("Enter")
    reply = Comment.objects.get(comment="A reply, typed where the form moved to.")
    assert reply.parent_id == parent.pk
    assert announced(page, "Thank you: your comment is published.")

    tab_to(page, f"#c{parent.pk} .comment-report-link", backwards=True)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/moderation/report/{parent.pk}/")
    # Tab enters the group of reasons at its first; Space picks it.
    tab_to(page, "input[name=reason][value=spam]")
    page.keyboard.press("Space")
    assert page.is_checked("input[name=reason][value=spam]")
    tab_to(page, ".report-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{article.get_absolute_url()}**")
    # Said inside the comment reported, where the page lands, not at the top of the page.
    expect(page.locator(f"#c{parent.pk} .comment-status")).to_have_text(
        "Thank you: a moderator will look at this comment."
    )
    assert in_viewport(page, f"#c{parent.pk} .comment-status")
    assert announced(page, "Thank you: a moderator will look at this comment.")
    assert Report.objects.get().reason == "spam"


@pytest.mark.parametrize("palette", PALETTES)
def test_a_moderator_decides_held_comments_by_keyboard(
    live_server, page, article, post, make_user, palette
):
    """Sign in, approve a held comment from the queue, then one in place on the article: by
    keyboard, with the queue's message and the in-place status line announcing each."""
    page.emulate_media(color_scheme=palette)
    make_user("mod_kit", groups=[MODERATORS_GROUP])
    ModerationRules.objects.update_or_create(pk=1, defaults={"use_model": False})
    from_queue = post(article, "Held for the queue", name="Queued Quinn", status=CommentStatus.HELD)
    in_place = post(article, "Held on the page", name="Placed Pat", status=CommentStatus.HELD)

    page.goto(f"{live_server.url}/accounts/login/?next=/moderation/")
    type_into(page, "input[name=login]", "mod_kit")
    type_into(page, "input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/moderation/")

    tab_to(page, f'button[value="approve:{from_queue.pk}"]')
    page.keyboard.press("Enter")
    expect(page.locator(".undo-bar")).to_be_visible()
    page.wait_for_load_state()  # the new page whole, its messages with it
    assert announced(page, "1 comment approved.")
    assert Comment.objects.get(pk=from_queue.pk).status == CommentStatus.PUBLISHED

    page.goto(f"{live_server.url}{article.get_absolute_url()}?moderate=1")
    tab_to(page, f"#c{in_place.pk} .comment-moderate-button[value=approve]")
    page.keyboard.press("Space")
    message = "Approved: the comment by Placed Pat is published."
    expect(page.locator("#moderation-live")).to_have_text(message)
    assert announced(page, message)
    # The pressed button hides; focus goes on to the comment's next button, still visible.
    assert page.evaluate("document.activeElement.value") == "spam"
    assert_focus_visible(page)
    assert Comment.objects.get(pk=in_place.pk).status == CommentStatus.PUBLISHED
