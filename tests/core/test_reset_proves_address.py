"""Setting a new password through an emailed reset link proves the address it went to."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from core.reset_tokens import reset_address_digest
from tests.readers.test_follow_and_notify import link_in

pytestmark = pytest.mark.django_db
NEW = "a-brand-new-passphrase"


def reset_through(client, link: str):
    landing = client.get(link)
    assert landing.status_code == 302, landing.content
    return client.post(landing["Location"], {"password1": NEW, "password2": NEW})


@pytest.fixture
def reader(make_user):
    user = make_user("forgetful", email="main@example.com")
    EmailAddress.objects.create(user=user, email="main@example.com", primary=True)
    EmailAddress.objects.create(user=user, email="other@example.com")
    return user


def test_the_reset_link_verifies_the_address_it_was_mailed_to(client, reader):
    """A reset asked for by one of the account's addresses, done through its link,
    leaves that address verified and the account's other address as it was."""
    client.post("/accounts/password/reset/", {"email": "other@example.com"})
    (message,) = mail.outbox
    assert message.to == ["other@example.com"]
    done = reset_through(client, link_in(message, "accounts/password/reset/key"))
    assert done.status_code == 302
    reader.refresh_from_db()
    assert reader.check_password(NEW)
    verified = dict(EmailAddress.objects.filter(user=reader).values_list("email", "verified"))
    assert verified == {"main@example.com": False, "other@example.com": True}


def test_a_link_whose_address_part_is_altered_proves_nothing(client, reader):
    """The address part of a link cannot be made up: a link whose part was changed still
    sets the new password (its key is good), and verifies no address."""
    client.post("/accounts/password/reset/", {"email": "other@example.com"})
    link = link_in(mail.outbox[0], "accounts/password/reset/key")
    digest = reset_address_digest(reader, "other@example.com")
    forged = link.replace(digest, reset_address_digest(reader, "main@example.com")[:-4] + "0000")
    assert forged != link
    reset_through(client, forged)
    reader.refresh_from_db()
    assert reader.check_password(NEW)
    assert not EmailAddress.objects.filter(user=reader, verified=True).exists()


def test_a_link_mailed_before_links_named_an_address_still_resets(client, reader):
    """A key without the address part (mailed before this change) still sets a new
    password, and verifies nothing."""
    client.post("/accounts/password/reset/", {"email": "main@example.com"})
    link = link_in(mail.outbox[0], "accounts/password/reset/key")
    digest = reset_address_digest(reader, "main@example.com")
    reset_through(client, link.replace(f"-{digest}/", "/"))
    reader.refresh_from_db()
    assert reader.check_password(NEW)
    assert not EmailAddress.objects.filter(user=reader, verified=True).exists()
