"""What a comment's commit sets off runs once its answer is sent (core.after_response)."""

import io
import logging
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.utils.crypto import get_random_string

from comments.models import Comment
from comments.signals import comment_submitted
from core.after_response import commit_hooks_after_response, on_commit_before_answer
from tests.conftest import form_data

pytestmark = pytest.mark.django_db(transaction=True)


def test_callbacks_wait_for_the_response_to_close_and_keep_their_order():
    ran = []
    with commit_hooks_after_response() as later:
        with transaction.atomic():
            transaction.on_commit(lambda: ran.append("first"))
            transaction.on_commit(lambda: ran.append("second"), robust=True)
        assert ran == []  # committed, but not run at the commit
        response = later.attach(HttpResponse("answer"))
    assert ran == []
    response.close()
    assert ran == ["first", "second"]


def test_callbacks_run_as_the_block_ends_when_it_raises_or_no_response_takes_them():
    ran = []
    with pytest.raises(RuntimeError), commit_hooks_after_response():
        with transaction.atomic():
            transaction.on_commit(lambda: ran.append("raised"))
        raise RuntimeError("after the commit")
    with commit_hooks_after_response(), transaction.atomic():
        transaction.on_commit(lambda: ran.append("not taken"))
    assert ran == ["raised", "not taken"]


def test_a_rolled_back_transaction_sets_nothing_off():
    ran = []
    with commit_hooks_after_response() as later:
        with pytest.raises(ValueError), transaction.atomic():
            transaction.on_commit(lambda: ran.append("rolled back"))
            raise ValueError
        response = later.attach(HttpResponse())
    response.close()
    assert ran == []


def test_a_failing_callback_is_logged_and_the_rest_still_run(caplog):
    ran = []

    def failing():
        raise OSError("mail server away")

    with commit_hooks_after_response() as later:
        with transaction.atomic():
            transaction.on_commit(failing, robust=True)
            transaction.on_commit(lambda: ran.append("after"), robust=True)
        response = later.attach(HttpResponse())
    with caplog.at_level(logging.ERROR, logger="core.after_response"):
        response.close()
    assert ran == ["after"]
    assert "A callback set off by a commit failed" in caplog.text


def test_outside_the_block_commits_run_their_callbacks_as_ever():
    ran = []
    with transaction.atomic():
        transaction.on_commit(lambda: ran.append("at commit"))
    assert ran == ["at commit"]


def _wsgi_post(article, text: str):
    """POST the form through Django's WSGI handler as gunicorn does; return the answer (its
    bytes read, not yet closed) and its status line."""
    token = get_random_string(32)  # the CSRF secret a browser would hold as its cookie
    data = form_data(article, comment=text, name="Ada")
    body = urlencode({**data, "csrfmiddlewaretoken": token}).encode()
    environ = {
        "HTTP_COOKIE": f"{settings.CSRF_COOKIE_NAME}={token}",
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/comments/post/",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
    }
    statuses = []
    answer = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
    b"".join(answer)
    return answer, statuses[0]


def test_a_posted_comment_is_stored_and_answered_before_its_commit_sets_anything_off(article):
    """The 302 is built and its bytes read while the comment_submitted signal (scoring,
    webhooks, emails) has not been sent; the server's close() sends it."""
    heard = []

    def receiver(comment_id, **kwargs):
        heard.append(comment_id)

    comment_submitted.connect(receiver)
    try:
        answer, status = _wsgi_post(article, "Heard after the answer")
        stored = Comment.objects.get(comment="Heard after the answer")
        assert status == "302 Found"
        assert heard == []
        answer.close()
        assert heard == [stored.pk]
    finally:
        comment_submitted.disconnect(receiver)


def test_a_post_drops_the_shared_page_before_its_answer(article, settings):
    """A reader loading the page right after the poster's 302 (before the server closed it)
    is never served the stored page without the comment."""
    settings.PARLEY_PAGE_CACHE_SECONDS = 60
    reader = Client()
    assert "Seen by the next reader" not in reader.get(article.get_absolute_url()).text
    assert reader.get(article.get_absolute_url()).headers["X-Parley-Cache"] == "hit"
    answer, _status = _wsgi_post(article, "Seen by the next reader")
    try:
        assert "Seen by the next reader" in reader.get(article.get_absolute_url()).text
    finally:
        answer.close()


def test_a_callback_registered_outside_a_transaction_waits_too():
    ran = []
    with commit_hooks_after_response() as later:
        transaction.on_commit(lambda: ran.append("autocommit"))
        assert ran == []
        response = later.attach(HttpResponse())
    response.close()
    assert ran == ["autocommit"]


def test_what_the_next_request_must_see_is_done_at_the_commit():
    ran = []
    with commit_hooks_after_response() as later:
        with transaction.atomic():
            transaction.on_commit(lambda: ran.append("later"))
            on_commit_before_answer(lambda: ran.append("page dropped"))
        on_commit_before_answer(lambda: ran.append("outside a transaction"))
        assert ran == ["page dropped", "outside a transaction"]
        response = later.attach(HttpResponse())
    response.close()
    assert ran == ["page dropped", "outside a transaction", "later"]


def test_a_block_inside_another_leaves_the_outer_one_in_place():
    ran = []
    with commit_hooks_after_response() as outer:
        with commit_hooks_after_response() as inner:
            with transaction.atomic():
                transaction.on_commit(lambda: ran.append("inner"))
            inner_answer = inner.attach(HttpResponse())
        with transaction.atomic():
            transaction.on_commit(lambda: ran.append("outer"))
        outer_answer = outer.attach(HttpResponse())
    assert ran == []
    inner_answer.close()
    outer_answer.close()
    assert ran == ["inner", "outer"]
    with transaction.atomic():
        transaction.on_commit(lambda: ran.append("after both"))
    assert ran == ["inner", "outer", "after both"]
