"""PostgreSQL cutting a connection while a comment is stored is logged in one line that
says so, not with the stack of every layer the error passed through."""

import pytest
from django.db import connection
from django.test import Client

from comments.models import Comment
from tests.conftest import form_data
from tests.faults import backend_terminate as terminate

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


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
