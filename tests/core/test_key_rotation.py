"""Rotating SECRET_KEY (the new key set, the old one first in SECRET_KEY_FALLBACKS) keeps what
Parley's kept keyed hashes stand for: a guest's votes, a verified guest's history, notes and
bans on an address, the address a reset link was mailed to."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from comments.models import CommentStatus, Vote
from core.checks import hash_key_check
from moderation import services
from moderation.models import Ban
from moderation.selectors import author_history
from moderation.selectors_bans import ban_for
from moderation.selectors_commenters import commenters_for
from tests.core.test_reset_proves_address import reset_through
from tests.readers.test_follow_and_notify import link_in

pytestmark = pytest.mark.django_db

OLD_KEY = "old-" + "o" * 60
NEW_KEY = "new-" + "n" * 60
NEWEST_KEY = "newest-" + "w" * 60
before_rotation = override_settings(SECRET_KEY=OLD_KEY, SECRET_KEY_FALLBACKS=[])
after_rotation = override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY])
# A second rotation, done the same way: the newest key, then the earlier ones newest first.
after_two_rotations = override_settings(
    SECRET_KEY=NEWEST_KEY, SECRET_KEY_FALLBACKS=[NEW_KEY, OLD_KEY]
)


def vote(client, comment, value):
    return client.post(reverse("comments:vote", args=[comment.pk]), {"value": value})


@pytest.mark.parametrize("rotation", [after_rotation, after_two_rotations])
def test_a_guest_vote_before_rotation_is_still_theirs_after_it(
    rotation, client, article, post, no_rate_limits
):
    """The guest's vote from before the rotation is the one they change afterwards: no
    second vote on the same comment."""
    comment = post(article)
    with before_rotation:
        assert vote(client, comment, "up").status_code == 302
    with rotation:
        assert vote(client, comment, "down").status_code == 302
    assert list(Vote.objects.filter(comment=comment).values_list("value", flat=True)) == [-1]
    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes) == (0, 1)


def test_the_address_cap_still_counts_votes_from_before_rotation(
    settings, article, post, no_rate_limits
):
    """One vote per address (PARLEY_VOTE_GUESTS_PER_ADDRESS=1) before the rotation still
    fills the address's share after it: another browser there is refused."""
    settings.PARLEY_VOTE_GUESTS_PER_ADDRESS = 1
    comment = post(article)
    with before_rotation:
        assert vote(Client(), comment, "up").status_code == 302
    with after_rotation:
        assert vote(Client(), comment, "up").status_code == 429
    assert Vote.objects.filter(comment=comment).count() == 1


def test_a_verified_guest_keeps_their_history_across_rotation(article, post):
    """The comments a verified guest had approved before the rotation are their history
    after it."""
    guest = {"name": "Rita", "email": "rita@example.com", "email_verified": True}
    with before_rotation:
        post(article, **guest)
        post(article, **guest)
    with after_rotation:
        new = post(article, status=CommentStatus.PENDING, **guest)
        history = author_history(new)
    assert history.known and history.approved == 2


def test_a_note_on_a_guest_address_is_found_after_rotation(article, post, moderator):
    """A moderator's note on a guest's email address is shown on their next comment after
    the rotation."""
    guest = {"name": "Gus", "email": "gus@example.com"}
    with before_rotation:
        first = post(article, status=CommentStatus.PENDING, **guest)
        services.commenter_note_add(comment=first, text="Trolls on Fridays", actor=moderator)
    with after_rotation:
        later = post(article, status=CommentStatus.PENDING, **guest)
        [commenter] = commenters_for([later]).values()
    assert [note.text for note in commenter.notes] == ["Trolls on Fridays"]


@pytest.mark.parametrize("rotation", [after_rotation, after_two_rotations])
def test_a_ban_by_address_still_bans_after_rotation(rotation, moderator):
    """A ban on an IP address and one on an email address made before the rotation still
    hold after it."""
    with before_rotation:
        services.ban_create(kind=Ban.Kind.IP, value="203.0.113.9", actor=moderator, reason="r")
        services.ban_create(kind=Ban.Kind.EMAIL, value="b@example.com", actor=moderator, reason="r")
    with rotation:
        assert ban_for(ip_address="203.0.113.9") is not None
        assert ban_for(email="B@example.com") is not None
        assert ban_for(ip_address="203.0.113.10", email="c@example.com") is None


def test_a_pinned_hash_key_outlives_the_fallback_being_dropped(settings, article, post):
    """With PARLEY_HASH_KEY set, a verified guest's history holds even once the key it was
    made under is gone from SECRET_KEY_FALLBACKS."""
    settings.PARLEY_HASH_KEY = OLD_KEY
    guest = {"name": "Rita", "email": "rita@example.com", "email_verified": True}
    with before_rotation:
        post(article, **guest)
    with override_settings(SECRET_KEY=NEWEST_KEY, SECRET_KEY_FALLBACKS=[NEW_KEY]):
        new = post(article, status=CommentStatus.PENDING, **guest)
        assert author_history(new).approved == 1


def test_the_deploy_check_asks_to_pin_the_hash_key_after_a_rotation(settings):
    """In production with SECRET_KEY_FALLBACKS set and no PARLEY_HASH_KEY, the check says to
    pin it before the fallback is removed; pinned, or never rotated, it is quiet."""
    settings.DEBUG = False
    settings.SECRET_KEY_FALLBACKS = [OLD_KEY]
    settings.PARLEY_HASH_KEY = ""
    assert [w.id for w in hash_key_check()] == ["parley.W003"]
    settings.PARLEY_HASH_KEY = OLD_KEY
    assert hash_key_check() == []
    settings.PARLEY_HASH_KEY = ""
    settings.SECRET_KEY_FALLBACKS = []
    assert hash_key_check() == []


def test_a_reset_link_mailed_before_rotation_still_proves_its_address(client, make_user):
    """A password reset link mailed before the rotation, used after it, still verifies the
    address it was mailed to."""
    user = make_user("forgetful", email="main@example.com")
    EmailAddress.objects.create(user=user, email="main@example.com", primary=True)
    EmailAddress.objects.create(user=user, email="other@example.com")
    with before_rotation:
        client.post("/accounts/password/reset/", {"email": "other@example.com"})
    (message,) = mail.outbox
    with after_rotation:
        done = reset_through(client, link_in(message, "accounts/password/reset/key"))
    assert done.status_code == 302
    assert EmailAddress.objects.get(email="other@example.com").verified
