"""A session that ends while an author writes: the POST is not done, they are told so, and
after logging in the form comes back with what they wrote, on the page the form was on."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from articles.models import Article, ArticleUpdate
from comments.models import CommentStatus
from moderation.models import Ban
from tests.conftest import TEN_YEARS

pytestmark = pytest.mark.django_db

BODY = "## A long afternoon's work\n\nThree paragraphs the author would hate to write twice."


def next_of(response) -> str:
    """Where the login the response sends to brings its reader back."""
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login")
    return parse_qs(location.query)["next"][0]


def signed_out_post(client, url, data, *, referer):
    """`data` posted to `url` by a browser whose session has ended, from the page `referer`."""
    client.logout()
    return client.post(url, data, HTTP_REFERER=f"http://testserver{referer}")


def log_in(client, user, next_url):
    response = client.post(
        reverse("account_login"),
        {"login": user.username, "password": "a-long-passphrase", "next": next_url},
    )
    assert response.status_code == 302 and response["Location"] == next_url
    return client.get(next_url)


def warning_given(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_an_article_edited_after_the_session_ended_comes_back_after_login(
    client, author, make_article
):
    article = make_article(title="Before", authors=[author])
    edit_url = reverse("articles:author_edit", args=[article.pk])
    client.force_login(author)
    loaded_at = client.get(edit_url).context["form"].initial["loaded_at"]
    form = {"title": "After", "standfirst": "", "body": BODY, "loaded_at": loaded_at}

    response = signed_out_post(client, edit_url, form, referer=edit_url)
    assert next_of(response) == edit_url
    assert "nothing was saved" in warning_given(response)
    article.refresh_from_db()
    assert (article.title, article.body) == ("Before", "## Heading\n\nText.")

    page = log_in(client, author, edit_url)
    assert page.context["form"]["body"].value() == BODY
    assert page.context["form"]["title"].value() == "After"
    assert "back in the form. It is not saved yet." in page.content.decode()
    # Saved from there, it is the article; and taken once, it does not come back again.
    again = client.get(edit_url)
    assert again.context["form"]["title"].value() == "Before"


def test_a_new_article_written_after_the_session_ended_comes_back_after_login(client, author):
    new_url = reverse("articles:author_new")
    client.force_login(author)
    form = {"title": "Unsaved", "standfirst": "", "body": BODY}
    response = signed_out_post(client, new_url, form, referer=new_url)
    assert not Article.objects.filter(title="Unsaved").exists()
    page = log_in(client, author, next_of(response))
    assert page.context["form"]["body"].value() == BODY


def test_an_update_posted_after_the_session_ended_is_back_on_the_article(
    client, author, make_article
):
    article = make_article(authors=[author])
    page_url = article.get_absolute_url()
    update_url = reverse("articles:update_new", args=[article.slug])
    client.force_login(author)

    response = signed_out_post(client, update_url, {"body": "Corrected figures"}, referer=page_url)
    # Back to the article, where the form is: the address posted to answers only POST.
    assert next_of(response) == page_url
    assert not ArticleUpdate.objects.exists()

    page = log_in(client, author, page_url)
    assert page.context["update_form"]["body"].value() == "Corrected figures"
    assert "Corrected figures</textarea>" in page.content.decode()


def test_a_moderators_action_after_the_session_ended_says_it_was_not_done(
    client, moderator, article, post
):
    held = post(article, "Waiting", name="Hal", status=CommentStatus.HELD)
    queue = reverse("moderation:queue")
    client.force_login(moderator)
    response = signed_out_post(
        client, reverse("moderation:act"), {"item_action": f"approve:{held.pk}"}, referer=queue
    )
    assert next_of(response) == queue  # not the action's address, which answers no GET
    assert "that was not done" in warning_given(response)
    held.refresh_from_db()
    assert held.status == CommentStatus.HELD


def test_a_referer_from_elsewhere_is_not_followed(client, author, make_article):
    article = make_article(authors=[author])
    update_url = reverse("articles:update_new", args=[article.slug])
    client.logout()
    response = client.post(
        update_url, {"body": "x"}, HTTP_REFERER="https://elsewhere.example/articles/"
    )
    assert next_of(response) == update_url


def test_what_was_kept_is_only_given_to_its_own_form(client, author, make_article):
    first = make_article(authors=[author])
    second = make_article(authors=[author])
    first_url = reverse("articles:author_edit", args=[first.pk])
    second_url = reverse("articles:author_edit", args=[second.pk])
    client.force_login(author)
    signed_out_post(client, first_url, {"title": "Mine", "body": BODY}, referer=first_url)
    page = log_in(client, author, second_url)
    assert page.context["form"]["title"].value() == second.title
    assert client.get(first_url).context["form"]["title"].value() == "Mine"


def test_a_ban_reason_written_after_the_session_ended_comes_back_after_login(
    client, moderator, article, post
):
    comment = post(article, "Troll words", name="Tro", email="tro@example.com")
    ban_url = reverse("moderation:ban", args=[comment.pk])
    client.force_login(moderator)
    data = {"reason": "Three warnings ignored", "duration": "7", "ban_email": "on"}
    response = signed_out_post(client, ban_url, data, referer=ban_url)
    assert next_of(response) == ban_url
    assert not Ban.objects.exists()
    page = log_in(client, moderator, ban_url)
    assert page.context["form"]["reason"].value() == "Three warnings ignored"
    assert page.context["form"]["ban_email"].value() is True
    assert not Ban.objects.exists()  # shown again to be sent, not sent


def test_a_client_posting_signed_out_again_and_again_stops_writing_sessions(
    author, make_article, rate_limit
):
    """Each kept post can write a session row: a client that drops its cookies cannot write
    one per request; past the limit it is still sent to log in, told nothing was saved."""
    rate_limit("kept_post", guest=f"2/{TEN_YEARS}")
    url = reverse("articles:author_new")
    for _ in range(4):
        response = Client().post(url, {"title": "t", "body": BODY})
        assert next_of(response) == url
    assert Session.objects.count() == 2
