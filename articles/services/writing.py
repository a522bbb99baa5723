"""Writing articles: create, edit, store from the admin, delete, open or close comments."""

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from ..models import Article
from ..rendering import markdown_to_safe_html
from .pages import pages_refresh
from .publication import article_publish, article_schedule, article_unschedule


def article_slug_unique(
    title: str,
    *,
    exclude_pk: int | None = None,
    taken: Iterable[str] = (),
    existing: Iterable[str] | None = None,
) -> str:
    """A slug made from the title that no other article has, nor any in `taken` (slugs
    about to be used); a number is added if needed. `existing`, when given, are the stored
    slugs that could clash, already looked up (a batch of new articles asks once)."""
    base = slugify(title)[:180] or "article"
    slug, n = base, 2
    if existing is None:
        others = Article.objects.exclude(pk=exclude_pk) if exclude_pk else Article.objects.all()
        existing = others.filter(slug__startswith=base).values_list("slug", flat=True)
    taken = {*taken, *existing}
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
    language: str = "",
    publish: bool = False,
    published_at: datetime | None = None,
    comments_open: bool = True,
    comments_close_after_days: int | None = None,
    submission: UUID | None = None,
) -> Article:
    """Create an article (a draft unless `publish`; scheduled when `published_at` is still to
    come), rendering its Markdown once. An empty `language` is the site's."""
    article = Article(
        title=title,
        slug=slug or article_slug_unique(title),
        standfirst=standfirst,
        body=body,
        body_html=markdown_to_safe_html(body),
        language=language,
        comments_open=comments_open,
        comments_close_after_days=comments_close_after_days,
        submission=submission,
    )
    if publish:
        article.published_at = published_at or timezone.now()
        article.status = _status_for(article.published_at)
    article.full_clean()
    article.save()
    article.authors.set(list(authors))
    return article


def article_create_once(
    *,
    title: str,
    body: str,
    authors: list[AbstractBaseUser],
    submission: UUID | None,
    **fields,
) -> tuple[Article, bool]:
    """article_create for the new-article form, keeping its one-time `submission` token:
    (the draft, True), or (the draft that token already made, False) when the same form comes
    again with the same text (a double click, a resent POST)."""
    if submission is None:
        return article_create(title=title, body=body, authors=authors, **fields), True
    try:
        # Of two POSTs at once, the second waits on the first's row and fails on the unique
        # token; one after the other, full_clean finds the token taken.
        with transaction.atomic():
            made = article_create(
                title=title, body=body, authors=authors, submission=submission, **fields
            )
            return made, True
    except (IntegrityError, ValidationError):
        made = Article.objects.filter(submission=submission).first()
        if made is None:
            raise
    same = (made.title, made.body, made.standfirst) == (
        title,
        body,
        fields.get("standfirst", ""),
    )
    if same and made.authors.filter(pk__in=[author.pk for author in authors]).exists():
        return made, False
    # A form gone Back to and changed is not a repeat: dropping its text would lose it.
    return article_create(title=title, body=body, authors=authors, **fields), True


class ArticleEditConflict(Exception):
    """The article was saved by someone else after the edit being saved was loaded."""

    def __init__(self, saved_at: datetime):
        super().__init__(f"saved at {saved_at.isoformat()}")
        self.saved_at = saved_at


@transaction.atomic
def article_edit(
    *,
    article: Article,
    title: str,
    standfirst: str,
    body: str,
    comments_open: bool,
    comments_close_after_days: int | None,
    language: str | None = None,
    loaded_at: datetime | None = None,
    publish: bool = False,
    schedule_at: datetime | None = None,
    unschedule: bool = False,
) -> Article:
    """Change an article's text, language and comment settings, rendering its Markdown
    again; a `language` of None leaves it as it is ("" is the site's). With `loaded_at`
    (the article's `updated_at` when the edit began), raise ArticleEditConflict if it was
    saved since: the edit would silently undo that save (unless it leaves the article as
    stored: a double click). With `publish`, publish it now as it was just saved
    (article_publish), with `schedule_at` schedule it for then (article_schedule), or with
    `unschedule` take it back to draft (article_unschedule), in the same transaction: if
    that is refused, nothing is saved."""
    stored = Article.objects.select_for_update().values(
        "updated_at", "title", "standfirst", "body", "language", "comments_open",
        "comments_close_after_days",
    ).get(pk=article.pk)  # fmt: skip
    saving = {
        "title": title,
        "standfirst": standfirst,
        "body": body,
        "language": stored["language"] if language is None else language,
        "comments_open": comments_open,
        "comments_close_after_days": comments_close_after_days,
    }
    # Saved since, but as this save would leave it (the author's own double click, a resent
    # POST): writing it again undoes nobody's save, so it is not a conflict.
    unchanged = all(stored[name] == value for name, value in saving.items())
    if loaded_at is not None and stored["updated_at"] != loaded_at and not unchanged:
        raise ArticleEditConflict(stored["updated_at"])
    if not article.is_published and title != article.title:
        # Nobody has linked to a draft (or a scheduled article) yet; once readers can see
        # it, the address must not move.
        article.slug = article_slug_unique(title, exclude_pk=article.pk)
    article.title = title
    article.standfirst = standfirst
    article.body = body
    article.body_html = markdown_to_safe_html(body)
    if language is not None:
        article.language = language
    article.comments_open = comments_open
    article.comments_close_after_days = comments_close_after_days
    article.full_clean()
    article.save()
    pages_refresh(slugs=[article.slug])
    if publish:
        article_publish(article=article)
    elif schedule_at is not None:
        article_schedule(article=article, when=schedule_at)
    elif unschedule:
        article_unschedule(article=article)
    return article


def article_set_comments_open(*, article: Article, is_open: bool) -> Article:
    """Open or close an article's comments by hand."""
    if article.comments_open != is_open:
        article.comments_open = is_open
        article.save(update_fields=["comments_open", "updated_at"])
        pages_refresh(slugs=[article.slug])
    return article


def article_save(*, article: Article, previous_slug: str | None = None) -> Article:
    """Store an article edited field by field (the admin): its Markdown is rendered again and
    its cached pages, under its old address too, are dropped. Published with no date is
    published now."""
    if article.status == Article.Status.PUBLISHED and article.published_at is None:
        # Left without a date it would be neither visible nor scheduled for any time, and
        # every page would say something else about it.
        article.published_at = timezone.now()
    if article.status in Article.VISIBLE_STATUSES and article.published_at is not None:
        # "Published" with a time to come is a schedule: beat then publishes it at that time.
        article.status = _status_for(article.published_at)
    article.body_html = markdown_to_safe_html(article.body)
    article.save()
    pages_refresh(slugs=[article.slug, previous_slug])
    return article


@transaction.atomic
def articles_delete(*, articles: QuerySet[Article]) -> None:
    """Delete articles with their updates and comments; their cached pages go with them."""
    slugs = list(articles.values_list("slug", flat=True))
    articles.delete()
    pages_refresh(slugs=slugs)


def _status_for(published_at: datetime) -> str:
    if published_at > timezone.now():
        return Article.Status.SCHEDULED
    return Article.Status.PUBLISHED
