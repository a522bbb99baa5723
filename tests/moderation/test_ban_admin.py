"""Bans placed and lifted in the admin: checked as the queue's are, named as the product
names them, and each action reported."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from moderation import services
from moderation.models import Ban, ModerationEvent

pytestmark = pytest.mark.django_db

ADD = reverse("admin:moderation_ban_add")


@pytest.fixture
def staff_client(client, make_user):
    client.force_login(make_user("boss", is_staff=True, is_superuser=True))
    return client


def ban_form(**fields) -> dict:
    no_end = {"expires_at_0": "", "expires_at_1": ""}
    return {"kind": "ip", "value": "", "reason": "Flooding", **no_end} | fields


@pytest.mark.parametrize(
    ("fields", "field", "typed"),
    [
        ({"kind": "ip", "value": "not an ip at all"}, "value", "not an ip at all"),
        ({"kind": "ip", "value": "999.999.1.1"}, "value", "999.999.1.1"),
        ({"kind": "email", "value": "not-an-email"}, "value", "not-an-email"),
        (
            {"value": "192.0.2.7", "expires_at_0": "2001-01-01", "expires_at_1": "00:00:00"},
            "expires_at",
            "2001-01-01",
        ),
    ],
    ids=["ip-words", "ip-out-of-range", "email-without-at", "end-in-the-past"],
)
def test_a_ban_that_could_never_match_is_refused_with_what_was_typed(
    staff_client, fields, field, typed
):
    """An address that is none of its kind, or an end already past, is a field error; the
    form comes back with what was typed and nothing is stored."""
    response = staff_client.post(ADD, ban_form(**fields))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors.keys() == {field}
    assert f'value="{typed}"' in response.content.decode()
    assert not Ban.objects.exists()


def test_a_ban_added_in_the_admin_is_named_in_its_message_and_history(staff_client):
    """The message and the admin's history name the ban by its masked address, as the
    moderators' pages do."""
    response = staff_client.post(ADD, ban_form(value="192.0.2.7"), follow=True)
    ban = Ban.objects.get()
    assert str(ban) == "Ban of IP address 192.0.2.x"
    assert [strip_tags(message) for message in get_messages(response.wsgi_request)] == [
        f"The ban “{ban}” was added successfully."
    ]
    assert LogEntry.objects.get().object_repr == "Ban of IP address 192.0.2.x"


def test_lifting_from_the_list_reports_what_was_lifted_and_what_had_ended(staff_client, moderator):
    """The action lifts the bans in force, says how many, and how many of those selected
    had already been lifted or had ended; those it leaves as they were."""
    in_force = [
        services.ban_create(kind=Ban.Kind.IP, value=f"192.0.2.{n}", actor=moderator, reason="x")
        for n in (1, 2)
    ]
    lifted = services.ban_create(kind=Ban.Kind.IP, value="192.0.2.3", actor=moderator, reason="x")
    services.ban_lift(ban_id=lifted.pk, actor=moderator)
    ended = services.ban_create(
        kind=Ban.Kind.IP, value="192.0.2.4", actor=moderator, reason="x",
        expires_at=timezone.now() - timedelta(days=1),
    )  # fmt: skip
    response = staff_client.post(
        reverse("admin:moderation_ban_changelist"),
        {"action": "lift", "_selected_action": [ban.pk for ban in [*in_force, lifted, ended]]},
        follow=True,
    )
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "2 bans lifted.",
        "2 selected bans had already been lifted or had ended.",
    ]
    assert not Ban.objects.in_force().exists()
    ended.refresh_from_db()
    assert ended.lifted_at is None
    assert ModerationEvent.objects.filter(reasons__0__code="unban").count() == 3


def test_lifting_a_single_ban_in_force_says_so_in_the_singular(staff_client, moderator):
    """One ban lifted is reported as one, with no word about bans that had ended."""
    ban = services.ban_create(kind=Ban.Kind.IP, value="192.0.2.5", actor=moderator, reason="x")
    response = staff_client.post(
        reverse("admin:moderation_ban_changelist"),
        {"action": "lift", "_selected_action": [ban.pk]},
        follow=True,
    )
    assert [str(message) for message in get_messages(response.wsgi_request)] == ["1 ban lifted."]
