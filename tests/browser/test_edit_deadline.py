"""The edit page's time left stays true while it is open: it counts down, and when the time
is up the page says so in its place, the text typed stays in the box, and a late save is
refused with the text handed back."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment

from .a11y import axe_violations, violations_text
from .helpers import fill_guest_form

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def posted_minutes_ago(comment, minutes: float) -> None:
    Comment.objects.filter(pk=comment.pk).update(
        submit_date=timezone.now() - timedelta(minutes=minutes)
    )


def test_the_time_left_counts_down_and_the_end_is_said_in_place(live_server, new_page, article):
    """Two minutes left: the page says one minute (rounded down), then seconds, then that
    the time is up, with what was typed still in the box; Save then gets the server's
    refusal, with the text to copy."""
    page = new_page(fresh=True)  # its clock is installed for the context's every page
    page.goto(live_server.url + article.get_absolute_url())
    fill_guest_form(page, "Words to correct.", "Late Lena")
    page.click("#submit")
    page.wait_for_url("**#c*")
    comment = Comment.objects.get(user_name="Late Lena")
    posted_minutes_ago(comment, settings.PARLEY_EDIT_MINUTES - 2)
    page.clock.install()
    page.goto(live_server.url + f"/comments/{comment.pk}/edit/")
    count = page.locator("#edit-deadline .edit-left-count")
    expect(count).to_have_text("1 minute")
    page.fill("#id_comment", "Words to correct, corrected at leisure.")

    page.clock.run_for(90_000)
    expect(count).to_have_text(re.compile(r"^\d{1,2} seconds$"))
    page.clock.run_for(60_000)

    closed = page.locator("#edit-closed")
    expect(closed).to_be_visible()
    expect(closed).to_have_text(
        "The time to edit this comment is up: it can no longer be saved. "
        "Your text stays in the box, so you can copy it."
    )
    expect(page.locator("#edit-deadline")).to_be_hidden()
    expect(page.locator("#id_comment")).to_have_value("Words to correct, corrected at leisure.")
    violations = axe_violations(page)
    assert not violations, violations_text(violations)

    posted_minutes_ago(comment, settings.PARLEY_EDIT_MINUTES + 1)  # the server's clock too
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert")).to_contain_text("can no longer be edited")
    expect(page.locator("#kept-text")).to_have_value("Words to correct, corrected at leisure.")
    assert Comment.objects.get(pk=comment.pk).comment == "Words to correct."
