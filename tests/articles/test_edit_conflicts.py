"""Two authors editing one article: a save made from an older version is refused, not
silently written over the other's."""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article
from core.roles import AUTHORS_GROUP

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(make_article, make_user):
    """An article written by alice and bob, each signed in on their own browser."""
    alice = make_user("alice", groups=[AUTHORS_GROUP])
    bob = make_user("bob", groups=[AUTHORS_GROUP])
    article = make_article(title="Shared piece", publish=False, authors=[alice, bob])
    browsers = {}
    for user in (alice, bob):
        browsers[user.username] = Client()
        browsers[user.username].force_login(user)
    return article, browsers


def edit_url(article: Article) -> str:
    return reverse("articles:author_edit", args=[article.pk])


def form_from(page: str, **typed) -> dict:
    """What the page's article form sends back: its version as loaded, and the text typed."""
    loaded_at = re.search(r'name="loaded_at" value="([^"]+)"', page)
    assert loaded_at, "the form carries the version it was loaded at"
    return {
        "title": "Shared piece",
        "standfirst": "",
        "body": "Text.",
        "comments_open": "on",
        "comments_close_after_days": "",
        "loaded_at": html.unescape(loaded_at.group(1)),
    } | typed


def test_the_older_save_is_refused_and_keeps_what_was_typed(shared):
    """Bob saves first; alice's save from the page she opened before is a 409 that says when
    bob saved, shows his version, keeps her text, and goes through when she saves again."""
    article, browsers = shared
    alice_page = browsers["alice"].get(edit_url(article)).content.decode()
    bob_page = browsers["bob"].get(edit_url(article)).content.decode()
    bob_saves = browsers["bob"].post(edit_url(article), form_from(bob_page, body="Bob's fix."))
    assert bob_saves.status_code == 302

    response = browsers["alice"].post(
        edit_url(article), form_from(alice_page, body="Alice's long paragraph.")
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this article on" in page
    assert "so your changes were not saved" in page.replace("\n", " ")
    assert "Alice&#x27;s long paragraph.</textarea>" in page
    assert "Bob&#x27;s fix.</pre>" in page  # their version, to compare
    assert Article.objects.get(pk=article.pk).body == "Bob's fix."

    again = browsers["alice"].post(edit_url(article), form_from(page, body="Alice, merged."))
    assert again.status_code == 302
    assert Article.objects.get(pk=article.pk).body == "Alice, merged."


def test_a_change_made_elsewhere_meanwhile_also_refuses_the_save(shared):
    """Closing the comments from the dashboard is a save too: the older form may not reopen
    them behind bob's back."""
    article, browsers = shared
    alice_page = browsers["alice"].get(edit_url(article)).content.decode()
    browsers["bob"].post(
        reverse("articles:author_comments", args=[article.pk]), {"action": "close"}
    )
    response = browsers["alice"].post(edit_url(article), form_from(alice_page))
    assert response.status_code == 409
    assert Article.objects.get(pk=article.pk).comments_open is False


def test_saving_twice_in_a_row_from_fresh_pages_is_fine(shared):
    """No conflict without a second writer: each save starts from the page it returns to."""
    article, browsers = shared
    for body in ("One.", "Two."):
        page = browsers["alice"].get(edit_url(article)).content.decode()
        response = browsers["alice"].post(edit_url(article), form_from(page, body=body))
        assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).body == "Two."


@pytest.mark.parametrize(("button", "said"), [("save", "saved."), ("publish", "is published.")])
def test_the_same_form_sent_twice_is_no_conflict(shared, button, said):
    """A double click (or a resent POST) sends the version loaded twice: the second finds
    the article saved since, by the first, exactly as it would leave it. That is no one
    else's save to protect: no 409 saying so, and the text stays as typed."""
    article, browsers = shared
    page = browsers["alice"].get(edit_url(article)).content.decode()
    data = form_from(page, body="Alice's text.") | {button: "1"}
    first = browsers["alice"].post(edit_url(article), data)
    second = browsers["alice"].post(edit_url(article), data, follow=True)
    assert first.status_code == 302
    assert second.redirect_chain and second.redirect_chain[0][1] == 302, "refused"
    text = second.content.decode()
    assert f"“Shared piece” {said}" in text and "Someone else saved" not in text
    article.refresh_from_db()
    assert article.body == "Alice's text."
