"""A report's note pasted past its 500 characters is not cut short without a word: the box
keeps all of it, and the report comes back saying how long it is, the note whole."""

import pytest

from moderation.models import Report

from .helpers import error_summary_shown, focused_id, in_viewport

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_note_pasted_past_the_limit_is_kept_whole_and_refused_with_its_length(
    live_server, page, article, post
):
    """A reader pastes a 560-character note: the box holds it; sending says, in view, that
    it is too long and how long; the note comes back whole; cut, the report is sent."""
    comment = post(article, "A comment someone reports.")
    note = "It misquotes the grid operator's report, page by page. " * 10
    assert len(note.strip()) > 500
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/moderation/report/{comment.pk}/")
    page.get_by_label("Something else").check()
    page.focus("textarea[name=note]")
    page.keyboard.insert_text(note)
    assert page.input_value("textarea[name=note]") == note, "the paste was cut without a word"

    page.get_by_role("button", name="Send report").click()
    error_summary_shown(page)
    assert f"(it has {len(note.strip())})" in page.inner_text("#error-summary")
    assert in_viewport(page, "#error-summary") and focused_id(page) == "error-summary"
    assert page.input_value("textarea[name=note]").strip() == note.strip()
    assert not Report.objects.exists()

    page.fill("textarea[name=note]", note[:400])
    page.get_by_role("button", name="Send report").click()
    page.wait_for_url(f"**#c{comment.pk}")
    assert Report.objects.get().note == note[:400].strip()
