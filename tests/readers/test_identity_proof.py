"""Trust comes only from proof: a guest's address counts as theirs once this browser
followed a link sent to it, and a typed address alone never does."""

import pytest
from django.core import mail
from django.test import Client

from comments.models import Comment, CommentStatus
from core.keys import author_key_for
from moderation.models import SpamVerdict
from moderation.services import comment_transition
from tests.conftest import form_data
from tests.readers.test_follow_and_notify import link_in

pytestmark = pytest.mark.django_db


def reason_codes(comment):
    return [r["code"] for r in SpamVerdict.objects.filter(comment=comment).latest("pk").reasons]


def test_following_the_emailed_link_makes_the_guest_a_known_author(client, article, submit):
    """A guest confirms their address by its link in the browser they post from: the
    comment they posted there and their later ones carry that identity, so approvals
    build trust; the same address typed in another browser stays unproven."""
    submit(
        form_data(article, comment="Notify me of replies", email="Pat@Example.com", followup="on")
    )
    first = Comment.objects.get()
    assert first.author_key == ""
    client.post(link_in(mail.outbox[0], "replies/confirm"))
    first.refresh_from_db()
    assert first.author_key == author_key_for(verified_email="pat@example.com")
    comment_transition(comment_id=first.pk, to_status=CommentStatus.PUBLISHED, actor_label="t")

    submit(form_data(article, comment="Back with more", email="pat@example.com"))
    mine = Comment.objects.get(comment="Back with more")
    assert mine.author_key == first.author_key
    assert "trusted" in reason_codes(mine)

    submit(form_data(article, comment="Pretending", email="pat@example.com"), using=Client())
    impostor = Comment.objects.get(comment="Pretending")
    assert impostor.author_key == ""
    assert "trusted" not in reason_codes(impostor)
    assert "first_comment" in reason_codes(impostor)


def test_the_manage_link_proves_the_address_too(client, article, submit, run_commits):
    """Following the "manage your comments" link proves the address to that browser."""
    submit(form_data(article, comment="Mine", email="lee@example.com"))
    with run_commits():
        client.post("/comments/manage/", {"email": "lee@example.com"})
    client.post(link_in(mail.outbox[-1], "comments/manage"))
    assert Comment.objects.get().author_key == author_key_for(verified_email="lee@example.com")


def test_a_forged_proof_cookie_proves_nothing(client, article, submit):
    """The proof is a signed cookie: a hand-made one is ignored."""
    client.cookies["parley_verified"] = '["pat@example.com"]'
    submit(form_data(article, comment="Forged", email="pat@example.com"))
    assert Comment.objects.get().author_key == ""
