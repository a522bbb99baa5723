"""A button pressed twice (a double click, a POST resent after a slow answer) is answered
with one note about what was done, not one per press: the second's note takes the place of
the first's while neither has been shown."""

import html
import re

import pytest
from django.urls import reverse

from articles.models import ArticleUpdate
from articles.services import update_publish, update_text_digest

pytestmark = pytest.mark.django_db


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


def notes(page: str) -> list[str]:
    """The messages a page shows, at its top or inside an update."""
    found = re.findall(r'<p class="message message-\w+"[^>]*>(.*?)</p>', page, re.S)
    return [html.unescape(text) for text in found]


def twice(client, url: str, data: dict | None = None) -> list[str]:
    """POST the same form twice, then the notes of the page the second lands on."""
    client.post(url, data or {})
    return notes(client.post(url, data or {}, follow=True).content.decode())


def test_publishing_an_update_twice_says_one_thing(author_client, author, make_article):
    article = make_article(title="Ada's piece", authors=[author])
    page = author_client.get(article.get_absolute_url()).content.decode()
    token = re.search(r'name="submission" value="([0-9a-f-]{36})"', page).group(1)
    url = reverse("articles:update_new", args=[article.slug])
    said = twice(author_client, url, {"body": "The figures are in.", "submission": token})
    assert said == ["This update was already published: it was not posted again."]
    assert ArticleUpdate.objects.count() == 1


def test_publishing_a_correction_twice_says_one_thing(author_client, author, make_article):
    article = make_article(title="Ada's piece", authors=[author])
    update = update_publish(article=article, author=author, body="It is £3bn.")
    url = reverse("articles:update_edit", args=[article.slug, update.pk])
    data = {"body": "It is £2bn.", "loaded": update_text_digest(update.body)}
    said = twice(author_client, url, data)
    assert said == ["The update already reads as you typed it: it was saved once, not twice."]


def test_withdrawing_twice_says_one_thing(author_client, author, make_article):
    article = make_article(title="Ada's piece", authors=[author])
    update = update_publish(article=article, author=author, body="It is £3bn.")
    said = twice(author_client, reverse("articles:update_withdraw", args=[article.slug, update.pk]))
    assert len(said) == 1 and said[0].startswith("That update was already withdrawn on")


@pytest.mark.parametrize("name", ["author_publish", "author_comments"])
def test_a_dashboard_button_pressed_twice_says_one_thing(author_client, author, make_article, name):
    draft = make_article(title="Coming soon", publish=False, authors=[author])
    said = twice(author_client, reverse(f"articles:{name}", args=[draft.pk]), {"action": "close"})
    assert len(said) == 1, said


def test_notes_about_other_articles_are_kept(author_client, author, make_article):
    """Only a note about the same article gives way: two articles published in a row are
    both said."""
    first = make_article(title="First", publish=False, authors=[author])
    second = make_article(title="Second", publish=False, authors=[author])
    author_client.post(reverse("articles:author_publish", args=[first.pk]))
    response = author_client.post(reverse("articles:author_publish", args=[second.pk]), follow=True)
    assert notes(response.content.decode()) == ["“First” is published.", "“Second” is published."]
