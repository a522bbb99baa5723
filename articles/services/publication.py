"""Publishing articles: now, at a scheduled time, or back to draft; and, from beat, the
scheduled articles whose time has come.

An article is visible from its `published_at` whether its status says published or
scheduled, so a scheduled article appears on time even where beat never runs (the embedded
site). The task's part is what must happen at that moment: mark it published and drop its
cached pages.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Article
from .pages import pages_refresh


class AlreadyPublished(ValidationError):
    """The article is already public: its publication time can no longer change."""


def _locked(article: Article) -> Article:
    """Lock the article's row and bring `article` up to date with it."""
    fresh = Article.objects.select_for_update().get(pk=article.pk)
    article.status, article.published_at = fresh.status, fresh.published_at
    return article


@transaction.atomic
def article_publish(*, article: Article) -> bool:
    """Publish an article now; False if readers could already see it (its date stays)."""
    article = _locked(article)
    now = timezone.now()
    if article.is_published:
        if article.status == Article.Status.PUBLISHED:
            return False
        # Due but not yet marked by beat: it went public at its scheduled time.
        article.status = Article.Status.PUBLISHED
    else:
        article.status = Article.Status.PUBLISHED
        keep = article.published_at is not None and article.published_at <= now
        # A draft that was published before (and unpublished in the admin) keeps its first
        # date; a scheduled one goes public now, not at its planned time.
        article.published_at = article.published_at if keep else now
    article.save(update_fields=["status", "published_at", "updated_at"])
    pages_refresh(slugs=[article.slug])
    return True


@transaction.atomic
def article_schedule(*, article: Article, when: datetime) -> Article:
    """Schedule a draft (or move a schedule) to publish at `when`, a time to come."""
    article = _locked(article)
    if article.is_published:
        raise AlreadyPublished(_("This article is already published; its date cannot change."))
    if when <= timezone.now():
        raise ValidationError(_("Choose a time in the future, or publish it now."))
    article.status = Article.Status.SCHEDULED
    article.published_at = when
    article.save(update_fields=["status", "published_at", "updated_at"])
    return article


@transaction.atomic
def article_unschedule(*, article: Article) -> bool:
    """Take a scheduled article back to draft; False if it was not scheduled."""
    article = _locked(article)
    if article.is_published:
        raise AlreadyPublished(_("This article is already published; it cannot go back to draft."))
    if article.status != Article.Status.SCHEDULED:
        return False
    article.status = Article.Status.DRAFT
    article.published_at = None
    article.save(update_fields=["status", "published_at", "updated_at"])
    return True


def articles_publish_due() -> list[str]:
    """Mark published every scheduled article whose time has come and drop its cached pages;
    returns their slugs. Safe to run twice or at once from two workers."""
    with transaction.atomic():
        # Rows another run holds are skipped, not waited for: that run publishes them.
        due = dict(
            Article.objects.due().select_for_update(skip_locked=True).values_list("pk", "slug")
        )
        if not due:
            return []
        # Only what is still scheduled: an author may have moved it a moment ago.
        published = Article.objects.filter(pk__in=due, status=Article.Status.SCHEDULED)
        slugs = [due[pk] for pk in published.values_list("pk", flat=True)]
        published.update(status=Article.Status.PUBLISHED, updated_at=timezone.now())
        pages_refresh(slugs=slugs)
    return slugs
