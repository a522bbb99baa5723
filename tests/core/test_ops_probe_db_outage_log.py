"""PostgreSQL cutting a connection while a comment is stored is logged in one line that
says so, not with the stack of every layer the error passed through."""

import io
import logging

import psycopg
import pytest
from django.db import connection
from django.test import Client

from comments.models import Comment
from tests.conftest import form_data

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site_log():
    """What the site's console handler (settings.LOGGING) writes, captured."""
    console = next(
        handler
        for handler in logging.getLogger().handlers
        if type(handler) is logging.StreamHandler and handler.filters
    )
    written = io.StringIO()
    capture = logging.StreamHandler(written)
    capture.setFormatter(console.formatter)
    for log_filter in console.filters:
        capture.addFilter(log_filter)
    logging.getLogger().addHandler(capture)
    yield written
    logging.getLogger().removeHandler(capture)


def terminate(pid: int) -> None:
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"], dbname="postgres",
        password=db["PASSWORD"] or None, autocommit=True,
    ) as admin:  # fmt: skip
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_connection_cut_mid_insert_is_one_line(article, site_log):
    """The first try's connection is terminated at its insert: the retry stores the
    comment, and the log says in one line what happened to the first."""
    cut = []

    def cut_the_first_insert(execute, sql, params, many, context):
        if 'INSERT INTO "django_comments"' in sql and not cut:
            cut.append(context["connection"].connection.info.backend_pid)
            terminate(cut[0])
        return execute(sql, params, many, context)

    reader = Client()
    reader.get(article.get_absolute_url())
    with connection.execute_wrapper(cut_the_first_insert):
        answer = reader.post("/comments/post/", form_data(article, comment="Kept on retry"))
    assert cut and answer.status_code == 302
    assert Comment.objects.filter(comment="Kept on retry").count() == 1
    lines = [line for line in site_log.getvalue().splitlines() if line.strip()]
    failed = [line for line in lines if "failed on the database" in line]
    assert len(failed) == 1 and "terminating connection" in failed[0], lines
    assert not any(line.startswith(("Traceback", "  File ")) for line in lines), lines
