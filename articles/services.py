"""Writes for articles and their follow-up updates."""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from core.signals import signal_send_on_commit

from . import page_cache
from .models import Article, ArticleUpdate
from .rendering import markdown_to_safe_html
from .signals import update_published


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:180] or "article"
    slug, n = base, 2
    existing = Article.objects.exclude(pk=exclude_pk) if exclude_pk else Article.objects.all()
    taken = set(existing.filter(slug__startswith=base).values_list("slug", flat=True))
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def article_create(
    *,
    title: str,
    body: str,
    authors: Iterable[AbstractBaseUser],
    standfirst: str = "",
    slug: str = "",
    publish: bool = False,
    published_at: datetime | None = None,
    comments_open: bool = True,
    comments_close_after_days: int | None = None,
) -> Article:
    """Create an article (a draft unless `publish`), rendering its Markdown once."""
    article = Article(
        title=title,
        slug=slug or _unique_slug(title),
        standfirst=standfirst,
        body=body,
        body_html=markdown_to_safe_html(body),
        comments_open=comments_open,
        comments_close_after_days=comments_close_after_days,
    )
    if publish:
        article.status = Article.Status.PUBLISHED
        article.published_at = published_at or timezone.now()
    article.full_clean()
    article.save()
    article.authors.set(list(authors))
    return article


@transaction.atomic
def article_edit(
    *,
    article: Article,
    title: str,
    standfirst: str,
    body: str,
    comments_open: bool,
    comments_close_after_days: int | None,
) -> Article:
    """Change an article's text and comment settings, rendering its Markdown again."""
    if article.status == Article.Status.DRAFT and title != article.title:
        # Nobody has linked to a draft yet; once published the address must not move.
        article.slug = _unique_slug(title, exclude_pk=article.pk)
    article.title = title
    article.standfirst = standfirst
    article.body = body
    article.body_html = markdown_to_safe_html(body)
    article.comments_open = comments_open
    article.comments_close_after_days = comments_close_after_days
    article.full_clean()
    article.save()
    _page_changed(article)
    return article


def article_set_comments_open(*, article: Article, is_open: bool) -> Article:
    """Open or close an article's comments by hand."""
    if article.comments_open != is_open:
        article.comments_open = is_open
        article.save(update_fields=["comments_open", "updated_at"])
        _page_changed(article)
    return article


def article_save(*, article: Article, previous_slug: str | None = None) -> Article:
    """Store an article edited field by field (the admin): its Markdown is rendered again and
    its cached pages, under its old address too, are dropped."""
    article.body_html = markdown_to_safe_html(article.body)
    article.save()
    _page_changed(article, previous_slug=previous_slug)
    return article


@transaction.atomic
def articles_delete(*, articles: QuerySet[Article]) -> None:
    """Delete articles with their updates and comments; their cached pages go with them."""
    slugs = list(articles.values_list("slug", flat=True))
    articles.delete()
    _pages_changed(slugs)


def article_publish(*, article: Article, when: datetime | None = None) -> Article:
    """Publish an article now (or at `when`); publishing twice keeps the first time."""
    if article.status != Article.Status.PUBLISHED:
        article.status = Article.Status.PUBLISHED
        article.published_at = when or article.published_at or timezone.now()
        article.save(update_fields=["status", "published_at", "updated_at"])
        _page_changed(article)
    return article


def update_publish(
    *, article: Article, author: AbstractBaseUser | None, body: str, when: datetime | None = None
) -> ArticleUpdate:
    """Add a dated follow-up to an article's timeline; followers hear of it once committed."""
    return update_save(
        update=ArticleUpdate(
            article=article, author=author, body=body, published_at=when or timezone.now()
        )
    )


def update_save(*, update: ArticleUpdate) -> ArticleUpdate:
    """Store an update, new or edited, with its Markdown rendered. A new one is announced to
    the article's followers once committed; an edit only refreshes the page."""
    is_new = update._state.adding
    update.body_html = markdown_to_safe_html(update.body)
    update.save()
    if is_new:
        signal_send_on_commit(update_published, sender=ArticleUpdate, update_id=update.pk)
    _page_changed(update.article)
    return update


def update_delete(*, update: ArticleUpdate) -> None:
    """Take an update off its article's timeline."""
    update.delete()
    _page_changed(update.article)


def _page_changed(article: Article, *, previous_slug: str | None = None) -> None:
    _pages_changed({article.slug, previous_slug} - {None})


def _pages_changed(slugs: Iterable[str]) -> None:
    """Drop the cached pages of these articles once the change is committed."""
    slugs = list(slugs)

    def invalidate() -> None:
        for slug in slugs:
            page_cache.page_invalidate(slug=slug)

    transaction.on_commit(invalidate)
