"""The shared article page's forms, which carry no CSRF token: a token from /csrf/ (what
static/js/csrf.js fetches) makes them work, and without one the refusal hands the comment
back whole, in a form that has one."""

import re

import pytest
from django.db import OperationalError, connection
from django.test import Client

from comments.models import Comment
from tests.conftest import form_data
from tests.support import form_fields

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PARLEY_PAGE_CACHE_SECONDS = 60


def get(article, client=None):
    return (client or Client()).get(article.get_absolute_url())


def test_the_csrf_endpoint_gives_a_token_that_posts_from_the_shared_page(
    article, django_capture_on_commit_callbacks
):
    """/csrf/ answers a token and sets the cookie; the shared form posts with it."""
    get(article)
    reader = Client(enforce_csrf_checks=True)
    fields = form_fields(get(article, reader).content.decode())
    assert fields["csrfmiddlewaretoken"] == ""
    answer = reader.get("/csrf/")
    assert "no-store" in answer["Cache-Control"] and "csrftoken" in answer.cookies
    data = form_data(article, comment="Posted with a fetched token")
    data.update(fields, csrfmiddlewaretoken=answer.json()["token"])
    with django_capture_on_commit_callbacks(execute=True):
        assert reader.post("/comments/post/", data).status_code == 302
    assert Comment.objects.filter(comment="Posted with a fetched token").exists()


def test_a_post_without_a_token_gets_a_tokened_form_that_keeps_every_field(
    article, post, django_capture_on_commit_callbacks
):
    """No script: the post is refused, the 403 page holds a signed, tokened copy of the
    form with all that was typed, and pressing Post again stores the comment."""
    parent = post(article, "Parent words", name="Parent Pia")
    get(article)
    reader = Client(enforce_csrf_checks=True)
    fields = form_fields(get(article, reader).content.decode())
    typed = {
        "comment": "Kept <b>words</b>",
        "name": "Nora No-Script",
        "email": "nora@example.com",
        "url": "https://nora.example",
        "reply_to": str(parent.pk),
    }
    refused = reader.post("/comments/post/", form_data(article, **fields, **typed))
    html = refused.content.decode()
    assert refused.status_code == 403 and Comment.objects.count() == 1
    assert "nothing was posted" in html
    assert 'Replying to <strong id="replying-to-name">Parent Pia</strong>' in html
    kept = form_fields(html)
    assert kept["csrfmiddlewaretoken"] and kept["security_hash"] == fields["security_hash"]
    assert "Kept &lt;b&gt;words&lt;/b&gt;</textarea>" in html
    for name in ("name", "email", "url", "reply_to"):
        assert re.search(rf'name="{name}" value="{re.escape(typed[name])}"', html), name
    with django_capture_on_commit_callbacks(execute=True):
        again = reader.post("/comments/post/", {**form_data(article), **kept, **typed})
    assert again.status_code == 302
    assert Comment.objects.get(user_name="Nora No-Script").parent_id == parent.pk


@pytest.mark.django_db(transaction=True)
def test_with_the_database_failing_the_refusal_still_hands_back_the_text(article):
    """The refusal page needs no database: if it fails, the text comes back alone."""
    get(article)
    reader = Client(enforce_csrf_checks=True)
    data = form_data(article, comment="Kept through a database failure")
    data.update(form_fields(get(article, reader).content.decode()))

    def fail(execute, sql, params, many, context):
        raise OperationalError("the database went away")

    with connection.execute_wrapper(fail):
        refused = reader.post("/comments/post/", data)
    html = refused.content.decode()
    assert refused.status_code == 403 and "Kept through a database failure" in html
    assert "This form could not be accepted" in html


@pytest.mark.parametrize("cancel", [False, True])
def test_another_sites_form_gets_no_tokened_copy_of_its_words(article, cancel):
    """A page elsewhere posting to the comment form from this reader's browser (no token)
    is refused without its words in a form that has the reader's token: one click there
    would post what the other site wrote, as the reader. Sent from this site (its Origin),
    the form comes back."""
    get(article)
    fields = form_fields(get(article).content.decode())
    data = form_data(article, **fields, comment="Words another site chose")
    if cancel:
        data["cancel_reply"] = "1"
    reader = Client(enforce_csrf_checks=True)
    elsewhere = reader.post("/comments/post/", data, HTTP_ORIGIN="https://elsewhere.example")
    html = elsewhere.content.decode()
    assert elsewhere.status_code == 403
    assert "Words another site chose" not in html and 'id="commentform"' not in html
    here = reader.post("/comments/post/", data, HTTP_ORIGIN="http://testserver")
    assert "Words another site chose</textarea>" in here.content.decode()
    assert Comment.objects.count() == 0
