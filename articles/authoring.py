"""Who may change what in the author area, how its messages write dates, and where the
article page shows what was done to an update: what the article and update views share."""

from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.http import message_replacing, messages_tagged
from core.roles import is_author, role_required

from . import selectors
from .models import Article, ArticleUpdate


def may_write(user, article: Article) -> bool:
    """Whether `user` may change `article`: a superuser, or one of its authors who is an author."""
    if user.is_authenticated and user.is_superuser:
        return True
    return selectors.article_written_by(article=article, user=user)


author_required = role_required(is_author, gettext_lazy("Only authors can do that."))


def article_for_author(user, pk: int) -> Article:
    """The article with this id, if `user` may change it: 404 if missing, 403 if not theirs."""
    article = get_object_or_404(Article.objects.prefetch_related("authors"), pk=pk)
    if not may_write(user, article):
        raise PermissionDenied(_("You can only change your own articles."))
    return article


# What was done to an update is said inside it on the article page, where the redirect to
# "#update-<id>" lands, not at the top of the page, far out of view.
UPDATE_NOTE_TAG = "update-note"


def update_note_add(request, *, update_id: int, text: str, level: int = messages.SUCCESS) -> None:
    """Queue a line about an update for the article page, to show inside that update, in
    place of one still queued about it."""
    message_replacing(request, level, text, about=f"u{update_id}", tags=UPDATE_NOTE_TAG)


def update_top_note_add(request, *, update_id: int, text: str, level: int = messages.SUCCESS):
    """Queue a line about an update for the top of the page, in place of one still queued
    about it: for one not out yet, which the article page does not show."""
    message_replacing(request, level, text, about=f"u{update_id}")


def article_note_add(request, article: Article, text: str, level: int = messages.SUCCESS):
    """Queue a line about an article for the page the author lands on, in place of one
    still queued about it: said once however often the same button was pressed."""
    message_replacing(request, level, text, about=f"a{article.pk}")


def dashboard_url() -> str:
    """The author's dashboard, where most of the author area's answers land."""
    return reverse("articles:author_dashboard")


def update_notes(request) -> list[tuple[int, Message]]:
    """The queued lines about updates, each with the id of the update it is about."""
    return messages_tagged(request, tag=UPDATE_NOTE_TAG, prefix="u")


def update_for_author(user, *, slug: str, pk: int) -> ArticleUpdate:
    """The update with this id on this article, if `user` may change the article: 404 if
    missing, 403 if not theirs."""
    update = get_object_or_404(
        ArticleUpdate.objects.select_related("article").prefetch_related("article__authors"),
        pk=pk,
        article__slug=slug,
    )
    if not may_write(user, update.article):
        raise PermissionDenied(
            _("Only this article's authors can correct or withdraw its updates.")
        )
    return update


def datetime_text(moment) -> str:
    """A date and time as the reader's language writes them, with the time zone's
    abbreviation (the site's zone, which the reader may not share)."""
    local = timezone.localtime(moment)
    return f"{date_format(local, 'DATETIME_FORMAT')} {date_format(local, 'T')}"


def date_text(moment) -> str:
    """A date as the reader's language writes it, in the site's time zone."""
    return date_format(timezone.localtime(moment), "DATE_FORMAT")
