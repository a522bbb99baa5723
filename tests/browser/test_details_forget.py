"""A guest who saved their name, email and website in this browser forgets them from the
comment form, with or without JavaScript, and keeps the text they were writing."""

import pytest
from playwright.sync_api import expect

from comments.owner import COMMENTER_COOKIE, OWN_COOKIE

from .a11y import axe_violations, violations_text
from .helpers import fill_guest_form, refusal_shown

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def post_with_details_saved(page, url: str, *, scripts: bool = True) -> None:
    page.goto(url)
    fill_guest_form(page, "First words, details saved", "Noor")
    page.fill("#id_email", "noor@example.com")
    page.check("#id_remember")
    page.click("#submit")
    if not scripts:
        # Without scripts the shared page's form has no security token: the refusal hands
        # the form back with one, and the second press posts.
        refusal_shown(page)
        expect(page.locator("#id_comment")).to_have_value("First words, details saved")
        page.click("#submit")
    page.wait_for_url("**#c*")


def cookie_names(page) -> set[str]:
    return {cookie["name"] for cookie in page.context.cookies()}


@pytest.mark.parametrize("scripts", [True, False], ids=["with-js", "without-js"])
def test_forget_my_details_clears_them_and_keeps_the_text(live_server, new_page, article, scripts):
    """The button shows once details are saved; pressing it clears the saved details (the
    list of comments this browser posted stays), says so, and keeps the text being typed."""
    page = new_page(java_script_enabled=scripts)
    url = live_server.url + article.get_absolute_url()
    post_with_details_saved(page, url, scripts=scripts)
    page.goto(url)
    expect(page.locator("#id_name")).to_have_value("Noor")
    page.fill("#id_comment", "A second thought, half written")

    page.get_by_role("button", name="Forget my details in this browser").click()

    notice = page.locator("#details-notice")
    expect(notice).to_contain_text(
        "Your name, email address and website are no longer saved in this browser."
    )
    expect(notice).to_contain_text("It still knows which comments it posted")
    expect(page.locator("#id_comment")).to_have_value("A second thought, half written")
    expect(page.locator("#id_name")).to_have_value("")
    expect(page.locator("#id_email")).to_have_value("")
    expect(page.locator("#id_remember")).not_to_be_checked()
    expect(page.locator("#forget-details")).to_have_count(0)
    assert COMMENTER_COOKIE not in cookie_names(page)
    assert OWN_COOKIE in cookie_names(page)
    if scripts:
        violations = axe_violations(page)
        assert not violations, violations_text(violations)


def test_forgetting_the_comments_too_when_asked(live_server, page, article):
    """Ticking "Also forget which comments this browser posted" drops that list too, and the
    page says its comments can no longer be changed from here."""
    url = live_server.url + article.get_absolute_url()
    post_with_details_saved(page, url)
    page.goto(url)
    violations = axe_violations(page)
    assert not violations, violations_text(violations)
    page.check("#forget-own")
    page.click("#forget-details")

    expect(page.locator("#details-notice")).to_contain_text(
        "It no longer knows which comments it posted"
    )
    assert not {COMMENTER_COOKIE, OWN_COOKIE} & cookie_names(page)
    expect(page.locator(".comment-edit-link")).to_have_count(0)


def test_forgetting_own_comments_without_saved_details_and_without_scripts(
    live_server, new_page, article
):
    """A guest who posted with the box unticked and scripts off is offered to forget which
    comments the browser posted; pressing it drops that list and keeps the text typed."""
    page = new_page(java_script_enabled=False)
    url = live_server.url + article.get_absolute_url()
    page.goto(url)
    fill_guest_form(page, "Posted without saving my details", "Noor")
    page.click("#submit")
    refusal_shown(page)
    expect(page.locator("#id_comment")).to_have_value("Posted without saving my details")
    page.click("#submit")  # the refusal of the tokenless shared page hands back a signed form
    page.wait_for_url("**#c*")
    assert COMMENTER_COOKIE not in cookie_names(page)
    page.goto(url)
    expect(page.locator(".comment-edit-link")).to_have_count(1)
    page.fill("#id_comment", "Another thought, half written")

    page.get_by_role("button", name="Forget which comments this browser posted").click()

    expect(page.locator("#details-notice")).to_contain_text(
        "It no longer knows which comments it posted"
    )
    expect(page.locator("#id_comment")).to_have_value("Another thought, half written")
    expect(page.locator("#forget-own-comments")).to_have_count(0)
    expect(page.locator(".comment-edit-link")).to_have_count(0)
    assert OWN_COOKIE not in cookie_names(page)
