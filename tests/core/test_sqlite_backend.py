"""The embedded database's backend converts a query's placeholders once, and answers as
Django's own SQLite backend does."""

import re

import pytest
from django.db import connection

from articles.models import Article
from core.backends.sqlite3 import base

pytestmark = pytest.mark.sqlite


@pytest.mark.django_db
def test_a_repeated_query_is_converted_once_and_answers_as_before(monkeypatch):
    conversions = []
    pattern = base.base.FORMAT_QMARK_REGEX

    class Counting:
        def sub(self, replacement, query):
            conversions.append(query)
            return pattern.sub(replacement, query)

    base._qmark_style.cache_clear()
    monkeypatch.setattr(base.base, "FORMAT_QMARK_REGEX", Counting())
    query = "SELECT %s, '100%%', %s WHERE %s LIKE '%%s'"
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute(query, [1, "two", "x%s"])
            assert cursor.fetchone() == (1, "100%", "two")
    assert conversions == [query]
    # Named parameters go through Django's own conversion.
    with connection.cursor() as cursor:
        cursor.execute("SELECT %(a)s + %(a)s", {"a": 2})
        assert cursor.fetchone() == (4,)
    Article.objects.filter(slug__in=["a", "b"]).count()
    assert any(re.search(r'"slug" IN \(%s, %s\)', sent) for sent in conversions)
