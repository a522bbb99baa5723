"""Past allauth's confirmation-email limit the reader is told nothing was sent."""

import pytest
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db

SIGNUP = {"password1": "x-long-pass-phrase", "password2": "x-long-pass-phrase"}


def signed_up(username: str, email: str) -> tuple[Client, str]:
    """A new account's browser, and the page its signup lands on."""
    client = Client()
    page = client.post(
        "/accounts/signup/", {"username": username, "email": email, **SIGNUP}, follow=True
    ).content.decode()
    return client, page


def resent(client: Client, email: str) -> str:
    """The account page after pressing "Re-send verification" for `email`."""
    answer = client.post("/accounts/email/", {"email": email, "action_send": ""}, follow=True)
    return answer.content.decode()


def test_a_resend_held_back_by_the_limit_says_nothing_was_sent_and_when_to_retry():
    """A second "send again" within three minutes: no email, and the page says so."""
    client, _ = signed_up("resender", "resender@example.com")
    assert len(mail.outbox) == 1
    page = resent(client, "resender@example.com")
    assert len(mail.outbox) == 1
    assert "No confirmation email was sent to resender@example.com this time" in page
    assert "try again in 3\xa0minutes" in page
    assert "Confirmation email sent" not in page


def test_a_signup_past_the_hourly_limit_says_nothing_was_sent(settings):
    """The sixth account claiming an address in an hour is told no email went to it."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "confirm_email": "5/h/key"}
    for n in range(5):
        signed_up(f"claimer{n}", "claimed@example.com")
    _, page = signed_up("claimer5", "claimed@example.com")
    assert len(mail.outbox) == 5
    assert "No confirmation email was sent to claimed@example.com this time" in page
    assert "try again in 59\xa0minutes" in page or "try again in 1\xa0hour" in page


def test_a_resend_within_the_limit_still_says_it_was_sent(settings):
    """Under the limit, the resend goes and the page says so, without the refusal."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "confirm_email": "5/h/key"}
    client, _ = signed_up("resender", "resender@example.com")
    page = resent(client, "resender@example.com")
    assert len(mail.outbox) == 2
    assert "Confirmation email sent to resender@example.com" in page
    assert "No confirmation email was sent" not in page
