"""What Parley forgets by age (readers.services.retention): a comment's IP address and browser
string, a guest vote's keyed address and the record of emails sent, once older than
PARLEY_ADDRESS_RETENTION_DAYS."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from comments.models import Comment, Vote
from readers.models import Delivery
from readers.services import personal_data_expire

pytestmark = pytest.mark.django_db


def comment_aged(post, article, days: int, text: str) -> Comment:
    comment = post(article, text)
    Comment.objects.filter(pk=comment.pk).update(
        submit_date=timezone.now() - timedelta(days=days),
        ip_address="198.51.100.7",
        user_agent="Mozilla/5.0 (test)",
    )
    return comment


def delivery_aged(days: int, object_id: int) -> Delivery:
    delivery = Delivery.objects.create(
        kind=Delivery.Kind.UPDATE, object_id=object_id, email="reader@example.org"
    )
    Delivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now() - timedelta(days=days))
    return delivery


def test_old_addresses_and_browsers_are_forgotten_and_new_ones_kept(
    settings, post, article, django_assert_max_num_queries
):
    """Past the period a comment keeps its words and name but not where it came from; a
    newer one keeps both; the old email records go and the new stay."""
    settings.PARLEY_ADDRESS_RETENTION_DAYS = 30
    old = [comment_aged(post, article, 31, f"Old words {n}") for n in range(3)]
    new = comment_aged(post, article, 29, "Newer words")
    old_delivery, new_delivery = delivery_aged(31, 1), delivery_aged(29, 2)

    with django_assert_max_num_queries(8):  # the same few whatever the number of comments
        expired = personal_data_expire()

    assert (expired.comments, expired.deliveries) == (3, 1)
    for comment in old:
        comment.refresh_from_db()
        assert (comment.ip_address, comment.user_agent) == (None, "")
        assert comment.comment.startswith("Old words") and comment.user_name
    new.refresh_from_db()
    assert (new.ip_address, new.user_agent) == ("198.51.100.7", "Mozilla/5.0 (test)")
    assert not Delivery.objects.filter(pk=old_delivery.pk).exists()
    assert Delivery.objects.filter(pk=new_delivery.pk).exists()
    assert personal_data_expire().comments == 0, "a second run finds nothing left"


def vote_aged(comment: Comment, days: int, voter: str) -> Vote:
    vote = Vote.objects.create(
        comment=comment, voter_key=f"guest:{voter}", value=1, address_key=f"ip:{voter}"
    )
    Vote.objects.filter(pk=vote.pk).update(created_at=timezone.now() - timedelta(days=days))
    return vote


def test_old_votes_forget_their_address_and_new_ones_keep_it(
    settings, post, article, django_assert_max_num_queries
):
    """Past the period a guest's vote keeps its voter and value but not its keyed address,
    in the same few queries however many votes there are; a newer vote keeps it."""
    settings.PARLEY_ADDRESS_RETENTION_DAYS = 30
    comment = post(article, "Voted on")
    old = [vote_aged(comment, 31, f"old{n}") for n in range(3)]
    new = vote_aged(comment, 29, "new")

    with django_assert_max_num_queries(10):
        assert personal_data_expire().votes == 3

    for vote in old:
        vote.refresh_from_db()
        assert (vote.address_key, vote.value) == ("", 1) and vote.voter_key.startswith("guest:")
    new.refresh_from_db()
    assert new.address_key == "ip:new"
    assert personal_data_expire().votes == 0, "a second run finds nothing left"


def test_a_period_of_zero_keeps_everything(settings, post, article):
    settings.PARLEY_ADDRESS_RETENTION_DAYS = 0
    comment = comment_aged(post, article, 3650, "Very old words")
    delivery_aged(3650, 1)
    vote = vote_aged(comment, 3650, "kept")
    assert personal_data_expire().comments == 0
    comment.refresh_from_db()
    vote.refresh_from_db()
    assert comment.ip_address == "198.51.100.7" and vote.address_key == "ip:kept"
    assert Delivery.objects.count() == 1


def test_expired_sessions_go_and_live_ones_stay(settings):
    settings.PARLEY_ADDRESS_RETENTION_DAYS = 30
    live, dead = SessionStore(), SessionStore()
    live["x"], dead["x"] = 1, 2
    live.create()
    dead.create()
    Session.objects.filter(session_key=dead.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    personal_data_expire()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_the_command_says_what_it_forgot(settings, post, article, capsys):
    settings.PARLEY_ADDRESS_RETENTION_DAYS = 30
    comment_aged(post, article, 40, "Forty days old")
    call_command("expire_personal_data")
    assert capsys.readouterr().out.strip() == (
        "Comments whose address was forgotten: 1; votes whose address was forgotten: 0; "
        "sent-email records deleted: 0."
    )


def test_beat_runs_it_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["personal-data-expire"]
    assert entry == {"task": "readers.tasks.personal_data_expire_task", "schedule": 86400.0}
