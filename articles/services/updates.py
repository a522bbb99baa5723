"""Follow-up updates on an article's timeline: post, schedule, correct, withdraw, remove;
and, from beat, the scheduled updates whose date has come."""

import hashlib
from datetime import datetime
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
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


def update_publish_once(
    *, article: Article, author: AbstractBaseUser | None, body: str, submission: UUID | None
) -> tuple[ArticleUpdate, bool]:
    """update_publish for the author's form, whose one-time `submission` token it keeps:
    (the update, True), or (the update that token already posted, False) when the same form
    comes again with the same text (a double click, a resent POST): nobody is emailed twice."""
    if submission is None:
        return update_publish(article=article, author=author, body=body), True
    update = ArticleUpdate(article=article, author=author, body=body, published_at=timezone.now())
    update.submission = submission
    try:
        # The unique token, not a look first: of two POSTs at once, the second waits on the
        # first's row and fails here, its savepoint taking its announcement with it.
        with transaction.atomic():
            return update_save(update=update), True
    except IntegrityError:
        posted = ArticleUpdate.objects.filter(submission=submission, article=article).first()
        # Another article's token, or a form gone Back to and changed: not a repeat, and
        # answering "already published" would drop the text typed.
        if posted is None or posted.body != body:
            return update_publish(article=article, author=author, body=body), True
        return posted, False


def update_save(*, update: ArticleUpdate, announce: bool = True) -> ArticleUpdate:
    """Store an update, new or edited, with its Markdown rendered. One dated in the future is
    scheduled: readers see it, and followers hear of it, from that date (updates_publish_due).
    Otherwise a new one is announced to the article's followers once committed, unless not
    `announce` (a restored backup's: the site it comes from told them); an edit of its text
    is dated as a correction and only refreshes the page."""
    is_new = update._state.adding
    stored = None
    if not is_new:
        stored = (
            ArticleUpdate.objects.filter(pk=update.pk)
            .only("body", "scheduled", "published_at")
            .first()
        )
        # Changing what no reader has seen yet corrects nothing.
        if stored and stored.body != update.body and not stored.is_upcoming:
            update.corrected_at = timezone.now()
    update.scheduled = update.published_at > timezone.now()
    update.body_html = markdown_to_safe_html(update.body)
    update.save()
    # Brought forward to now, a scheduled update is as good as new.
    if announce and not update.scheduled and (is_new or (stored and stored.scheduled)):
        signal_send_on_commit(update_published, sender=ArticleUpdate, update_id=update.pk)
    pages_refresh(slugs=[update.article.slug])
    return update


class CorrectionAlreadySaved(Exception):
    """The correction sent is the one its page already saved (a double click, a resent POST)."""

    def __init__(self, update: ArticleUpdate):
        super().__init__(f"update {update.pk} already reads as sent")
        self.update = update


def update_text_digest(body: str) -> str:
    """A short fingerprint of an update's text, for a form to say which text it showed."""
    return hashlib.sha256(body.strip().encode()).hexdigest()[:32]


@transaction.atomic
def update_correct(
    *, update: ArticleUpdate, body: str, notify_followers: bool = False, loaded: str = ""
) -> ArticleUpdate:
    """Replace an update's text, dated as corrected; followers are emailed the correction
    only when `notify_followers` (a typo fix is not worth a second email). A scheduled update
    (not out yet) just takes the new text. `loaded`, the update_text_digest of the text the
    form showed, tells a repeat of a saved correction (CorrectionAlreadySaved) from a save of
    nothing (ValidationError)."""
    locked = ArticleUpdate.objects.select_for_update().select_related("article").get(pk=update.pk)
    if locked.is_withdrawn:  # that says more than a repeat would
        on = date_format(timezone.localtime(locked.withdrawn_at), "DATE_FORMAT")
        raise ValidationError(
            _("This update was withdrawn on %(date)s; it can no longer be corrected.")
            % {"date": on}
        )
    if body.strip() == locked.body.strip():
        # The stored text changed since the page was drawn, to the text sent: this page's
        # own save came first.
        if loaded and loaded != update_text_digest(locked.body):
            raise CorrectionAlreadySaved(locked)
        if locked.is_upcoming:
            raise ValidationError(_("The text is the same as before: nothing to change."))
        raise ValidationError(
            _("The text is the same as the published update: nothing to correct.")
        )
    locked.body = body
    locked.body_html = markdown_to_safe_html(body)
    if locked.is_upcoming:
        # No reader has seen it yet: nothing is corrected, and its followers hear of it, as
        # it now reads, on its date (updates_publish_due).
        locked.save(update_fields=["body", "body_html"])
        pages_refresh(slugs=[locked.article.slug])
        return locked
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
def update_cancel(*, update: ArticleUpdate) -> bool:
    """Delete an update still scheduled: no reader has seen it, so there is nothing to mark
    withdrawn on the timeline. False if it has come out meanwhile (withdraw it then)."""
    # One statement: beat announcing it at the same moment either sees it gone or keeps it.
    cancelled, _by_model = ArticleUpdate.objects.filter(
        pk=update.pk, scheduled=True, published_at__gt=timezone.now()
    ).delete()
    if cancelled:
        pages_refresh(slugs=[update.article.slug])
    return bool(cancelled)


@transaction.atomic
def update_withdraw(*, update: ArticleUpdate) -> bool:
    """Withdraw an update: readers see only that it was withdrawn and when, and followers are
    never emailed about it. False if it already was; ArticleUpdate.DoesNotExist if it is gone
    (one still scheduled, cancelled meanwhile)."""
    withdrawn = ArticleUpdate.objects.filter(pk=update.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), correction_notice_pending=False
    )
    if withdrawn:
        pages_refresh(slugs=[update.article.slug])
    update.refresh_from_db(fields=["withdrawn_at", "correction_notice_pending"])
    return bool(withdrawn)


def updates_publish_due() -> list[int]:
    """Announce every scheduled update whose date has come to its article's followers and
    drop its article's cached pages; returns their ids. Safe to run twice or at once from
    two workers."""
    with transaction.atomic():
        # Rows another run holds are skipped, not waited for: that run announces them.
        due = dict(
            ArticleUpdate.objects.due()
            .select_for_update(skip_locked=True)
            .values_list("pk", "article_id")
        )
        if not due:
            return []
        ArticleUpdate.objects.filter(pk__in=due).update(scheduled=False)
        slugs = Article.objects.filter(pk__in=set(due.values())).values_list("slug", flat=True)
        pages_refresh(slugs=list(slugs))
        for update_id in due:
            signal_send_on_commit(update_published, sender=ArticleUpdate, update_id=update_id)
    return list(due)


def update_correction_announced(*, update: ArticleUpdate) -> None:
    """Record that followers were emailed the update's last correction."""
    ArticleUpdate.objects.filter(pk=update.pk).update(correction_notice_pending=False)
    update.correction_notice_pending = False


def update_delete(*, update: ArticleUpdate) -> None:
    """Take an update off its article's timeline."""
    update.delete()
    pages_refresh(slugs=[update.article.slug])
