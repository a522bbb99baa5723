"""A guest ticking "Notify me of follow-up comments" is told, beside the box, that a link to
confirm their address comes first and must be opened: replies are emailed only to an
address confirmed that way (tests/readers/test_follow_and_notify.py), and nothing said so."""

import re

import pytest
from allauth.account.models import EmailAddress

pytestmark = pytest.mark.django_db

SAID = "Before the first email, we send you a link to confirm your address"


def followup_field(html: str) -> str:
    return re.search(r'<p class="field comment-form-followup.*?</p>', html, re.S).group(0)


def test_the_guest_form_says_the_address_is_confirmed_first(client, article):
    """The box is described by the sentence (aria-describedby), which a screen reader reads
    with it."""
    field = followup_field(client.get(article.get_absolute_url()).content.decode())
    assert SAID in field
    help_id = re.search(r'<small class="help" id="([^"]+)"', field).group(1)
    checkbox = re.search(r'<input type="checkbox" name="followup"[^>]*>', field).group(0)
    assert f'aria-describedby="{help_id}"' in checkbox


def test_an_account_with_a_confirmed_address_is_not_told(client, article, make_user):
    """Signed in with a verified address, replies go there: nothing to confirm, no sentence."""
    user = make_user(username="verified", email="v@example.com")
    EmailAddress.objects.create(user=user, email="v@example.com", verified=True, primary=True)
    client.force_login(user)
    field = followup_field(client.get(article.get_absolute_url()).content.decode())
    assert SAID not in field
