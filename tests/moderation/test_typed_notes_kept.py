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


def test_ban_author_keeps_the_notes_typed_in_the_queue_on_the_way_to_the_ban_page(
    client, moderator, article
):
    """ "Ban author…" sends the queue's form: notes typed in any item are kept, and the ban
    page opens with the queue's page to come back to."""
    banned = posted(article, "Spam", status=S.HELD, name="Sam", email="sam@example.org")
    other = posted(article, "Other", status=S.HELD, name="Ola", email="ola@example.org")
    client.force_login(moderator)
    html = client.get(QUEUE).content.decode()
    opener = reverse("moderation:ban_open", args=[banned.pk])
    assert f'formaction="{opener}"' in item_html(html, banned)

    response = client.post(
        opener,
        {f"note-{banned.pk}-text": "Spam run", f"note-{other.pk}-text": "Watch", "next": QUEUE},
    )

    assert response.status_code == 302
    assert response.url == reverse("moderation:ban", args=[banned.pk]) + "?next=%2Fmoderation%2F"
    assert (notes_on(banned), notes_on(other)) == (["Spam run"], ["Watch"])
    assert f'<a href="{QUEUE}">Cancel</a>' in client.get(response.url).content.decode()


def test_ban_author_with_a_note_too_long_stays_on_the_queue_with_its_text(
    client, moderator, article
):
    """A note too long to keep typed in the queue: the ban page is not opened (its text
    would be left behind); the queue comes back at that item, saying why, text in its box."""
    banned = posted(article, "Spam", status=S.HELD, name="Sam", email="sam@example.org")
    long_note = "x" * 2001
    client.force_login(moderator)

    response = client.post(
        reverse("moderation:ban_open", args=[banned.pk]),
        {f"note-{banned.pk}-text": long_note, "next": QUEUE},
    )

    assert response.url == f"{QUEUE}#item-{banned.pk}"
    item = item_html(client.get(QUEUE).content.decode(), banned)
    assert "The ban page was not opened" in item and "(it has 2001)" in item
    assert f"{long_note}</textarea>" in item
    assert not CommenterNote.objects.exists()
