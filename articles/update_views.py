"""The author area's follow-up updates: post one on an article one writes, correct it or
withdraw it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.kept_post import post_kept_over_login, post_kept_take

from . import selectors, services
from .authoring import (
    author_required,
    date_text,
    may_write,
    update_for_author,
    update_note_add,
    update_top_note_add,
)
from .forms import UpdateCorrectionForm, UpdateForm
from .models import Article, ArticleUpdate


@require_POST
@author_required
@post_kept_over_login
def update_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Post a dated update on a published article one writes; it joins the timeline at once."""
    article = selectors.article_get_published(slug=slug)
    if not may_write(request.user, article):
        raise PermissionDenied(_("Only this article's authors can post updates to it."))
    form = UpdateForm(request.POST)
    if not form.is_valid():
        context = selectors.article_page_context(article=article)
        context |= {"can_post_update": True, "update_form": form}
        return render(request, "articles/article_detail.html", context, status=400)
    update, new = services.update_publish_once(
        article=article,
        author=request.user,
        body=form.cleaned_data["body"],
        submission=form.cleaned_data["submission"],
    )
    if new:
        update_note_add(request, update_id=update.pk, text=_("Your update is published."))
    else:
        text = _("This update was already published: it was not posted again.")
        update_note_add(request, update_id=update.pk, text=text, level=messages.INFO)
    return HttpResponseRedirect(f"{article.get_absolute_url()}#update-{update.pk}")


@require_http_methods(["GET", "POST"])
@author_required
@post_kept_over_login
def update_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Correct an update on an article one writes (followers are emailed only if asked)."""
    try:
        update = update_for_author(request.user, slug=slug, pk=pk)
    except Http404:
        if request.method != "POST":
            raise
        # Cancelled (in another tab, or by a co-author) while the correction was typed.
        return _update_gone(request, slug=slug, pk=pk, heading=_("Correction not saved"))
    template = "articles/update_edit.html"
    if request.method == "GET":
        kept = post_kept_take(request)
        initial = {"body": update.body, "loaded": services.update_text_digest(update.body)}
        form = UpdateCorrectionForm(kept or None, initial=initial)
        return render(request, template, {"update": update, "form": form})
    form = UpdateCorrectionForm(request.POST)
    if form.is_valid():
        try:
            update = services.update_correct(
                update=update,
                body=form.cleaned_data["body"],
                notify_followers=form.cleaned_data["notify_followers"],
                loaded=form.cleaned_data["loaded"],
            )
        except services.CorrectionAlreadySaved as repeat:
            return _repeat_answer(request, repeat.update)
        except ArticleUpdate.DoesNotExist:
            # Cancelled after this request read it, before the correction locked it.
            return _update_gone(request, slug=slug, pk=pk, heading=_("Correction not saved"))
        except ValidationError as error:
            form.add_error(None, error.messages)
    if not form.is_valid():
        update.refresh_from_db(fields=["withdrawn_at"])
        return render(request, template, {"update": update, "form": form}, status=400)
    if update.is_upcoming:
        text = _(
            "The update is changed. It comes out on %(date)s, when anyone following the article "
            "will get it by email as it now reads."
        )
        return _scheduled_answer(request, update, text % {"date": date_text(update.published_at)})
    if form.cleaned_data["notify_followers"]:
        text = _("Your correction is published. Anyone following the article will get it by email.")
    else:
        text = _("Your correction is published. Followers were not emailed.")
    update_note_add(request, update_id=update.pk, text=text)
    return HttpResponseRedirect(f"{update.article.get_absolute_url()}#update-{update.pk}")


@require_POST
@author_required
def update_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Withdraw an update on an article one writes: readers see only that it was withdrawn.
    One still scheduled is cancelled instead: it never comes out. A correction typed on the
    edit page but not saved comes with the withdrawal and is handed back, not dropped."""
    try:
        update = update_for_author(request.user, slug=slug, pk=pk)
    except Http404:
        return _update_gone(request, slug=slug, pk=pk, heading=_("Nothing to withdraw"))
    typed = request.POST.get("body", "").strip()
    if typed == update.body.strip():
        typed = ""  # nothing typed beyond what was stored: nothing to hand back
    if update.is_upcoming and services.update_cancel(update=update):
        text = _(
            "The update planned for %(date)s is cancelled: it will not come out, and "
            "followers will not hear of it."
        ) % {"date": date_text(update.published_at)}
        if typed:
            return _withdrawn_keeping(
                request, update, typed, heading=_("Update cancelled"), text=text
            )
        return _scheduled_answer(request, update, text)
    try:
        withdrawn = services.update_withdraw(update=update)
    except ArticleUpdate.DoesNotExist:
        # Cancelled by a first press of the button while this one was on its way.
        return _update_gone(request, slug=slug, pk=pk, heading=_("Nothing to withdraw"))
    if withdrawn:
        text = _("The update is withdrawn: readers now see only that it was withdrawn.")
        level = messages.SUCCESS
    else:
        text = _("That update was already withdrawn on %(date)s.") % {
            "date": date_text(update.withdrawn_at)
        }
        level = messages.INFO
    if typed:
        return _withdrawn_keeping(request, update, typed, heading=_("Update withdrawn"), text=text)
    update_note_add(request, update_id=update.pk, text=text, level=level)
    return HttpResponseRedirect(f"{update.article.get_absolute_url()}#update-{update.pk}")


def _withdrawn_keeping(
    request: HttpRequest, update: ArticleUpdate, typed: str, *, heading: str, text: str
) -> HttpResponse:
    """Say the update is withdrawn (or cancelled) on a page that hands back the correction
    typed but not saved: its text is nowhere to be read any more, so saving it would lose it
    as surely as dropping it."""
    context = {"article": update.article, "heading": heading, "text": text, "typed": typed}
    if update.is_withdrawn:
        context["update_id"] = update.pk
    return render(request, "articles/update_withdrawn.html", context)


def _update_gone(request: HttpRequest, *, slug: str, pk: int, heading: str) -> HttpResponse:
    """Answer, to those who write its article, a withdrawal or correction of an update no
    longer there: mostly a second press of Withdraw on one not out yet, which the first
    deleted, or a correction sent after that. Text typed is handed back under `heading`."""
    article = get_object_or_404(Article, slug=slug)
    if not may_write(request.user, article):
        raise Http404
    text = _("That update is no longer there: it was cancelled or removed.")
    if typed := request.POST.get("body", "").strip():
        context = {"article": article, "heading": heading, "text": text}
        return render(request, "articles/update_withdrawn.html", context | {"typed": typed})
    update_top_note_add(request, update_id=pk, text=text, level=messages.INFO)
    return HttpResponseRedirect(article.get_absolute_url())


def _scheduled_answer(request: HttpRequest, update: ArticleUpdate, text: str) -> HttpResponse:
    """Say what was done to an update not out yet at the top of its article, where the
    answer lands: the page does not show the update, so a note inside it would be lost."""
    update_top_note_add(request, update_id=update.pk, text=text)
    return HttpResponseRedirect(update.article.get_absolute_url())


def _repeat_answer(request: HttpRequest, update: ArticleUpdate) -> HttpResponse:
    """Land the author where the first save of the same correction did, saying so."""
    text = _("The update already reads as you typed it: it was saved once, not twice.")
    if update.is_upcoming:
        # Not on its article's page yet: said at the top, where the answer lands.
        update_top_note_add(request, update_id=update.pk, text=text, level=messages.INFO)
        return HttpResponseRedirect(update.article.get_absolute_url())
    update_note_add(request, update_id=update.pk, text=text, level=messages.INFO)
    return HttpResponseRedirect(f"{update.article.get_absolute_url()}#update-{update.pk}")
