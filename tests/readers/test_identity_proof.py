"""Trust comes only from proof: a guest's address counts as theirs once this browser
followed a link sent to it, and a typed address alone never does."""

import time

import pytest
from django.core import mail, signing
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


def proven_after_posting(client, article, submit, **fields) -> str:
    """Post as pat@example.com asking for replies, follow the emailed link in this browser;
    the proof cookie's Max-Age as set ("" for one that ends with the browser)."""
    submit(form_data(article, comment="Proving", email="pat@example.com", followup="on", **fields))
    answer = client.post(link_in(mail.outbox[-1], "replies/confirm"))
    return str(answer.cookies["parley_verified"]["max-age"])


def last_comment_key() -> str:
    return Comment.objects.latest("pk").author_key


def test_the_proof_lasts_a_month_when_the_details_are_saved_with_that_address(
    client, article, submit
):
    """Saved name and address, then proved: the proof is kept for 30 days, not a year."""
    assert proven_after_posting(client, article, submit, remember="on") == str(30 * 24 * 3600)


def test_the_proof_ends_with_the_browser_when_nothing_is_saved(client, article, submit):
    """Proved without saving the details: the proof is a session cookie, yet still proves
    this browser's comments until then (the box, never ticked, is not unticked)."""
    assert proven_after_posting(client, article, submit) == ""
    for text in ("Next", "And the one after"):
        submit(form_data(article, comment=text, email="pat@example.com"))
        assert last_comment_key() == author_key_for(verified_email="pat@example.com")


def test_unticking_save_ends_the_proof(client, article, submit):
    """A post with the ticked "save" box unticked is still theirs, and ends the proof: the
    next person at this computer typing the same address posts as nobody known."""
    proven_after_posting(client, article, submit, remember="on")
    answer = submit(form_data(article, comment="Last one here", email="pat@example.com"))
    assert last_comment_key() == author_key_for(verified_email="pat@example.com")
    assert answer.cookies["parley_verified"].value == ""
    submit(form_data(article, comment="Next user", email="pat@example.com", remember="on"))
    assert last_comment_key() == ""


def test_saving_another_address_ends_the_proof(client, article, submit):
    """Details saved under another address end the old address's proof."""
    proven_after_posting(client, article, submit, remember="on")
    other = form_data(article, comment="Other me", email="sam@example.com", remember="on")
    assert submit(other).cookies["parley_verified"].value == ""
    submit(form_data(article, comment="Back as Pat", email="pat@example.com", remember="on"))
    assert last_comment_key() == ""


def test_saving_the_same_address_keeps_the_proof(client, article, submit):
    """Posting again with the same saved details keeps the proof, without renewing it."""
    proven_after_posting(client, article, submit, remember="on")
    answer = submit(form_data(article, comment="Again", email="pat@example.com", remember="on"))
    assert "parley_verified" not in answer.cookies
    submit(form_data(article, comment="And again", email="pat@example.com", remember="on"))
    assert last_comment_key() == author_key_for(verified_email="pat@example.com")


def test_a_proof_older_than_a_month_proves_nothing(client, article, submit):
    """A validly signed proof from 31 days ago is ignored, whatever the browser kept."""
    old = signing.get_cookie_signer(salt="parley_verifiedparley.parley_verified")
    old.timestamp = lambda: signing.b62_encode(int(time.time()) - 31 * 24 * 3600)
    client.cookies["parley_verified"] = old.sign('["pat@example.com"]')
    submit(form_data(article, comment="Stale", email="pat@example.com"))
    assert last_comment_key() == ""
