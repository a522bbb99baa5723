"""What a poster reads when the database fails while their comment is being stored."""

import re

import pytest
from django.db import OperationalError, connection
from django.test import Client

from comments.models import Comment
from tests.conftest import form_data


def _heading(html: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", html, re.S).group(1).strip()


@pytest.mark.django_db(transaction=True)
def test_a_comment_that_may_be_stored_is_not_headed_as_not_posted(article):
    """When the database stops answering mid-insert, and again when Parley looks for the
    comment, nobody can tell whether it was stored: the page must not say it was not."""
    failing = {"on": False}

    def drop_from_the_insert_on(execute, sql, params, many, context):
        if 'INSERT INTO "django_comments"' in sql:
            failing["on"] = True
        if failing["on"]:
            raise OperationalError("terminating connection due to administrator command")
        return execute(sql, params, many, context)

    reader = Client()
    reader.get(article.get_absolute_url())
    with connection.execute_wrapper(drop_from_the_insert_on):
        answer = reader.post("/comments/post/", form_data(article, comment="Was it kept?"))
    html = answer.content.decode()
    assert answer.status_code == 503
    assert "we cannot tell whether it was" in html
    assert "not posted" not in _heading(html)
    assert "not posted" not in re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "Was it kept?" in html
    assert Comment.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_comment_surely_not_stored_is_still_headed_as_not_posted(article):
    """A failure before the insert, looked at again on a fresh connection, is a plain
    "not posted"."""

    def drop_every_insert(execute, sql, params, many, context):
        if 'INSERT INTO "django_comments"' in sql:
            raise OperationalError("terminating connection due to administrator command")
        return execute(sql, params, many, context)

    reader = Client()
    reader.get(article.get_absolute_url())
    with connection.execute_wrapper(drop_every_insert):
        answer = reader.post("/comments/post/", form_data(article, comment="Not kept"))
    html = answer.content.decode()
    assert answer.status_code == 503 and "Nothing was saved" in html
    assert _heading(html) == "Your comment was not posted"
