"""An emailed confirmation link opened again once it is done says what is the case, instead
of asking again for it."""

import pytest
from django.test import Client
from django.urls import reverse

from readers.models import Follow
from readers.tokens import token_make

pytestmark = pytest.mark.django_db


def test_a_follow_link_opened_again_says_the_article_is_followed(article):
    follow = Follow.objects.create(article=article, email="fan@example.org")
    link = reverse("readers:follow_confirm", args=[token_make("follow_confirm", follow=follow.pk)])
    first = Client()
    assert "Press the button" in first.get(link).content.decode()
    first.post(link)
    again = Client().get(link).content.decode()  # from the email, days later
    assert "You are following this article" in again and "Press the button" not in again
