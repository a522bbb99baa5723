"""Textareas count a line break as one character and an emoji as two, as browsers do for
their maxlength."""

from django.conf import settings

from moderation.forms import ReportForm
from readers.forms import CommentEditForm


def test_an_edit_at_the_limit_with_line_breaks_is_accepted_with_them_as_sent():
    """2,999 characters typed in 60 lines (3,058 sent) pass the edit form, stored with "\\n"
    breaks."""
    text = "\r\n".join(["e" * 49] * 60)
    assert len(text) > settings.COMMENT_MAX_LENGTH
    form = CommentEditForm({"comment": text})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["comment"] == text.replace("\r\n", "\n")
    too_long = CommentEditForm({"comment": "e" * settings.COMMENT_MAX_LENGTH + "\r\ne"})
    assert not too_long.is_valid()


def test_a_report_note_of_500_typed_characters_over_lines_is_accepted():
    """A 500-character note on 11 lines (521 sent) is within the note's 500."""
    note = "\r\n".join(["n" * 44] * 11)
    assert len(note) == 504 and len(note.replace("\r\n", "\n")) == 494
    form = ReportForm({"reason": "spam", "note": note})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["note"] == note.replace("\r\n", "\n")


def test_an_emoji_counts_as_the_browser_counts_it():
    """An emoji is two of a textarea's maxlength in the browser (UTF-16), and two here: a
    comment of emoji right at the limit is accepted, one more character refused, its
    length said as the browser counted it."""
    limit = settings.COMMENT_MAX_LENGTH
    at_limit = "😀" * (limit // 2 - 1) + "\r\nb"  # the break counts one, as in the browser
    assert len(at_limit.replace("\r\n", "\n").encode("utf-16-le")) // 2 == limit
    assert CommentEditForm({"comment": at_limit}).is_valid()
    over = CommentEditForm({"comment": at_limit + "c"})
    assert not over.is_valid()
    assert f"(it has {limit + 1})" in over.errors["comment"][0]
    assert not CommentEditForm({"comment": "😀" * (limit // 2 + 1)}).is_valid()
