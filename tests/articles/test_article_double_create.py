"""Saving a new article twice from one form (a double click on Save, a POST resent after a
slow answer or by Back): one draft; the second answer lands on the draft the first made."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article
from core.roles import AUTHORS_GROUP
from tests.support import posted_twice_at_once

NEW = reverse("articles:author_new")


def drawn_form(client, **fields) -> dict:
    """What the new-article form sends, as the author's browser has it."""
    html = client.get(NEW).content.decode()
    match = re.search(r'name="submission" value="([0-9a-f-]{36})"', html)
    data = {"title": "Ada's piece", "body": "The text.", "comments_open": "on"} | fields
    return data | ({"submission": match.group(1)} if match else {})


@pytest.mark.django_db
def test_the_same_form_saved_twice_makes_one_draft(client, author):
    client.force_login(author)
    data = drawn_form(client)
    first = client.post(NEW, data)
    second = client.post(NEW, data, follow=True)
    article = Article.objects.get()
    edit = reverse("articles:author_edit", args=[article.pk])
    assert first["Location"] == edit and second.redirect_chain == [(edit, 302)]
    html = second.content.decode()
    assert "“Ada&#x27;s piece” was already saved as a draft: it was not saved again." in html


@pytest.mark.django_db
def test_a_form_gone_back_to_and_changed_makes_a_draft_of_its_text(client, author):
    """Back, a changed text in the same form, Save: that text is kept, as a second draft."""
    client.force_login(author)
    data = drawn_form(client)
    client.post(NEW, data)
    client.post(NEW, data | {"body": "The text, rewritten."})
    assert sorted(Article.objects.values_list("body", flat=True)) == [
        "The text, rewritten.",
        "The text.",
    ]


@pytest.mark.django_db
def test_each_page_drawn_gets_its_own_token_so_a_second_article_is_made(client, author):
    client.force_login(author)
    for _ in range(2):
        client.post(NEW, drawn_form(client))
    assert Article.objects.count() == 2


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_on_postgresql_make_one_draft(make_user):
    """The second POST reaches the insert while the first's is not committed: it waits on
    it, then answers with the first's draft."""
    author = make_user("ada", groups=[AUTHORS_GROUP])
    browser = Client()
    browser.force_login(author)
    data = drawn_form(browser)
    first, second = posted_twice_at_once(browser, NEW, data)
    article = Article.objects.get()
    edit = reverse("articles:author_edit", args=[article.pk])
    assert first["Location"] == second["Location"] == edit
