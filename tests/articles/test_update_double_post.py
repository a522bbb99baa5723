"""Posting an update twice from one form (a double click on "Publish update", a POST resent
after a slow answer or by Back): one update, one email to its followers; the second answer
lands on the update the first one posted."""

import re
import uuid

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from articles.models import ArticleUpdate
from core.roles import AUTHORS_GROUP
from readers.models import Follow
from tests.support import posted_twice_at_once


@pytest.fixture
def followed(make_article, author):
    article = make_article(title="Ada's piece", authors=[author])
    Follow.objects.create(
        article=article, email="fan@example.com", confirmed_at="2026-11-01T00:00Z"
    )
    return article


def drawn_form(client, article, body: str) -> dict:
    """What the update form on the article page sends, as the author's browser has it."""
    html = client.get(article.get_absolute_url()).content.decode()
    match = re.search(r'name="submission" value="([0-9a-f-]{36})"', html)
    return {"body": body} | ({"submission": match.group(1)} if match else {})


@pytest.mark.django_db
def test_the_same_form_sent_twice_posts_one_update_and_one_email(
    client, author, followed, django_capture_on_commit_callbacks
):
    client.force_login(author)
    data = drawn_form(client, followed, "The figures are in.")
    url = reverse("articles:update_new", args=[followed.slug])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, data)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url, data)
    update = ArticleUpdate.objects.get()
    assert first.status_code == second.status_code == 302
    landing = f"{followed.get_absolute_url()}#update-{update.pk}"
    assert first["Location"] == second["Location"] == landing
    assert [m.to for m in mail.outbox] == [["fan@example.com"]]
    html = client.get(second["Location"]).content.decode()
    assert "This update was already published: it was not posted again." in html


@pytest.mark.django_db
def test_each_page_drawn_gets_its_own_token_so_a_second_update_posts(client, author, followed):
    client.force_login(author)
    url = reverse("articles:update_new", args=[followed.slug])
    for body in ("First.", "Second."):
        client.post(url, drawn_form(client, followed, body))
    assert sorted(ArticleUpdate.objects.values_list("body", flat=True)) == ["First.", "Second."]


@pytest.mark.django_db
def test_a_form_gone_back_to_and_changed_posts_its_new_text(client, author, followed):
    """Back, a new text in the same form, Publish: a second update, not the typed text lost."""
    client.force_login(author)
    data = drawn_form(client, followed, "First.")
    url = reverse("articles:update_new", args=[followed.slug])
    client.post(url, data)
    response = client.post(url, data | {"body": "First, and more."})
    later = ArticleUpdate.objects.get(body="First, and more.")
    assert response["Location"].endswith(f"#update-{later.pk}")
    assert ArticleUpdate.objects.count() == 2


@pytest.mark.django_db
def test_a_token_that_is_not_one_is_a_400_with_the_text_kept(client, author, followed):
    client.force_login(author)
    url = reverse("articles:update_new", args=[followed.slug])
    response = client.post(url, {"body": "Kept words.", "submission": "not-a-token"})
    assert response.status_code == 400
    assert "Kept words." in response.content.decode()
    assert not ArticleUpdate.objects.exists()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_posts_at_once_on_postgresql_post_one_update_and_one_email(make_user, make_article):
    """The second POST reaches the insert while the first's is not committed: it waits on
    the unique token, then answers with the first's update and queues no email."""
    author = make_user("ada", groups=[AUTHORS_GROUP])
    article = make_article(title="Ada's piece", authors=[author])
    Follow.objects.create(
        article=article, email="fan@example.com", confirmed_at="2026-11-01T00:00Z"
    )
    data = {"body": "The figures.", "submission": str(uuid.uuid4())}
    url = reverse("articles:update_new", args=[article.slug])
    browser = Client()
    browser.force_login(author)
    first, second = posted_twice_at_once(browser, url, data)
    update = ArticleUpdate.objects.get()
    landing = f"{article.get_absolute_url()}#update-{update.pk}"
    assert first["Location"] == second["Location"] == landing
    assert [m.to for m in mail.outbox] == [["fan@example.com"]]
