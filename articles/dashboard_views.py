"""The dashboard's one-press buttons on an article one writes: publish now, unschedule,
close or reopen comments."""

from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .authoring import (
    article_for_author,
    article_note_add,
    author_required,
    dashboard_url,
    date_text,
)
from .models import CommentsState

# The dashboard's comment buttons: action name -> whether comments end up open.
COMMENT_ACTIONS = {"close": False, "open": True}


def _loaded_at(request: HttpRequest) -> datetime | None:
    """The version of the article the page the POST came from showed (None if not said)."""
    try:
        return parse_datetime(request.POST.get("loaded_at", ""))
    except ValueError:
        return None


@require_POST
@author_required
def article_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish an article one writes now, draft or scheduled."""
    article = article_for_author(request.user, pk)
    title = {"title": article.title}
    if services.article_publish(article=article):
        article_note_add(request, article, _("“%(title)s” is published.") % title)
    else:
        article_note_add(
            request, article, _("“%(title)s” is already published.") % title, messages.INFO
        )
    return HttpResponseRedirect(dashboard_url())


@require_POST
@author_required
def article_unschedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a scheduled article one writes back to draft."""
    article = article_for_author(request.user, pk)
    title = {"title": article.title}
    try:
        unscheduled = services.article_unschedule(article=article)
    except services.AlreadyPublished:
        text = _("“%(title)s” is already published: it cannot go back to draft.")
        article_note_add(request, article, text % title, messages.ERROR)
        return HttpResponseRedirect(dashboard_url())
    # Not unscheduled by this press, but saved since the page offering Unschedule (so while
    # scheduled) was drawn: a first press of the button, or a co-author, made it a draft.
    changed = selectors.article_changed_since(article_id=article.pk, loaded_at=_loaded_at(request))
    if unscheduled or changed:
        text = _("“%(title)s” is a draft again: it will not be published.")
        article_note_add(request, article, text % title)
    else:
        text = _("“%(title)s” was not scheduled: nothing changed.")
        article_note_add(request, article, text % title, messages.INFO)
    return HttpResponseRedirect(dashboard_url())


@require_POST
@author_required
def article_comments(request: HttpRequest, pk: int) -> HttpResponse:
    """Close or reopen the comments on an article one writes."""
    article = article_for_author(request.user, pk)
    action = request.POST.get("action", "")
    if action not in COMMENT_ACTIONS:
        # The site's 400 page, not DEBUG's technical one (make run serves with DEBUG on).
        reason = _("Choose to close or open the comments.")
        return render(request, "errors/400.html", {"reason": reason}, status=400)
    services.article_set_comments_open(article=article, is_open=COMMENT_ACTIONS[action])
    state = article.comments_state
    title = {"title": article.title}
    if state == CommentsState.CLOSED:
        article_note_add(request, article, _("Comments on “%(title)s” are closed.") % title)
    elif state == CommentsState.AWAITING_PUBLICATION:
        text = _("Comments on “%(title)s” will be open once it is published.")
        article_note_add(request, article, text % title)
    elif state != CommentsState.CLOSED_BY_AGE:
        article_note_add(request, article, _("Comments on “%(title)s” are open.") % title)
    else:
        text = _(
            "Comments on “%(title)s” are still closed: they closed by themselves on "
            "%(date)s. Change “Close comments after” to reopen them."
        )
        text %= {**title, "date": date_text(article.comments_close_at)}
        article_note_add(request, article, text, messages.WARNING)
    return HttpResponseRedirect(dashboard_url())
