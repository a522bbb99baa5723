"""A moderator clears the queue in a real browser."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment, CommentStatus
from comments.services import Poster, comment_submit
from moderation.models import ModerationRules
from moderation.services import comment_score

pytestmark = pytest.mark.django_db(transaction=True)


def test_moderator_approves_a_held_comment_and_it_appears(live_server, page, article, make_user):
    """Log in, see the held comment with its reasons, approve it (by keyboard), see it live."""
    make_user("mod_maria", password="a-long-moderator-pass", groups=["Moderators"])
    # Rules alone: two links hold the comment whatever a model makes of it.
    ModerationRules.objects.update_or_create(pk=1, defaults={"use_model": False})
    held = comment_submit(
        article=article,
        poster=Poster(name="Linky Lou"),
        text="Sources: https://one.example/report and https://two.example/data",
    )
    comment_score(comment_id=held.pk)
    held.refresh_from_db()
    assert held.status == CommentStatus.HELD

    page.goto(f"{live_server.url}/moderation/")
    page.fill("input[name=login]", "mod_maria")
    page.fill("input[name=password]", "a-long-moderator-pass")
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/moderation/")
    item = page.locator(f"#item-{held.pk}")
    assert "Linky Lou" in item.inner_text()
    assert "2 links" in item.locator(".reasons").inner_text()
    assert "Held 1" in page.inner_text(".mod-tabs").replace("\n", " ")

    page.keyboard.press("j")
    page.keyboard.press("a")
    page.wait_for_selector(".undo-bar")
    expect(page.locator(".messages")).to_contain_text("1 comment approved.")
    expect(page.locator("main")).to_contain_text("The queue is clear.")
    held.refresh_from_db()
    assert held.status == CommentStatus.PUBLISHED

    page.goto(live_server.url + article.get_absolute_url())
    assert "Linky Lou" in page.locator(f"#c{held.pk} .comment-author").inner_text()
    assert Comment.objects.filter(status=CommentStatus.HELD).count() == 0


def test_shortcuts_keep_working_after_a_checkbox_is_clicked(live_server, page, article, make_user):
    """Clicking a selection box with the mouse leaves j/k and the action keys working."""
    make_user("mod_kim", password="a-long-moderator-pass", groups=["Moderators"])
    held = [
        comment_submit(article=article, poster=Poster(name=f"Held {n}"), text=f"casino {n}")
        for n in range(2)
    ]
    for comment in held:
        comment_score(comment_id=comment.pk)
    page.goto(f"{live_server.url}/accounts/login/?next=/moderation/")
    page.fill("input[name=login]", "mod_kim")
    page.fill("input[name=password]", "a-long-moderator-pass")
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/moderation/")
    page.click(f"#select-{held[1].pk}")
    assert page.is_checked(f"#select-{held[1].pk}")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("s")
    page.wait_for_selector(".undo-bar")
    statuses = dict(Comment.objects.filter(pk__in=[c.pk for c in held]).values_list("pk", "status"))
    assert statuses == {held[0].pk: CommentStatus.HELD, held[1].pk: CommentStatus.SPAM}
