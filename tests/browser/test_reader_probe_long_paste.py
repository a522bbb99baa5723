"""A comment pasted past the length limit is not cut short without a word: the box keeps all
of it, and the post (or the edit) comes back saying how long it is, the text whole, so the
reader chooses what to cut."""

import pytest
from django.conf import settings

from comments.models import Comment

from .helpers import error_summary_shown, fill_guest_form, focused_id, in_viewport

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_comment_pasted_past_the_limit_is_kept_whole_and_refused_with_its_length(
    live_server, page, article
):
    """A guest pastes a text of emoji 10 past the limit (an emoji counts two, as the browser
    counts it): the box holds all of it; posting says, in view, how long it is; the text
    comes back whole; cut to the limit, it is posted."""
    limit = settings.COMMENT_MAX_LENGTH
    pasted = "🎉" * (limit // 2 + 5)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server.url + article.get_absolute_url())
    fill_guest_form(page, "", "Paste Pat")
    page.focus("#id_comment")
    page.keyboard.insert_text(pasted)
    assert page.input_value("#id_comment") == pasted, "the paste was cut without a word"

    page.click("#submit")
    error_summary_shown(page)
    summary = page.inner_text("#error-summary")
    assert f"to {limit} characters or fewer (it has {limit + 10})" in summary
    assert in_viewport(page, "#error-summary") and focused_id(page) == "error-summary"
    assert page.input_value("#id_comment") == pasted
    assert not Comment.objects.exists()

    page.fill("#id_comment", pasted[: limit // 2])
    page.click("#submit")
    page.wait_for_url("**#c*")
    assert Comment.objects.get(user_name="Paste Pat").comment == pasted[: limit // 2]


def test_an_edit_pasted_past_the_limit_is_kept_whole_and_refused_with_its_length(
    live_server, page, article
):
    """The edit box does the same: the whole paste stays, the edit is refused with its
    length, and the comment keeps its text."""
    limit = settings.COMMENT_MAX_LENGTH
    page.goto(live_server.url + article.get_absolute_url())
    fill_guest_form(page, "My first words.", "Editing Eda")
    page.click("#submit")
    page.wait_for_url("**#c*")
    comment = Comment.objects.get(user_name="Editing Eda")
    page.goto(f"{live_server.url}/comments/{comment.pk}/edit/")
    pasted = "Longer words. " * (limit // 14 + 10) + "The end."
    page.fill("textarea[name=comment]", "")
    page.focus("textarea[name=comment]")
    page.keyboard.insert_text(pasted)
    assert page.input_value("textarea[name=comment]") == pasted
    page.click("main button[type=submit]")
    error_summary_shown(page)
    summary = page.inner_text("#error-summary")
    assert f"to {limit} characters or fewer (it has {len(pasted)})" in summary
    assert page.input_value("textarea[name=comment]") == pasted
    comment.refresh_from_db()
    assert comment.comment == "My first words."
