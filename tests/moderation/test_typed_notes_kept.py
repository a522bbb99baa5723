"""A note typed in a queue item is kept whichever of the queue's buttons is pressed next:
every button sends the queue's one form, note boxes included, and a note the moderator
wrote is not theirs to lose because they pressed Approve instead of Add note."""

import pytest
from django.urls import reverse

from comments.models import CommentStatus
from moderation.models import CommenterNote
from tests.moderation.test_commenter_history import item_html, posted

S = CommentStatus
pytestmark = pytest.mark.django_db
QUEUE = reverse("moderation:queue")


def notes_on(comment) -> list[str]:
    return list(CommenterNote.objects.filter(comment=comment).values_list("text", flat=True))


def test_a_note_typed_before_approving_is_kept_and_said_at_the_top(client, moderator, article):
    """Note typed on an item, then its Approve pressed: the comment is approved, the note
    kept on its author, and the page says both (the item has left the Held tab)."""
    held = posted(article, "Held words", status=S.HELD, name="Nora", email="nora@example.org")
    client.force_login(moderator)

    response = client.post(
        reverse("moderation:act"),
        {
            "item_action": f"approve:{held.pk}",
            f"note-{held.pk}-text": "  Third account this week.  ",
            "next": QUEUE,
        },
        follow=True,
    )

    held.refresh_from_db()
    assert held.status == S.PUBLISHED
    assert notes_on(held) == ["Third account this week."]
    messages = [str(m) for m in response.context["messages"]]
    assert "Note added." in messages and "1 comment approved." in messages


def test_notes_typed_on_other_items_are_kept_when_one_items_note_is_added_or_deleted(
    client, moderator, article
):
    """Add note pressed on one item while another item's box holds a note: both are kept,
    each said inside its item; the same when a note is deleted instead."""
    first = posted(article, "First", status=S.HELD, name="Ann", email="ann@example.org")
    second = posted(article, "Second", status=S.HELD, name="Ben", email="ben@example.org")
    client.force_login(moderator)

    response = client.post(
        reverse("moderation:commenter", args=[first.pk]),
        {
            f"note-{first.pk}-text": "About Ann",
            f"note-{second.pk}-text": "About Ben",
            "next": QUEUE,
        },
    )
    html = client.get(response["Location"]).content.decode()

    assert (notes_on(first), notes_on(second)) == (["About Ann"], ["About Ben"])
    assert "Note added." in item_html(html, first).split("About Ann")[0]
    assert "Note added." in item_html(html, second).split("About Ben")[0]

    note = CommenterNote.objects.get(comment=first)
    client.post(
        reverse("moderation:note_delete", args=[note.pk]),
        {"item": first.pk, f"note-{second.pk}-text": "Ben again", "next": QUEUE},
    )
    assert notes_on(first) == []
    assert sorted(notes_on(second)) == ["About Ben", "Ben again"]


def test_empty_boxes_and_boxes_for_nobody_keep_nothing(client, moderator, article):
    """Blank boxes, and a box naming no comment, add no note; the action is taken as ever."""
    held = posted(article, "Held words", status=S.HELD, name="Olga", email="olga@example.org")
    client.force_login(moderator)
    client.post(
        reverse("moderation:act"),
        {
            "item_action": f"spam:{held.pk}",
            f"note-{held.pk}-text": "   ",
            "note-999999-text": "Nobody",
            "note-x-text": "Nobody",
        },
    )
    held.refresh_from_db()
    assert held.status == S.SPAM
    assert not CommenterNote.objects.exists()
