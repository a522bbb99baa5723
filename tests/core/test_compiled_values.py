"""core.db.CompiledValues: a hot read compiled once gives exactly what the ORM gives."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from core.db import (
    MOST_KEYS_COMPILED,
    CompiledUpdate,
    CompiledUpdateIn,
    CompiledValues,
    CompiledValuesIn,
)

pytestmark = pytest.mark.django_db

FIELDS = ("pk", "slug", "published_at", "comments_open", "comments_close_after_days")


def _counted(build):
    """The builder, and how many querysets it has built."""
    built = []

    def counting(**values):
        built.append(values)
        return build(**values)

    return counting, built


def test_rows_equal_the_orms_across_calls_and_compile_once(make_article):
    first, second = make_article(title="First"), make_article(title="Second")
    Article.objects.filter(pk=second.pk).update(comments_close_after_days=3)

    def build(pk):
        return Article.objects.filter(pk=pk).order_by().values(*FIELDS)

    counting, built = _counted(build)
    read = CompiledValues(counting, pk=Article._meta.pk)
    for article in (first, second, first, second):
        with CaptureQueriesContext(connection) as queries:
            rows = read(pk=article.pk)
        assert rows == list(build(article.pk))
        assert len(queries) == 1
    # Built once, with its markers, to be compiled: never again for another value.
    assert len(built) == 1
    assert read(pk=second.pk)[0]["comments_close_after_days"] == 3
    assert isinstance(read(pk=first.pk)[0]["published_at"], type(timezone.now()))
    assert read(pk=10**6) == []


def test_joined_model_dates_and_json_convert_as_the_orm_does(article, post):
    older = post(article, "The same words posted twice, a week apart or so.")
    newer = post(article, "The same words posted twice, a week apart or so.")
    Comment.objects.filter(pk=older.pk).update(submission_meta={"browser": "b1", "n": [1, 2]})

    def build(text_hash, since):
        return (
            Comment.objects.filter(text_hash=text_hash, submit_date__gte=since)
            .order_by("-pk")
            .values("pk", "submit_date", "submission_meta", "user_name", "level")
        )

    read = CompiledValues(
        build,
        text_hash=Comment._meta.get_field("text_hash"),
        since=Comment._meta.get_field("submit_date"),
    )
    for since in (older.submit_date, newer.submit_date, older.submit_date - timedelta(days=1)):
        assert read(text_hash=newer.text_hash, since=since) == list(build(newer.text_hash, since))
    rows = read(text_hash=newer.text_hash, since=older.submit_date)
    assert [row["pk"] for row in rows] == [newer.pk, older.pk]
    assert rows[1]["submission_meta"] == {"browser": "b1", "n": [1, 2]}
    assert rows[1]["submit_date"] == Comment.objects.get(pk=older.pk).submit_date


def test_a_lookup_it_cannot_place_runs_through_the_orm(make_article):
    articles = [make_article(), make_article()]
    # An __in list is not one parameter: the query is never reused, and stays right.
    read = CompiledValues(
        lambda pks: Article.objects.filter(pk__in=pks).order_by("pk").values("pk"),
        pks=Article._meta.pk,
    )
    for pks in ([articles[0].pk], [a.pk for a in articles]):
        assert [row["pk"] for row in read(pks=pks)] == sorted(pks)


def test_none_is_asked_as_is_null(make_article):
    open_ended, closing = make_article(), make_article()
    Article.objects.filter(pk=closing.pk).update(comments_close_after_days=5)
    read = CompiledValues(
        lambda days: Article.objects.filter(comments_close_after_days=days).values("pk"),
        days=Article._meta.get_field("comments_close_after_days"),
    )
    assert {row["pk"] for row in read(days=5)} == {closing.pk}
    assert open_ended.pk in {row["pk"] for row in read(days=None)}
    assert closing.pk not in {row["pk"] for row in read(days=None)}


def test_an_update_compiled_once_changes_what_the_orm_would(make_article):
    first, second = make_article(), make_article()

    def build(pk, delta):
        return Article.objects.filter(pk=pk), {"comment_count": F("comment_count") + delta}

    counting, built = _counted(build)
    add = CompiledUpdate(
        counting, pk=Article._meta.pk, delta=Article._meta.get_field("comment_count")
    )
    with CaptureQueriesContext(connection) as queries:
        assert add(pk=first.pk, delta=3) == 1
        assert add(pk=second.pk, delta=2) == 1
        assert add(pk=first.pk, delta=-1) == 1
        assert add(pk=10**6, delta=1) == 0
    assert len(queries) == 4
    assert len(built) == 1
    counts = dict(Article.objects.values_list("pk", "comment_count"))
    assert (counts[first.pk], counts[second.pk]) == (2, 2)


def test_an_update_reaching_a_parent_table_runs_through_the_orm(article, post):
    comment = post(article, "A comment whose parent table row changes too.")
    # user_name lives in django_comments, status in comments_comment: two statements.
    change = CompiledUpdate(
        lambda pk, name: (
            Comment.objects.filter(pk=pk),
            {"user_name": name, "status": "removed"},
        ),
        pk=Comment._meta.pk,
        name=Comment._meta.get_field("user_name"),
    )
    change(pk=comment.pk, name="Renamed")
    comment.refresh_from_db()
    assert (comment.user_name, comment.status) == ("Renamed", "removed")


def test_a_list_of_keys_compiles_once_per_length_and_reads_what_the_orm_reads(make_article):
    articles = [make_article(title=f"Article {n}") for n in range(4)]
    pks = [article.pk for article in articles]
    Article.objects.filter(pk=pks[2]).update(comments_close_after_days=9)
    built = []

    def build(keys, since):
        built.append(len(keys))
        return (
            Article.objects.filter(pk__in=keys, published_at__gte=since)
            .order_by("pk")
            .values(*FIELDS)
        )

    read = CompiledValuesIn(build, Article._meta.pk, since=Article._meta.get_field("published_at"))
    since = min(article.published_at for article in articles) - timedelta(days=1)
    for keys in ([pks[0]], [pks[1], pks[2]], [pks[3]], [pks[2], pks[0]], [pks[1], pks[1]]):
        with CaptureQueriesContext(connection) as queries:
            rows = read(keys, since=since)
        assert rows == list(Article.objects.filter(pk__in=keys).order_by("pk").values(*FIELDS))
        assert len(queries) == 1
    assert sorted(built) == [1, 2]  # once for one key, once for two
    assert read([pks[0], 10**6], since=since)[0]["pk"] == pks[0]
    assert read([], since=since) == []
    # Past the longest compiled list, through the ORM: built each time, still right.
    many = [*pks, *range(10**6, 10**6 + MOST_KEYS_COMPILED)]
    assert [row["pk"] for row in read(many, since=since)] == pks
    assert [row["pk"] for row in read(many, since=since)] == pks
    assert built.count(len(many)) == 2


def test_an_update_of_a_list_of_keys_changes_what_the_orm_would(make_article):
    articles = [make_article() for _ in range(3)]
    pks = [article.pk for article in articles]

    def build(keys, days):
        return Article.objects.filter(pk__in=keys), {"comments_close_after_days": days}

    close = CompiledUpdateIn(
        build, Article._meta.pk, days=Article._meta.get_field("comments_close_after_days")
    )
    assert close([pks[0], pks[2]], days=4) == 2
    assert close([pks[1], pks[2]], days=6) == 2
    assert close([pks[1]], days=8) == 1
    assert close([10**6], days=1) == 0
    days = dict(Article.objects.filter(pk__in=pks).values_list("pk", "comments_close_after_days"))
    assert [days[pk] for pk in pks] == [4, 8, 6]


def test_the_hot_queries_of_a_post_all_compile():
    from articles import selectors
    from comments.services import placing, posting, threads

    hot = (
        selectors._posting_read, posting._copies_read, placing._parent_read,
        placing._thread_end_read, placing._subtree_end_read, threads._nested_count_add,
        threads._article_count_add, threads._thread_published_add,
        threads._ancestors_nested_add(2), threads._ancestors_nested_add(4),
    )  # fmt: skip
    for query in hot:
        assert query._compile(connection) is not None, query._build
