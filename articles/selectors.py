"""Reads for the article pages."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from core.db import CompiledValues
from core.roles import is_author

from .models import Article, ArticleUpdate

# What decides whether an article takes comments, in the order of the model's columns (so
# Article.from_db can take them as they are).
POSTING_FIELDS = (
    "id", "slug", "status", "published_at", "comments_open", "comments_close_after_days"
)  # fmt: skip
# Read on every post: compiled once (core.db).
_posting_read = CompiledValues(
    lambda pk: Article.objects.filter(pk=pk).order_by().values(*POSTING_FIELDS),
    pk=Article._meta.pk,
)


def article_written_by(*, article: Article, user) -> bool:
    """Whether `user` is one of `article`'s listed authors and still holds the author role.
    No query once the article's authors are prefetched (its page does)."""
    if not user.is_authenticated:
        return False
    return any(author.pk == user.pk for author in article.authors.all()) and is_author(user)


def article_changed_since(*, article_id: int, loaded_at: datetime | None) -> bool:
    """Whether the article was saved since the version `loaded_at` (False if not known)."""
    if loaded_at is None:
        return False
    return Article.objects.filter(pk=article_id).exclude(updated_at=loaded_at).exists()


def article_list_published() -> QuerySet[Article]:
    """Published articles, newest first, with their authors."""
    return Article.objects.published().prefetch_related("authors").order_by("-published_at", "-pk")


def article_page_queryset() -> QuerySet[Article]:
    """Published articles with what their page shows: authors and updates whose date has
    come, newest first."""
    return Article.objects.published().prefetch_related(
        "authors",
        Prefetch("updates", queryset=ArticleUpdate.objects.live().order_by("-published_at", "-pk")),
    )


# The article page's three reads (the article, its authors, its updates), compiled once
# (core.db): building them was a sixth of a personal page's time. They are the queries
# article_page_queryset() makes, and give the same instances.
ARTICLE_FIELDS = tuple(field.attname for field in Article._meta.concrete_fields)
_User = get_user_model()
USER_FIELDS = tuple(field.attname for field in _User._meta.concrete_fields)
UPDATE_FIELDS = tuple(field.attname for field in ArticleUpdate._meta.concrete_fields)
_page_article_read = CompiledValues(
    lambda slug: Article.objects.filter(slug=slug).order_by().values(*ARTICLE_FIELDS),
    slug=Article._meta.get_field("slug"),
)
_page_authors_read = CompiledValues(
    lambda pk: _User.objects.filter(articles=pk).order_by().values(*USER_FIELDS),
    pk=Article._meta.pk,
)
_page_updates_read = CompiledValues(
    # `now` is ArticleUpdate.objects.live()'s test, as a value the compiled query can take.
    lambda pk, now: (
        ArticleUpdate.objects.filter(article=pk, published_at__lte=now)
        .order_by("-published_at", "-pk")
        .values(*UPDATE_FIELDS)
    ),
    pk=Article._meta.pk,
    now=ArticleUpdate._meta.get_field("published_at"),
)


def _instances(model, names: tuple[str, ...], rows: list[dict]) -> list:
    return [model.from_db(DEFAULT_DB_ALIAS, names, [row[name] for name in names]) for row in rows]


def _prefetched(article: Article, name: str, instances: list) -> None:
    """Keep `instances` as `article.<name>.all()`, as prefetch_related would."""
    queryset = getattr(article, name).get_queryset()
    queryset._result_cache, queryset._prefetch_done = instances, True
    article._prefetched_objects_cache[name] = queryset


def article_get_published(*, slug: str) -> Article:
    """The published article with this slug, ready for its page (authors and updates
    prefetched, as article_page_queryset() gives it); 404 for drafts. The published test
    is Article.is_published, the same as Article.objects.published()."""
    rows = _page_article_read(slug=slug)
    article = _instances(Article, ARTICLE_FIELDS, rows)[0] if rows else None
    if article is None or not article.is_published:
        raise Http404(f"No {Article._meta.object_name} matches the given query.")
    article._prefetched_objects_cache = {}
    authors = _instances(_User, USER_FIELDS, _page_authors_read(pk=article.pk))
    _prefetched(article, "authors", authors)
    updates = _instances(
        ArticleUpdate, UPDATE_FIELDS, _page_updates_read(pk=article.pk, now=timezone.now())
    )
    for update in updates:
        ArticleUpdate.article.field.set_cached_value(update, article)
    _prefetched(article, "updates", updates)
    return article


def article_for_posting(*, article_id: int) -> Article | None:
    """A published article with only what decides whether it takes comments (and its
    address), for the comment form's post: the body, authors and updates are not read.
    Looked up by its key alone and checked here (Article.is_published is the same test as
    Article.objects.published()): the published filter costs more to build than to check."""
    row = next(iter(_posting_read(pk=article_id)), None)
    if row is None:
        return None
    values = [row[name] for name in POSTING_FIELDS]
    article = Article.from_db(DEFAULT_DB_ALIAS, POSTING_FIELDS, values)
    return article if article.is_published else None


def article_page_context(*, article: Article) -> dict:
    """Template context for an article page, without its comment section."""
    # The byline's names, joined in the template inside one translatable sentence.
    names = [author.get_full_name() or author.get_username() for author in article.authors.all()]
    return {"article": article, "updates": list(article.updates.all()), "author_names": names}
