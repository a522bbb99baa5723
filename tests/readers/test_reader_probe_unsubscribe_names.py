"""The pages emailed links open name what their button does: a reader who follows several
articles read "Stop these emails?" or "Follow this article?" and had to guess which."""

import pytest
from django.test import Client

from readers.models import Follow
from readers.tokens import token_for_follow, token_make

pytestmark = pytest.mark.django_db


def page_text(link: str) -> str:
    response = Client().get(link)
    assert response.status_code == 200
    return response.content.decode()


def test_an_update_link_names_its_article(make_article):
    """Two followed articles: each link's page names its own article, and nothing is undone
    by opening it."""
    first = make_article(title="Grid report")
    second = make_article(title="Storage auction")
    follows = [
        Follow.objects.create(article=a, email="fan@example.com", confirmed_at="2026-11-01T00:00Z")
        for a in (first, second)
    ]
    for follow, title, other in ((follows[0], "Grid report", "Storage auction"),
                                 (follows[1], "Storage auction", "Grid report")):  # fmt: skip
        html = page_text(f"/unsubscribe/{token_for_follow('unsubscribe', follow=follow)}/")
        assert f"Stop the emails about updates to “{title}”?" in html
        assert other not in html
    assert Follow.objects.count() == 2


def test_a_replies_link_says_it_stops_reply_emails():
    """The link in a reply email stops the emails about replies."""
    html = page_text(f"/unsubscribe/{token_make('unsubscribe', replies='fan@example.com')}/")
    assert "Stop the emails about replies to your comments?" in html


def test_a_follow_confirmation_link_names_its_article(make_article):
    """The page a guest's follow confirmation link opens names the article it follows, and
    opening it confirms nothing."""
    article = make_article(title="Grid report")
    follow = Follow.objects.create(article=article, email="fan@example.com")
    html = page_text(f"/follow/confirm/{token_for_follow('follow_confirm', follow=follow)}/")
    assert "Get an email when “Grid report” has an update? Press the button to confirm." in html
    follow.refresh_from_db()
    assert follow.confirmed_at is None
