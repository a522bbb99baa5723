"""While a comment is on its way and after it has gone: the Post Comment button says it is
posting and takes no second press, and Back never shows the sent text in the box as if it
had not been posted."""

import contextlib
import re
import threading
import time

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from comments.models import Comment

from .helpers import fill_guest_form

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

POST_URL = "**/comments/post/"
# Back to the page the comment was sent from reloads it (comments.js): the page is today's.
RELOADED = (
    "() => document.readyState === 'complete'"
    " && performance.getEntriesByType('navigation')[0].type === 'reload'"
)

# Tells the test (window.buttonShown) each time the Post Comment button or its status change.
REPORT_BUTTON = """document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("submit");
  const status = document.getElementById("submit-status");
  const report = () => window.buttonShown(
    button.textContent, button.getAttribute("aria-disabled"), status && status.textContent,
    getComputedStyle(button).cursor);
  const watch = new MutationObserver(report);
  const what = {attributes: true, childList: true, characterData: true, subtree: true};
  for (const node of [button, status]) { if (node) { watch.observe(node, what); } }
});"""


def wait_until(condition, what: str) -> None:
    """Wait, up to ten seconds, for `condition()` to hold."""
    deadline = time.monotonic() + 10
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited in vain for {what}")
        time.sleep(0.02)


def test_the_button_says_posting_and_a_second_press_sends_nothing(
    live_server, page, article, monkeypatch
):
    """On a slow connection the button reads "Posting…" and looks busy, is marked disabled
    for assistive technology, a screen reader hears that the comment is being posted, and
    pressing it again sends no second post, nor does Enter in the Name field; one comment is
    stored."""
    from comments import views

    posts, go = [], threading.Event()
    comment_post = views._comment_post

    def held_post(request):
        posts.append(request)
        go.wait(30)
        return comment_post(request)

    # Held in the server: the browser has sent the post and waits for its answer. While it
    # waits, Playwright runs nothing in the page; the page tells the test what it shows.
    monkeypatch.setattr(views, "_comment_post", held_post)
    shown = []
    page.expose_function("buttonShown", lambda *state: shown.append(list(state)))
    page.add_init_script(REPORT_BUTTON)
    page.goto(live_server.url + article.get_absolute_url())
    fill_guest_form(page, "Sent on a slow line.", "Slow Sam")
    box = page.locator("#submit").bounding_box()
    name_box = page.locator("#id_name").bounding_box()
    page.locator("#submit").click(no_wait_after=True)
    wait_until(lambda: len(posts) == 1, "the post to reach the site")
    for _ in range(100):  # Playwright hands the page's reports over while it waits
        if ["Posting…", "true", "Posting your comment…", "progress"] in shown:
            break
        page.wait_for_timeout(50)
    assert shown[-1] == ["Posting…", "true", "Posting your comment…", "progress"]
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.keyboard.press("Enter")
    page.mouse.click(name_box["x"] + 5, name_box["y"] + 5)
    page.keyboard.press("Enter")  # Enter in a one-line field presses the form's default button
    time.sleep(0.5)  # room for a second post to reach the site, were one sent
    assert len(posts) == 1
    go.set()
    page.wait_for_url("**#c*")
    assert Comment.objects.filter(user_name="Slow Sam").count() == 1


def test_a_post_that_failed_gives_the_button_and_the_text_back(live_server, page, article):
    """The connection drops with the post on its way: Back from the browser's error page
    has the text in the box and the button ready to send it again."""
    page.route(POST_URL, lambda route: route.abort("internetdisconnected"))
    page.goto(live_server.url + article.get_absolute_url())
    fill_guest_form(page, "Lost on the way.", "Dropped Dan")
    page.click("#submit")
    # The browser's error page in place of the post: polled from the page's address.
    # page.wait_for_url waits for a navigation to load, and raised the failed post's
    # ERR_INTERNET_DISCONNECTED whenever it began waiting before the error page came (CI,
    # once in six runs).
    expect(page).to_have_url(re.compile(r"^chrome-error://|/comments/post/"))
    page.unroute(POST_URL)
    page.go_back()
    expect(page.locator("#id_comment")).to_have_value("Lost on the way.")
    expect(page.locator("#id_name")).to_have_value("Dropped Dan")
    expect(page.locator("#submit")).to_have_text("Post Comment")
    expect(page.locator("#submit")).not_to_have_attribute("aria-disabled", "true")
    page.click("#submit")
    page.wait_for_url("**#c*")
    assert Comment.objects.filter(user_name="Dropped Dan").count() == 1


def test_back_after_posting_shows_the_comment_posted_not_the_form_still_full(
    live_server, page, article
):
    """Back from the posted comment does not bring the page from before the post with its
    text still in the box (as if it had not been posted): the page shown is today's, with
    the comment in it and the box empty."""
    url = live_server.url + article.get_absolute_url()
    page.goto(url)
    fill_guest_form(page, "Posted once, and only once.", "Once Olga")
    page.click("#submit")
    page.wait_for_url("**#c*")
    comment = Comment.objects.get(user_name="Once Olga")
    page.go_back()
    page.wait_for_function(RELOADED)
    assert page.url == url
    expect(page.locator(f"#c{comment.pk} .comment-content")).to_have_text(
        "Posted once, and only once."
    )
    expect(page.locator("#id_comment")).to_have_value("")
    expect(page.locator("#submit")).to_have_text("Post Comment")


def test_back_to_a_refusal_and_resending_it_lands_on_the_comment(live_server, page, article):
    """Refused (no name), then posted: Back to the refusal's page, Chromium asks to send
    that form again, and sending it lands on the comment, posted once, instead of saying
    "Your comment was not posted" under a comment that was."""
    page.goto(live_server.url + article.get_absolute_url())
    fill_guest_form(page, "Refused first, then posted.", "")
    # The browser would ask for the name itself; the server's refusal is the one tested.
    page.evaluate("document.getElementById('commentform').noValidate = true")
    page.click("#submit")
    expect(page.locator("#error-summary")).to_contain_text("Your comment was not posted.")
    page.wait_for_load_state()  # the form sent back whole before it is filled and sent
    page.fill("#id_name", "Resent Rosa")
    page.click("#submit")
    page.wait_for_url("**#c*")
    comment = Comment.objects.get(user_name="Resent Rosa")

    with contextlib.suppress(PlaywrightError):
        page.go_back()  # net::ERR_CACHE_MISS: Chromium's "Confirm Form Resubmission"
    expect(page.locator("h1")).to_have_text("Confirm Form Resubmission")
    page.reload()

    page.wait_for_url(f"**#c{comment.pk}")
    expect(page.locator(f"#c{comment.pk} .comment-status")).to_have_text(
        "Thank you: your comment is published."
    )
    expect(page.locator("#error-summary")).to_have_count(0)
    assert Comment.objects.count() == 1
