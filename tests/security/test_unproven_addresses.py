"""An email address an account typed but never proved gives it nothing: with allauth's
"strict" enumeration prevention any number of accounts may claim the same address."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from comments.models import Comment
from tests.conftest import form_data

pytestmark = pytest.mark.django_db


def test_an_unverified_account_address_is_not_put_on_its_comments(
    client, article, make_user, moderator, submit
):
    """A comment by an account whose address is unverified carries no address, so the ban
    page offers no ban of the address it typed (someone else's, perhaps)."""
    claimer = make_user("claimer", email="victim@example.com")
    EmailAddress.objects.create(user=claimer, email="victim@example.com", primary=True)
    client.force_login(claimer)
    submit(form_data(article, comment="Abuse under a borrowed address"))
    comment = Comment.objects.get()
    assert comment.user_email == ""

    client.force_login(moderator)
    page = client.get(reverse("moderation:ban", args=[comment.pk])).content.decode()
    assert "victim@example.com" not in page
    assert 'name="ban_account"' in page


def test_an_older_comment_with_an_unverified_account_address_offers_no_email_ban(
    client, article, make_user, moderator, post
):
    """A comment an account posted before only verified addresses were kept still carries
    the address it typed: the ban page does not offer to ban that address."""
    claimer = make_user("claimer", email="victim@example.com")
    comment = post(article, "From before", name="claimer", user=claimer)
    Comment.objects.filter(pk=comment.pk).update(user_email="victim@example.com")
    client.force_login(moderator)
    page = client.get(reverse("moderation:ban", args=[comment.pk])).content.decode()
    assert "victim@example.com" not in page and 'name="ban_account"' in page


def test_a_verified_account_address_is_kept_on_its_comments(client, article, make_user, submit):
    """An address the account proved is its author's, as before."""
    owner = make_user("owner", email="owner@example.com")
    EmailAddress.objects.create(user=owner, email="owner@example.com", primary=True, verified=True)
    client.force_login(owner)
    submit(form_data(article, comment="Signed and proven"))
    assert Comment.objects.get().user_email == "owner@example.com"
