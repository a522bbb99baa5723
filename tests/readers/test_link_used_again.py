"""An emailed confirmation link proves its address to the browser that used it to
confirm, and to no browser that uses it again (forwarded, or left in a shared history)."""

import pytest
from django.core import mail
from django.test import Client

from comments.models import Comment
from core.keys import author_key_for
from tests.conftest import form_data
from tests.readers.test_follow_and_notify import follow_as_guest, link_in

pytestmark = pytest.mark.django_db


def posted_as_known_author(browser, article, submit, text, email) -> bool:
    submit(form_data(article, comment=text, email=email), using=browser)
    comment = Comment.objects.get(comment=text)
    return comment.author_key == author_key_for(verified_email=email)


def test_a_follow_link_used_again_proves_nothing_to_that_browser(
    client, article, submit, run_commits
):
    """The owner's press confirms the follow and proves the address to their browser; the
    same link pressed in another browser afterwards leaves that one a stranger."""
    follow_as_guest(client, article, "fan@example.com", run_commits)
    link = link_in(mail.outbox[0], "follow/confirm")
    assert client.post(link).status_code == 302
    assert posted_as_known_author(client, article, submit, "Owner", "fan@example.com")

    other = Client()
    assert other.post(link).status_code == 302
    assert "parley_verified" not in other.cookies
    assert not posted_as_known_author(other, article, submit, "Impostor", "fan@example.com")


def test_a_reply_link_used_again_proves_nothing_to_that_browser(client, article, submit):
    """As for follows: the reply confirmation's first press proves the address and the
    comment it names; pressed again elsewhere it proves nothing to that browser."""
    submit(form_data(article, comment="Tell me", email="pat@example.com", followup="on"))
    link = link_in(mail.outbox[0], "replies/confirm")
    assert client.post(link).status_code == 302
    assert "parley_verified" in client.cookies

    other = Client()
    assert other.post(link).status_code == 302
    assert "parley_verified" not in other.cookies
    assert not posted_as_known_author(other, article, submit, "Impostor", "pat@example.com")
