"""A note on a commenter too long to keep is refused saying how long it is, and its whole
text comes back to the moderator: the box has no maxlength that would cut a paste unseen,
and a queue button other than Add note (which keeps typed notes too) does not drop it."""

import pytest
from django.urls import reverse

from comments.models import CommentStatus
from moderation.models import CommenterNote
from tests.moderation.test_commenter_history import item_html, posted

S = CommentStatus
pytestmark = pytest.mark.django_db
QUEUE = reverse("moderation:queue")
LONG = "Warned twice.\n" + "w" * 2100


def approve_with_long_note(client, approved, noted) -> str:
    """Press `approved`'s Approve with LONG typed in `noted`'s box; the page it comes back to."""
    response = client.post(
        reverse("moderation:act"),
        {"item_action": f"approve:{approved.pk}", f"note-{noted.pk}-text": LONG, "next": QUEUE},
        follow=True,
    )
    return response.content.decode()


def test_the_note_boxes_do_not_cut_a_long_paste(client, moderator, article):
    """Neither the queue's note box nor the commenter page's has a maxlength."""
    held = posted(article, "Held words", status=S.HELD, name="Nora", email="nora@example.org")
    client.force_login(moderator)
    queue = item_html(client.get(QUEUE).content.decode(), held)
    page = client.get(reverse("moderation:commenter", args=[held.pk])).content.decode()
    assert f'name="note-{held.pk}-text"' in queue and f'name="note-{held.pk}-text"' in page
    assert "maxlength" not in queue and "maxlength" not in page


def test_a_too_long_note_typed_on_another_item_comes_back_in_its_box(client, moderator, article):
    """Approve pressed on one item while another's box holds a note too long to keep: the
    comment is approved, the note is not added, and the other item says why, with the length,
    its box holding all the text."""
    approved = posted(article, "Fine", status=S.HELD, name="Ann", email="ann@example.org")
    noted = posted(article, "Spammy", status=S.HELD, name="Ben", email="ben@example.org")
    client.force_login(moderator)

    html = approve_with_long_note(client, approved, noted)

    approved.refresh_from_db()
    assert approved.status == S.PUBLISHED
    assert not CommenterNote.objects.exists()
    item = item_html(html, noted)
    assert "Note not added" in item and "at most 2000 characters (it has 2114)" in item
    assert "Warned twice.\n" + "w" * 2100 + "</textarea>" in item
    # Shown once: the next page has forgotten it.
    assert "Note not added" not in client.get(QUEUE).content.decode()


def test_a_too_long_note_on_the_item_approved_comes_back_at_the_top(client, moderator, article):
    """The item's own Approve pressed with a note too long in its box: the item leaves the
    tab, and the top of the page says the note was not added and holds its text in a form
    that adds it."""
    held = posted(article, "Held words", status=S.HELD, name="Nora", email="nora@example.org")
    client.force_login(moderator)

    html = approve_with_long_note(client, held, held)

    assert f'id="item-{held.pk}"' not in html
    assert "Note not added" in html and "(it has 2114)" in html
    action = reverse("moderation:commenter", args=[held.pk])
    top = html[html.index(f'action="{action}"') :]
    assert f'name="note-{held.pk}-text" rows="4">{LONG}</textarea>' in top

    shortened = client.post(action, {f"note-{held.pk}-text": "Warned twice.", "next": QUEUE})
    assert shortened.status_code == 302
    assert list(CommenterNote.objects.values_list("text", flat=True)) == ["Warned twice."]


def test_add_note_with_a_too_long_note_keeps_it_all_and_says_how_long(client, moderator, article):
    """Add note with a note too long: the form comes back with all of it, saying its length."""
    held = posted(article, "Held words", status=S.HELD, name="Nora", email="nora@example.org")
    client.force_login(moderator)
    response = client.post(
        reverse("moderation:commenter", args=[held.pk]),
        {f"note-{held.pk}-text": LONG.replace("\n", "\r\n"), "next": QUEUE},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "(it has 2114)" in html and "w" * 2100 + "</textarea>" in html
    assert not CommenterNote.objects.exists()


def test_a_refused_add_note_page_also_gives_back_another_items_long_note(
    client, moderator, article
):
    """Add note pressed with notes too long in its own box and another item's: the page that
    comes back holds both texts, each with its reason, where the other item's box is not."""
    first = posted(article, "First", status=S.HELD, name="Ann", email="ann@example.org")
    second = posted(article, "Second", status=S.HELD, name="Ben", email="ben@example.org")
    client.force_login(moderator)

    response = client.post(
        reverse("moderation:commenter", args=[first.pk]),
        {f"note-{first.pk}-text": LONG, f"note-{second.pk}-text": "B" * 2001, "next": QUEUE},
    )
    html = response.content.decode()

    assert response.status_code == 400
    assert "(it has 2114)" in html and "w" * 2100 + "</textarea>" in html
    assert "Note not added" in html and "(it has 2001)" in html
    assert f'name="note-{second.pk}-text" rows="4">{"B" * 2001}</textarea>' in html
    assert not CommenterNote.objects.exists()
