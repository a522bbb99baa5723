"""A moderator clears the queue in a real browser."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment, CommentStatus
from comments.services import Poster, comment_submit
from moderation import services
from moderation.models import ModerationRules
from moderation.services import comment_score

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-moderator-pass"


def moderator_signs_in(page, live_server, username: str, then: str = "/moderation/") -> None:
    """Sign a moderator in through the login form and land on `then`."""
    page.goto(f"{live_server.url}/accounts/login/?next={then}")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}{then}")


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
    moderator_signs_in(page, live_server, "mod_kim")
    page.click(f"#select-{held[1].pk}")
    assert page.is_checked(f"#select-{held[1].pk}")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("s")
    page.wait_for_selector(".undo-bar")
    statuses = dict(Comment.objects.filter(pk__in=[c.pk for c in held]).values_list("pk", "status"))
    assert statuses == {held[0].pk: CommentStatus.HELD, held[1].pk: CommentStatus.SPAM}


@pytest.mark.parametrize("locale", ["de-DE", "uk-UA"])
def test_moderators_pages_fit_a_phone(live_server, new_page, make_article, make_user, post, locale):
    """At 375px, in German and Ukrainian, no moderator's page scrolls sideways: the log's
    and the scorer's wide tables scroll in their own box (the log's Undo in reach), the
    search form's list of long article titles and the comments' moderation links wrap."""
    moderator = make_user("mod_narrow", password="a-long-moderator-pass", groups=["Moderators"])
    article = make_article(title="A very long title about the grid " * 4)
    held = post(article, "Held words", status=CommentStatus.HELD)
    published = post(article, "Published words")
    services.comments_moderate(comment_ids=[held.pk], action="approve", actor=moderator)
    services.ban_create(kind="email", value="troll@example.com", actor=moderator, reason="x")
    page = new_page(locale=locale, viewport={"width": 375, "height": 800})
    moderator_signs_in(page, live_server, "mod_narrow")
    for path in (
        "/moderation/log/",
        "/moderation/scorer/",
        "/moderation/search/?q=words",
        "/moderation/bans/",
        f"{article.get_absolute_url()}?moderate=1#c{published.pk}",
    ):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path


def test_the_keys_act_on_the_item_clicked_into_not_the_last_one_moved_to(
    live_server, page, article, make_user, post
):
    """After j highlights the first item, a click into the third makes it the current one:
    "s" marks that one spam, and the first, out of view, is left as it was."""
    make_user("mod_lea", password=PASSWORD, groups=["Moderators"])
    held = [post(article, f"Held words {n}", status=CommentStatus.HELD) for n in range(3)]
    moderator_signs_in(page, live_server, "mod_lea")
    page.keyboard.press("j")
    page.locator(f"#item-{held[2].pk} .queue-comment").click()
    page.keyboard.press("s")
    page.wait_for_selector(".undo-bar")
    statuses = dict(Comment.objects.filter(pk__in=[c.pk for c in held]).values_list("pk", "status"))
    assert statuses == {
        held[0].pk: CommentStatus.HELD,
        held[1].pk: CommentStatus.HELD,
        held[2].pk: CommentStatus.SPAM,
    }
