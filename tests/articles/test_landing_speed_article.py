"""The article page reads its article, authors and updates by SQL compiled once per
connection (articles.selectors.article_get_published): the same instances as
article_page_queryset(), without building a query each time."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.db.models.sql.query import Query
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.selectors import article_get_published, article_page_queryset
from articles.services import update_publish, update_withdraw

pytestmark = pytest.mark.django_db


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


@pytest.fixture
def written(make_article, make_user):
    """A published article by two authors, with three updates (one withdrawn)."""
    first = make_user("first", first_name="Ann", last_name="One")
    second = make_user("second")
    article = make_article(title="Written", authors=[second, first])
    now = timezone.now()
    for days, body in ((3, "Oldest"), (1, "Newest"), (2, "Middle")):
        update = update_publish(
            article=article, author=first, body=body, when=now - timedelta(days=days)
        )
    update_withdraw(update=update)
    return article


def test_it_gives_what_the_page_queryset_gives(written):
    """Same fields, authors and updates (in order) as the queryset, with no query left."""
    expected = article_page_queryset().get(slug=written.slug)

    article = article_get_published(slug=written.slug)

    assert _fields(article) == _fields(expected)
    with CaptureQueriesContext(connection) as queries:
        authors, updates = list(article.authors.all()), list(article.updates.all())
        assert all(update.article is article for update in updates)
    assert len(queries) == 0
    assert [_fields(a) for a in authors] == [_fields(a) for a in expected.authors.all()]
    assert [_fields(u) for u in updates] == [_fields(u) for u in expected.updates.all()]
    assert [u.body for u in updates] == ["Newest", "Middle", "Oldest"]


def test_its_related_querysets_still_filter_by_the_article(written, make_article, make_user):
    """A filter on the prefetched authors is a real query of this article's authors."""
    make_article(title="Another", authors=[make_user("third")])

    article = article_get_published(slug=written.slug)

    assert set(article.authors.filter(username__startswith="")) == set(written.authors.all())
    assert article.updates.filter(withdrawn_at__isnull=True).count() == 2


@pytest.mark.parametrize(
    "status, shift, shown",
    [
        (Article.Status.PUBLISHED, -1, True),
        (Article.Status.SCHEDULED, -1, True),  # its time has come: visible without beat
        (Article.Status.SCHEDULED, 60, False),
        (Article.Status.DRAFT, -1, False),
    ],
)
def test_only_a_published_article_is_found(written, status, shift, shown):
    """Drafts and articles scheduled for later are a 404, as Article.objects.published()."""
    when = timezone.now() + timedelta(minutes=shift)
    Article.objects.filter(pk=written.pk).update(status=status, published_at=when)

    if shown:
        assert article_get_published(slug=written.slug).pk == written.pk
    else:
        with pytest.raises(Http404):
            article_get_published(slug=written.slug)
    assert Article.objects.published().filter(pk=written.pk).exists() == shown


def test_an_unknown_slug_is_a_404(written):
    """No article, no page."""
    with pytest.raises(Http404):
        article_get_published(slug="no-such-article")


def test_it_builds_no_query_once_compiled(written, make_article):
    """After the first page, reading another article's page builds no ORM filter."""
    other = make_article(title="Other")
    article_get_published(slug=written.slug)

    with mock.patch.object(Query, "build_filter", autospec=True) as build_filter:
        article = article_get_published(slug=other.slug)

    assert article.pk == other.pk and list(article.updates.all()) == []
    build_filter.assert_not_called()
