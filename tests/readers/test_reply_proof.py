"""Reply emails go to a guest's address only for comments its owner is proven to have
written: anyone may type anyone's address into the form."""

import pytest
from django.core import mail
from django.test import Client

from comments.models import Comment
from readers.models import ConfirmedAddress
from readers.tokens import token_make
from tests.conftest import form_data

from .test_follow_and_notify import link_in

pytestmark = pytest.mark.django_db

OWNER = "owner@example.com"


def _confirmed_owner(article, submit) -> Comment:
    """The address's owner posts, asks for replies, and confirms from the email, in a
    browser of their own: the address is confirmed for replies."""
    owner = Client()
    submit(
        form_data(article, comment="The owner's own words", email=OWNER, followup="on"),
        using=owner,
    )
    (confirmation,) = mail.outbox
    owner.post(link_in(confirmation, "replies/confirm"))
    mail.outbox.clear()
    assert ConfirmedAddress.objects.filter(email=OWNER).exists()
    return Comment.objects.get(comment="The owner's own words")


def _reply(article, submit, parent: Comment, text: str) -> None:
    submit(
        form_data(article, comment=text, name="Replier", reply_to=str(parent.pk)), using=Client()
    )


def test_a_stranger_typing_a_confirmed_address_gets_its_owner_no_reply_emails(article, submit):
    """Someone else types the owner's confirmed address and ticks "Notify me": the owner
    is asked about that comment (the email names its article and says to ignore it if it
    was not them), and replies to it mail nobody until the owner confirms it."""
    own = _confirmed_owner(article, submit)
    submit(
        form_data(article, comment="Words the owner never wrote", email=OWNER, followup="on"),
        using=Client(),
    )
    impostor = Comment.objects.get(comment="Words the owner never wrote")
    (asked,) = mail.outbox
    assert asked.to == [OWNER] and "Confirm" in asked.subject
    assert article.title in asked.body and "If it was not you" in asked.body
    mail.outbox.clear()

    _reply(article, submit, impostor, "An answer to the impostor")
    assert mail.outbox == []
    # The owner's own comment still hears of its replies.
    _reply(article, submit, own, "An answer to the owner")
    assert [m.to for m in mail.outbox] == [[OWNER]]
    assert "An answer to the owner" in mail.outbox[0].body


def test_confirming_the_named_comment_from_another_browser_starts_its_reply_emails(article, submit):
    """The owner opens the confirmation on another device (no cookie of the posting
    browser's): the link names the comment, so that comment's replies now mail them."""
    _confirmed_owner(article, submit)
    submit(
        form_data(article, comment="Posted from the office", email=OWNER, followup="on"),
        using=Client(),
    )
    posted = Comment.objects.get(comment="Posted from the office")
    (asked,) = mail.outbox
    phone = Client()
    link = link_in(asked, "replies/confirm")
    assert "Press the button" in phone.get(link).content.decode()
    response = phone.post(link)
    done = phone.get(response["Location"]).content.decode()
    assert "Address confirmed" in done
    mail.outbox.clear()
    _reply(article, submit, posted, "An answer after confirming")
    assert [m.to for m in mail.outbox] == [[OWNER]]


def test_a_browser_that_proved_the_address_is_not_asked_again(article, submit):
    """The browser that followed the owner's link posts again with "Notify me": no new
    confirmation, and replies mail the owner at once."""
    owner = Client()
    submit(form_data(article, comment="First", email=OWNER, followup="on"), using=owner)
    owner.post(link_in(mail.outbox[0], "replies/confirm"))
    mail.outbox.clear()
    submit(form_data(article, comment="Second", email=OWNER, followup="on"), using=owner)
    assert mail.outbox == []
    _reply(article, submit, Comment.objects.get(comment="Second"), "An answer to the second")
    assert [m.to for m in mail.outbox] == [[OWNER]]


def test_a_link_sent_before_links_named_their_comment_still_confirms_the_address(
    client, article, post
):
    """Links mailed before this change carry the address alone: they confirm it, and the
    page after says so (it is not sent back to the button)."""
    link = f"/replies/confirm/{token_make('reply_confirm', email=OWNER)}/"
    response = client.post(link)
    assert "Address confirmed" in client.get(response["Location"]).content.decode()
    assert ConfirmedAddress.objects.filter(email=OWNER).exists()
