"""Times in the reader's own clock: the server writes them in the site's time zone inside
<time datetime>, right without JavaScript; the page's script rewrites them in the reader's."""

import re
import zoneinfo
from datetime import datetime

import pytest

from comments.models import Comment

from .helpers import fill_guest_form

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

POSTED = datetime(2026, 11, 27, 13, 5, tzinfo=zoneinfo.ZoneInfo("UTC"))
READER_ZONE = "America/New_York"


@pytest.fixture
def berlin_site(settings):
    settings.TIME_ZONE = "Europe/Berlin"


def posted_at(comment, moment):
    Comment.objects.filter(pk=comment.pk).update(submit_date=moment)


def test_without_javascript_a_comment_says_when_in_the_sites_time(
    live_server, page_without_js, article, post, berlin_site
):
    """The day and the time of day, in the site's time zone, the moment itself in ISO 8601."""
    comment = post(article, "Said at five past two", name="Clock Clara")
    posted_at(comment, POSTED)
    page_without_js.goto(live_server.url + article.get_absolute_url())
    when = page_without_js.locator(f"#c{comment.pk} .comment-date time")
    assert when.inner_text() == "27 November 2026 at 14:05"
    assert when.get_attribute("datetime") == "2026-11-27T14:05:00+01:00"


def test_with_javascript_a_comment_says_when_in_the_readers_time(
    live_server, new_page, article, post, berlin_site
):
    """A reader in New York reads 8:05, the site's words kept in the title; the editor's
    picks above the threads say it the same way."""
    comment = post(article, "Said at five past two", name="Clock Clara")
    posted_at(comment, POSTED)
    Comment.objects.filter(pk=comment.pk).update(picked_at=POSTED)
    page = new_page(timezone_id=READER_ZONE)
    page.goto(live_server.url + article.get_absolute_url())
    when = page.locator(f"#c{comment.pk} .comment-date time")
    page.wait_for_function(
        f"() => document.querySelector('#c{comment.pk} .comment-date time').title !== ''"
    )
    assert re.search(r"\b0?8:05\b", when.inner_text()), when.inner_text()
    assert "27" in when.inner_text() and "2026" in when.inner_text()
    assert when.get_attribute("title") == "27 November 2026 at 14:05"
    assert when.get_attribute("datetime") == "2026-11-27T14:05:00+01:00"
    picked = page.locator(f"#pick-{comment.pk} .pick-meta time")
    assert picked.inner_text() == when.inner_text()
    assert picked.get_attribute("title") == "27 November 2026 at 14:05"


def test_the_edit_deadline_is_in_the_readers_time(live_server, new_page, article, berlin_site):
    """ "You can edit until" names a time on the reader's clock, not the site's."""
    page = new_page(timezone_id=READER_ZONE)
    page.goto(live_server.url + article.get_absolute_url())
    fill_guest_form(page, "Something to correct later.", "Editing Eda")
    page.click("#submit")
    page.wait_for_url("**#c*")
    comment = Comment.objects.get(user_name="Editing Eda")
    page.click(f"#c{comment.pk} .comment-edit-link")
    page.wait_for_url(f"**/comments/{comment.pk}/edit/")  # a click does not wait for it
    until = page.locator("p.help time")
    page.wait_for_function("() => document.querySelector('p.help time').title !== ''")
    deadline = datetime.fromisoformat(until.get_attribute("datetime"))
    there = deadline.astimezone(zoneinfo.ZoneInfo(READER_ZONE))
    text = until.inner_text()
    assert re.search(rf"\b0?{there:%I}:{there:%M}\b", text) or f"{there:%H:%M}" in text, text
    assert "CET" not in text and "CET" in until.get_attribute("title")


def test_your_comments_page_says_when_in_the_readers_time(
    live_server, new_page, article, post, make_user, berlin_site
):
    """The list of a reader's own comments says when each was posted on their clock too."""
    from .a11y import PASSWORD, sign_in

    user = make_user("clock_carl", password=PASSWORD)
    comment = post(article, "Mine, at five past two", name="clock_carl", user=user)
    posted_at(comment, POSTED)
    page = new_page(timezone_id=READER_ZONE)
    sign_in(page, live_server.url, "clock_carl")
    page.goto(live_server.url + "/comments/mine/")
    when = page.locator("main .meta time").first
    page.wait_for_function("() => document.querySelector('main .meta time').title !== ''")
    assert re.search(r"\b0?8:05\b", when.inner_text()), when.inner_text()
    assert "14:05" in when.get_attribute("title") or "2:05" in when.get_attribute("title")


def test_the_names_of_a_readers_own_links_give_the_time_the_screen_shows(
    live_server, new_page, article, berlin_site
):
    """Edit and Delete are named after the comment's date: a reader in New York hears the
    time the screen shows, not the site's six hours later."""
    page = new_page(timezone_id=READER_ZONE)
    page.goto(live_server.url + article.get_absolute_url())
    fill_guest_form(page, "A comment whose links are named by its time.", "Named Nia")
    page.click("#submit")
    page.wait_for_url("**#c*")
    comment = Comment.objects.get(user_name="Named Nia")
    page.wait_for_function(
        f"() => document.querySelector('#c{comment.pk} .comment-date time').title !== ''"
    )
    when = page.locator(f"#c{comment.pk} .comment-date time")
    shown = when.inner_text()
    # Six hours apart, so the site's words (kept in the title) are never the reader's.
    assert shown != when.get_attribute("title")
    for link, word in (("comment-edit-link", "Edit"), ("comment-delete-link", "Delete")):
        label = page.locator(f"#c{comment.pk} .{link}").get_attribute("aria-label")
        assert label == f"{word} your comment of {shown}", label
