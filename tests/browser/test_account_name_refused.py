"""A guest typing a registered account's name is told so where they are looking, and can log
in to that account without losing what they wrote."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment

from .helpers import error_summary_shown, fill_guest_form, in_viewport

pytestmark = pytest.mark.django_db(transaction=True)
WORDS = "Written as a guest, meant to be posted from my account."


def test_an_accounts_name_is_refused_in_view_and_logging_in_keeps_the_draft(
    live_server, page, article, post, make_user
):
    """The summary takes focus and names the problem, the Name box says whose name it is,
    the text stays; the log-in link beside it leads back to the form with the text in the
    box, and posting it posts from the account."""
    user = make_user("rosa")
    for number in range(8):  # the form far below the fold
        post(article, f"Earlier comment {number}. " * 20)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + article.get_absolute_url())
    fill_guest_form(page, WORDS, "Rosa")
    page.click("#submit")
    error_summary_shown(page)
    assert in_viewport(page, "#error-summary")
    assert "registered reader" in page.inner_text("#error-summary")
    expect(page.locator("#id_name_error")).to_contain_text("choose another name")
    assert page.input_value("#id_comment") == WORDS
    assert not Comment.objects.filter(comment=WORDS).exists()

    page.locator("#id_name_helptext a").click()
    page.wait_for_url("**/accounts/login/**")
    page.fill("input[name=login]", "rosa")
    page.fill("input[name=password]", "a-long-passphrase")
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(live_server.url + article.get_absolute_url() + "#respond")
    expect(page.locator("#id_comment")).to_have_value(WORDS)
    page.locator("#submit").click()
    page.wait_for_url("**#c*")
    comment = Comment.objects.get(comment=WORDS)
    assert (comment.user_id, comment.user_name) == (user.pk, "rosa")
