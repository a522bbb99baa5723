"""The author area: the dashboard, and writing, previewing, saving and scheduling one's own
articles from the edit page (dashboard_views.py has the dashboard's one-press buttons,
update_views.py posts, corrects and withdraws updates)."""

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.kept_post import post_kept_over_login, post_kept_take

from . import selectors, services
from .authoring import (
    article_for_author,
    article_note_add,
    author_required,
    dashboard_url,
    datetime_text,
)
from .forms import ArticleForm, ScheduleForm
from .models import Article, PublicationState
from .rendering import markdown_to_safe_html


@require_GET
@author_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The author's articles, drafts first, with their state and what can be done next."""
    articles = Article.objects.all()
    if not request.user.is_superuser:
        articles = articles.authored_by(request.user)
    articles = articles.prefetch_related("authors").order_by(
        F("published_at").desc(nulls_first=True), "-updated_at", "-pk"
    )
    return render(request, "articles/author/dashboard.html", {"articles": list(articles)})


@require_http_methods(["GET", "POST"])
@author_required
@post_kept_over_login
def article_new(request: HttpRequest) -> HttpResponse:
    """Write a new article; saving keeps it as a draft with the writer as its author."""
    return _article_form(request, article=None)


@require_http_methods(["GET", "POST"])
@author_required
@post_kept_over_login
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an article one writes, draft or published."""
    return _article_form(request, article=article_for_author(request.user, pk))


def _schedule_form_for(article: Article) -> ScheduleForm:
    """The scheduling form, showing the planned time of a scheduled article."""
    if article.publication_state == PublicationState.SCHEDULED:
        return ScheduleForm(initial={"publish_at": timezone.localtime(article.published_at)})
    return ScheduleForm()


def _article_form(request: HttpRequest, *, article: Article | None) -> HttpResponse:
    """Show, preview (without saving) or save the article form."""
    template = "articles/author/article_form.html"
    context = {"article": article}
    if article is not None:
        context["schedule_form"] = _schedule_form_for(article)
    if request.method == "GET":
        if kept := post_kept_take(request):
            return render(request, template, context | {"form": ArticleForm(kept)})
        initial = ArticleForm.initial_for(article) if article else None
        return render(request, template, context | {"form": ArticleForm(initial=initial)})
    intent = "save" if article is None else _edit_intent(request.POST)
    if intent == "schedule":
        # "Schedule" sends this form with its time: the text shown is saved and scheduled.
        context["schedule_form"] = ScheduleForm(request.POST)
    form = ArticleForm(request.POST)
    if not form.is_valid() or (intent == "schedule" and not context["schedule_form"].is_valid()):
        return render(request, template, context | {"form": form}, status=400)
    data = form.cleaned_data
    submission = data.pop("submission")
    if "preview" in request.POST:
        # Safe to mark: markdown_to_safe_html passes everything through nh3's allowlist.
        preview_html = mark_safe(markdown_to_safe_html(data["body"]))  # noqa: S308
        return render(request, template, context | {"form": form, "preview_html": preview_html})
    try:
        if article is None:
            data.pop("loaded_at")
            return _article_create(request, data, submission=submission)
        planned = _planned_at(article)
        options = _edit_options(intent, context["schedule_form"])
        article = services.article_edit(article=article, **data, **options)
    except services.ArticleEditConflict as conflict:
        return _article_conflict(request, template, context, conflict)
    except ValidationError as error:
        if article is not None:
            # Nothing was saved: the page names the article as it is, not as typed.
            article.refresh_from_db()
        (context["schedule_form"] if intent == "schedule" else form).add_error(None, error.messages)
        return render(request, template, context | {"form": form}, status=400)
    return _edit_answer(request, article, intent, planned=planned)


# The edit page's buttons besides Save; each saves the text shown first.
EDIT_INTENTS = ("publish", "schedule", "unschedule")


def _edit_intent(post) -> str:
    """Which button sent the edit page's form: save, publish, schedule or unschedule."""
    return next((intent for intent in EDIT_INTENTS if intent in post), "save")


def _edit_options(intent: str, schedule_form: ScheduleForm) -> dict:
    """What services.article_edit does besides saving, for the button pressed."""
    if intent == "publish":
        return {"publish": True}
    if intent == "schedule":
        return {"schedule_at": schedule_form.cleaned_data["publish_at"]}
    # The text shown is kept: going back to draft is about when, not what, to publish.
    return {"unschedule": intent == "unschedule"}


def _edit_answer(
    request: HttpRequest, article: Article, intent: str, *, planned: datetime | None
) -> HttpResponse:
    """Say what the edit did: a plain save stays on the form, the rest go to the dashboard."""
    title = {"title": article.title}
    if intent == "save":
        article_note_add(request, article, _("“%(title)s” saved.") % title)
        return HttpResponseRedirect(reverse("articles:author_edit", args=[article.pk]))
    if intent == "publish":
        article_note_add(request, article, _("“%(title)s” is published.") % title)
    elif intent == "schedule":
        _scheduled_say(request, article, planned=planned)
    else:
        text = _("“%(title)s” is saved, and a draft again: it will not be published.")
        article_note_add(request, article, text % title)
    return HttpResponseRedirect(dashboard_url())


def _article_create(request: HttpRequest, data: dict, *, submission) -> HttpResponse:
    """Save a new article as a draft, once for the page it was typed on."""
    article, new = services.article_create_once(
        authors=[request.user], submission=submission, **data
    )
    title = {"title": article.title}
    if new:
        article_note_add(request, article, _("Draft “%(title)s” saved.") % title)
    else:
        text = _("“%(title)s” was already saved as a draft: it was not saved again.")
        article_note_add(request, article, text % title, messages.INFO)
    return HttpResponseRedirect(reverse("articles:author_edit", args=[article.pk]))


def _article_conflict(
    request: HttpRequest, template: str, context: dict, conflict: services.ArticleEditConflict
) -> HttpResponse:
    """The form again, with what the author typed, saying the article was saved by someone
    else meanwhile and showing that version; saving again from here replaces it."""
    article = context["article"]
    article.refresh_from_db()
    # Now loaded at the version shown, so the next save is a choice made having seen it.
    data = request.POST.copy()
    data["loaded_at"] = article.updated_at.isoformat()
    form = ArticleForm(data)
    form.is_valid()
    text = _(
        "Someone else saved this article on %(when)s, after you opened it, so your changes "
        "were not saved. Your text is kept below; compare it with their version, then save "
        "again to replace it."
    )
    form.add_error(None, text % {"when": datetime_text(conflict.saved_at)})
    return render(request, template, context | {"form": form, "conflict": True}, status=409)


@require_GET
@author_required
def article_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """An article as readers will see it, without its comment section."""
    article = article_for_author(request.user, pk)
    if not article.is_published:
        messages.info(request, _("Preview: readers cannot see this article yet."))
    context = selectors.article_page_context(article=article) | {"preview": True}
    return render(request, "articles/article_detail.html", context)


@require_POST
@author_required
def article_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Schedule an article one writes to publish at a time to come, or move its time."""
    article = article_for_author(request.user, pk)
    planned = _planned_at(article)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.article_schedule(article=article, when=form.cleaned_data["publish_at"])
        except ValidationError as error:
            form.add_error(None, error.messages)
    if not form.is_valid():
        context = {
            "article": article,
            "form": ArticleForm(initial=ArticleForm.initial_for(article)),
            "schedule_form": form,
        }
        return render(request, "articles/author/article_form.html", context, status=400)
    _scheduled_say(request, article, planned=planned)
    return HttpResponseRedirect(dashboard_url())


def _planned_at(article: Article) -> datetime | None:
    """When a scheduled article was to publish before this request (None: not scheduled)."""
    return article.published_at if article.publication_state == PublicationState.SCHEDULED else None


def _scheduled_say(request: HttpRequest, article: Article, *, planned: datetime | None) -> None:
    """Say when the article now publishes, and that its time moved only if it did (the same
    time again is a second press of the same button)."""
    if planned is not None and planned != article.published_at:
        text = _("“%(title)s” is now scheduled to publish on %(when)s.")
    else:
        text = _("“%(title)s” is scheduled to publish on %(when)s.")
    article_note_add(
        request,
        article,
        text % {"title": article.title, "when": datetime_text(article.published_at)},
    )
