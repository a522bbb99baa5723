"""A moderator decides on the words their queue page showed: a comment its author edited
after the page was loaded is not published on the strength of it, even when its status is
the one the page showed."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import CommentStatus
from moderation.models import ModerationRules, Report
from moderation.services import comments_moderate, report_create
from readers.services.ownership import comment_edit
from tests.moderation.test_audit_admin import admin_save

S = CommentStatus
pytestmark = pytest.mark.django_db


def queue_form(client, tab="held") -> dict[str, list[str]]:
    """The queue page's hidden fields, as the browser would send them back."""
    page = client.get(reverse("moderation:tab", args=[tab])).content.decode()
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', page):
        if name not in ("next", "csrfmiddlewaretoken"):
            fields.setdefault(name, []).append(value)
    return fields


def held_by_a_moderator(post, article, moderator, text):
    comment = post(article, text)
    comments_moderate(comment_ids=[comment.pk], action="hold", actor=moderator)
    comment.refresh_from_db()
    assert comment.status == S.HELD
    return comment


def test_approving_a_comment_edited_after_the_page_was_loaded_changes_nothing(
    client, moderator, article, post
):
    """Held by a moderator, edited by its author (it stays held), then approved from a page
    showing the old words: the new words stay held, and the message says why."""
    comment = held_by_a_moderator(post, article, moderator, "Mild words")
    client.force_login(moderator)
    fields = queue_form(client)
    comment_edit(comment=comment, text="Words nobody has read")
    comment.refresh_from_db()
    assert comment.status == S.HELD

    response = client.post(
        reverse("moderation:act"), {"item_action": f"approve:{comment.pk}", **fields}, follow=True
    )

    comment.refresh_from_db()
    assert comment.status == S.HELD
    assert [str(m) for m in response.context["messages"]] == [
        "Nothing changed: the comment by Reader was edited after this page was loaded."
    ]


def test_a_bulk_approval_leaves_out_the_comment_edited_since(client, moderator, article, post):
    """Selected with another on the Held tab: the unedited one is approved, the edited one
    stays held and is counted among those left as they were."""
    edited = held_by_a_moderator(post, article, moderator, "First words")
    untouched = held_by_a_moderator(post, article, moderator, "Other words")
    client.force_login(moderator)
    fields = queue_form(client)
    comment_edit(comment=edited, text="Second thoughts, unread")

    response = client.post(
        reverse("moderation:act"),
        {"action": "approve", "ids": [edited.pk, untouched.pk], **fields},
        follow=True,
    )

    edited.refresh_from_db()
    untouched.refresh_from_db()
    assert (edited.status, untouched.status) == (S.HELD, S.PUBLISHED)
    assert [str(m) for m in response.context["messages"]] == [
        "1 comment approved. 1 other was left as it was: it was already in that state, or had "
        "moved on since the page was loaded."
    ]


def test_dismissing_reports_on_a_comment_edited_since_keeps_it_held(
    client, moderator, make_user, article, post
):
    """Held by readers' reports, edited by its author (it stays held), its reports then
    dismissed from a page showing the old words: the reports the moderator read close, but
    the new words are not published unread, and the message says where they wait."""
    ModerationRules.objects.update_or_create(pk=1, defaults={"reports_to_hold": 2})
    comment = post(article, "Words readers objected to")
    for reader in (make_user(), make_user()):
        report_create(comment_id=comment.pk, user=reader, ip_address=None, reason="abuse")
    client.force_login(moderator)
    fields = queue_form(client, tab="reported")
    comment.refresh_from_db()
    comment_edit(comment=comment, text="Other words, unread")

    response = client.post(
        reverse("moderation:act"), {"item_action": f"dismiss:{comment.pk}", **fields}, follow=True
    )

    comment.refresh_from_db()
    assert comment.status == S.HELD
    assert not Report.objects.filter(comment=comment, resolved_at__isnull=True).exists()
    assert [str(m) for m in response.context["messages"]] == [
        "Reports dismissed on 1 comment. 1 was edited after the page was loaded: it stays "
        "held, decide in the Held tab."
    ]


def test_undoing_a_hold_does_not_publish_words_edited_since(client, moderator, article, post):
    """Held by a moderator, edited by its author (it stays held), then the hold undone from
    the undo bar: undoing would publish the new words unread, so it is refused as a change."""
    comment = post(article, "Words the moderator held")
    client.force_login(moderator)
    fields = queue_form(client, tab="published")
    response = client.post(
        reverse("moderation:act"), {"item_action": f"hold:{comment.pk}", **fields}
    )
    undo_ids = response.url.rpartition("undo=")[2]
    client.get(response.url)  # the page with its undo bar, which says "1 comment held."
    comment.refresh_from_db()
    comment_edit(comment=comment, text="Words written since, unread")

    response = client.post(reverse("moderation:undo"), {"events_csv": undo_ids}, follow=True)

    comment.refresh_from_db()
    assert comment.status == S.HELD
    assert [str(m) for m in response.context["messages"]] == [
        "The comment has changed since; undo it from its current state."
    ]


def test_approving_words_staff_corrected_after_the_page_was_loaded_changes_nothing(
    client, moderator, article, post, make_user
):
    """Staff change a held comment's words in the admin after a moderator's Held tab was
    loaded: approving from it does not publish words the moderator never read."""
    comment = held_by_a_moderator(post, article, moderator, "Words as posted")
    client.force_login(moderator)
    fields = queue_form(client)
    staff = Client()
    staff.force_login(make_user("boss", is_staff=True, is_superuser=True))
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    admin_save(staff, url, comment="Words staff wrote instead")

    response = client.post(
        reverse("moderation:act"), {"item_action": f"approve:{comment.pk}", **fields}, follow=True
    )

    comment.refresh_from_db()
    assert comment.status == S.HELD
    assert comment.edited_at is not None
    assert [str(m) for m in response.context["messages"]] == [
        "Nothing changed: the comment by Reader was edited after this page was loaded."
    ]


def test_a_staff_change_of_only_the_commenters_details_is_no_new_version(
    client, moderator, article, post, make_user
):
    """Correcting the name leaves the words as the moderator read them: approving works."""
    comment = held_by_a_moderator(post, article, moderator, "Words as posted")
    client.force_login(moderator)
    fields = queue_form(client)
    staff = Client()
    staff.force_login(make_user("boss", is_staff=True, is_superuser=True))
    admin_save(staff, reverse("admin:comments_comment_change", args=[comment.pk]), user_name="Rea")

    client.post(reverse("moderation:act"), {"item_action": f"approve:{comment.pk}", **fields})

    comment.refresh_from_db()
    assert (comment.status, comment.edited_at) == (S.PUBLISHED, None)
