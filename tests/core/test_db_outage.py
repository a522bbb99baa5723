"""PostgreSQL cutting the web's connection while a page is read or a form is sent (a
restart, a failover, pg_terminate_backend) is never a 500: a read is run again on a fresh
connection, and what still fails is a 503 that says so, with Retry-After and what was
being sent handed back."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.faults import backend_terminate

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def cut_at(table: str, times: int):
    """An execute wrapper that terminates its own connection's backend at its first query
    on `table`, `times` times in all."""
    cuts = []

    def cut(execute, sql, params, many, context):
        if f'"{table}"' in sql and len(cuts) < times:
            cuts.append(context["connection"].connection.info.backend_pid)
            backend_terminate(cuts[-1])
        return execute(sql, params, many, context)

    cut.cuts = cuts
    return cut


def test_a_page_read_through_a_cut_connection_is_read_again(article, post, site_log):
    """The connection is cut at the article's query: the reader gets the page from a fresh
    connection, and the log says so in one line."""
    post(article, "Words worth reading")
    cut = cut_at("articles_article", times=1)
    with connection.execute_wrapper(cut):
        response = Client().get(article.get_absolute_url())
    assert cut.cuts and response.status_code == 200
    assert "Words worth reading" in response.content.decode()
    lines = [line for line in site_log.getvalue().splitlines() if " WARNING " in line]
    assert len(lines) == 1 and "tried again on a fresh connection" in lines[0], lines
    assert "terminating connection" in lines[0]


def test_a_page_whose_connection_is_cut_twice_is_a_503_saying_so(article, site_log):
    """Cut again on the fresh connection: a 503 with Retry-After that says the database
    did not answer, logged in one line per try, with no traceback and no 500."""
    cut = cut_at("articles_article", times=2)
    with connection.execute_wrapper(cut):
        response = Client().get(article.get_absolute_url())
    assert len(cut.cuts) == 2 and response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "database did not answer" in response.content.decode()
    log = site_log.getvalue()
    assert "Traceback" not in log and "Internal Server Error" not in log, log
    assert "answered 503, lost again" in log, log


def test_a_form_sent_through_a_cut_connection_is_a_503_keeping_the_text(
    client, author, article, site_log
):
    """A write is not run twice: the author is told it may not have been saved and gets
    their words back."""
    client.force_login(author)
    url = reverse("articles:update_new", args=[article.slug])
    cut = cut_at("articles_article", times=1)
    with connection.execute_wrapper(cut):
        response = client.post(url, {"body": "The minister resigned at noon."})
    html = response.content.decode()
    assert cut.cuts and response.status_code == 503 and response["Retry-After"] == "5"
    assert "may not have been saved" in html and "The minister resigned at noon." in html
    assert "answered 503" in site_log.getvalue()
