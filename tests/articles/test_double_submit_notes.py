"""A button pressed twice (a double click, a POST resent after a slow answer) is answered
with one note about what was done, not one per press: the second's note takes the place of
the first's while neither has been shown."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleUpdate
from articles.services import article_schedule, update_publish, update_text_digest

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


def in_two_days() -> str:
    """What the schedule field sends for a time two days ahead."""
    return (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")


def test_scheduling_twice_from_the_edit_page_does_not_say_the_time_moved(
    author_client, author, make_article
):
    """The second press of "Schedule" finds the article scheduled, at that very time: it is
    no reschedule, so not "now scheduled", which would say its time moved."""
    draft = make_article(title="Coming soon", publish=False, authors=[author])
    url = reverse("articles:author_edit", args=[draft.pk])
    page = author_client.get(url).content.decode()
    loaded_at = html.unescape(re.search(r'name="loaded_at" value="([^"]+)"', page).group(1))
    data = {
        "title": "Coming soon",
        "body": "Text.",
        "comments_open": "on",
        "loaded_at": loaded_at,
        "schedule": "1",
        "publish_at": in_two_days(),
    }
    [said] = twice(author_client, url, data)
    assert said.startswith("“Coming soon” is scheduled to publish on"), said


def test_scheduling_twice_from_the_dashboard_form_does_not_say_the_time_moved(
    author_client, author, make_article
):
    draft = make_article(title="Coming soon", publish=False, authors=[author])
    url = reverse("articles:author_schedule", args=[draft.pk])
    [said] = twice(author_client, url, {"publish_at": in_two_days()})
    assert said.startswith("“Coming soon” is scheduled to publish on"), said


def test_unscheduling_twice_from_the_dashboard_does_not_say_it_was_not_scheduled(
    author_client, author, make_article
):
    """The dashboard offered Unschedule because the article was scheduled: after a double
    press, the second is not to say it "was not scheduled: nothing changed"."""
    draft = make_article(title="Coming soon", publish=False, authors=[author])
    article_schedule(article=draft, when=timezone.now() + timedelta(days=2))
    dashboard = author_client.get(reverse("articles:author_dashboard")).content.decode()
    loaded_at = re.search(r'name="loaded_at" value="([^"]+)"', dashboard)
    assert loaded_at, "the Unschedule form says which version of the article it showed"
    url = reverse("articles:author_unschedule", args=[draft.pk])
    said = twice(author_client, url, {"loaded_at": html.unescape(loaded_at.group(1))})
    assert said == ["“Coming soon” is a draft again: it will not be published."]
    draft.refresh_from_db()
    assert draft.publication_state == "draft"
