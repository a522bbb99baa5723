"""Follow-up updates on an article's timeline: post, correct, withdraw, remove."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.signals import signal_send_on_commit

from ..models import Article, ArticleUpdate
from ..rendering import markdown_to_safe_html
from ..signals import update_published
from .pages import pages_refresh


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
    the article's followers once committed; an edit of its text is dated as a correction
    and only refreshes the page."""
    is_new = update._state.adding
    if not is_new:
        stored = ArticleUpdate.objects.filter(pk=update.pk).values_list("body", flat=True)
        if stored.first() != update.body:
            update.corrected_at = timezone.now()
    update.body_html = markdown_to_safe_html(update.body)
    update.save()
    if is_new:
        signal_send_on_commit(update_published, sender=ArticleUpdate, update_id=update.pk)
    pages_refresh(slugs=[update.article.slug])
    return update


@transaction.atomic
def update_correct(
    *, update: ArticleUpdate, body: str, notify_followers: bool = False
) -> ArticleUpdate:
    """Replace an update's text, dated as corrected; followers are emailed the correction
    only when `notify_followers` (a typo fix is not worth a second email)."""
    locked = ArticleUpdate.objects.select_for_update().select_related("article").get(pk=update.pk)
    if locked.is_withdrawn:
        on = date_format(timezone.localtime(locked.withdrawn_at), "DATE_FORMAT")
        raise ValidationError(
            _("This update was withdrawn on %(date)s; it can no longer be corrected.")
            % {"date": on}
        )
    if body.strip() == locked.body.strip():
        raise ValidationError(
            _("The text is the same as the published update: nothing to correct.")
        )
    locked.body = body
    locked.body_html = markdown_to_safe_html(body)
    locked.corrected_at = timezone.now()
    fields = ["body", "body_html", "corrected_at"]
    if notify_followers:
        locked.correction_notice_pending = True
        fields.append("correction_notice_pending")
        signal_send_on_commit(update_published, sender=ArticleUpdate, update_id=locked.pk)
    locked.save(update_fields=fields)
    pages_refresh(slugs=[locked.article.slug])
    return locked


@transaction.atomic
def update_withdraw(*, update: ArticleUpdate) -> bool:
    """Withdraw an update: readers see only that it was withdrawn and when, and followers are
    never emailed about it. False if it already was."""
    withdrawn = ArticleUpdate.objects.filter(pk=update.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), correction_notice_pending=False
    )
    if withdrawn:
        pages_refresh(slugs=[update.article.slug])
    update.refresh_from_db(fields=["withdrawn_at", "correction_notice_pending"])
    return bool(withdrawn)


def update_correction_announced(*, update: ArticleUpdate) -> None:
    """Record that followers were emailed the update's last correction."""
    ArticleUpdate.objects.filter(pk=update.pk).update(correction_notice_pending=False)
    update.correction_notice_pending = False


def update_delete(*, update: ArticleUpdate) -> None:
    """Take an update off its article's timeline."""
    update.delete()
    pages_refresh(slugs=[update.article.slug])
