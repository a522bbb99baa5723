"""The author area: write, preview and publish one's own articles, and post updates on them."""

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.roles import is_author, role_required

from . import selectors, services
from .forms import ArticleForm, UpdateForm
from .models import Article, CommentsState
from .rendering import markdown_to_safe_html

# The dashboard's comment buttons: action name -> whether comments end up open.
COMMENT_ACTIONS = {"close": False, "open": True}


def may_write(user, article: Article) -> bool:
    """Whether `user` may change `article`: a superuser, or one of its authors who is an author."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    # The page has prefetched the authors: no query unless the user is one of them.
    return any(a.pk == user.pk for a in article.authors.all()) and is_author(user)


author_required = role_required(is_author, "Only authors can do that.")


def article_for_author(user, pk: int) -> Article:
    """The article with this id, if `user` may change it: 404 if missing, 403 if not theirs."""
    article = get_object_or_404(Article.objects.prefetch_related("authors"), pk=pk)
    if not may_write(user, article):
        raise PermissionDenied("You can only change your own articles.")
    return article


def _dashboard_url() -> str:
    return reverse("articles:author_dashboard")


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
def article_new(request: HttpRequest) -> HttpResponse:
    """Write a new article; saving keeps it as a draft with the writer as its author."""
    return _article_form(request, article=None)


@require_http_methods(["GET", "POST"])
@author_required
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an article one writes, draft or published."""
    return _article_form(request, article=article_for_author(request.user, pk))


def _article_form(request: HttpRequest, *, article: Article | None) -> HttpResponse:
    """Show, preview (without saving) or save the article form."""
    template = "articles/author/article_form.html"
    context = {"article": article}
    if request.method == "GET":
        initial = ArticleForm.initial_for(article) if article else None
        return render(request, template, context | {"form": ArticleForm(initial=initial)})
    form = ArticleForm(request.POST)
    if not form.is_valid():
        return render(request, template, context | {"form": form}, status=400)
    data = form.cleaned_data
    if "preview" in request.POST:
        # Safe to mark: markdown_to_safe_html passes everything through nh3's allowlist.
        preview_html = mark_safe(markdown_to_safe_html(data["body"]))  # noqa: S308
        return render(request, template, context | {"form": form, "preview_html": preview_html})
    try:
        if article is None:
            article = services.article_create(authors=[request.user], **data)
            messages.success(request, f"Draft “{article.title}” saved.")
        else:
            article = services.article_edit(article=article, **data)
            messages.success(request, f"“{article.title}” saved.")
    except ValidationError as error:
        form.add_error(None, error.messages)
        return render(request, template, context | {"form": form}, status=400)
    return HttpResponseRedirect(reverse("articles:author_edit", args=[article.pk]))


@require_GET
@author_required
def article_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """An article as readers will see it, without its comment section."""
    article = article_for_author(request.user, pk)
    if not article.is_published:
        messages.info(request, "Preview: readers cannot see this article yet.")
    context = selectors.article_page_context(article=article) | {"preview": True}
    return render(request, "articles/article_detail.html", context)


@require_POST
@author_required
def article_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish an article one writes now."""
    article = article_for_author(request.user, pk)
    if article.status == Article.Status.PUBLISHED:
        messages.info(request, f"“{article.title}” is already published.")
    else:
        services.article_publish(article=article)
        messages.success(request, f"“{article.title}” is published.")
    return HttpResponseRedirect(_dashboard_url())


@require_POST
@author_required
def article_comments(request: HttpRequest, pk: int) -> HttpResponse:
    """Close or reopen the comments on an article one writes."""
    article = article_for_author(request.user, pk)
    action = request.POST.get("action", "")
    if action not in COMMENT_ACTIONS:
        raise BadRequest("Choose to close or open the comments.")
    services.article_set_comments_open(article=article, is_open=COMMENT_ACTIONS[action])
    state = article.comments_state
    if state == CommentsState.CLOSED:
        messages.success(request, f"Comments on “{article.title}” are closed.")
    elif state != CommentsState.CLOSED_BY_AGE:
        messages.success(request, f"Comments on “{article.title}” are open.")
    else:
        closed_on = date_format(timezone.localtime(article.comments_close_at), "j F Y")
        messages.warning(
            request,
            f"Comments on “{article.title}” are still closed: they closed by themselves on "
            f"{closed_on}. Change “Close comments after” to reopen them.",
        )
    return HttpResponseRedirect(_dashboard_url())


@require_POST
@author_required
def update_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Post a dated update on a published article one writes; it joins the timeline at once."""
    article = selectors.article_get_published(slug=slug)
    if not may_write(request.user, article):
        raise PermissionDenied("Only this article's authors can post updates to it.")
    form = UpdateForm(request.POST)
    if not form.is_valid():
        context = selectors.article_page_context(article=article)
        context |= {"can_post_update": True, "update_form": form}
        return render(request, "articles/article_detail.html", context, status=400)
    update = services.update_publish(
        article=article, author=request.user, body=form.cleaned_data["body"]
    )
    messages.success(request, "Your update is published.")
    return HttpResponseRedirect(f"{article.get_absolute_url()}#update-{update.pk}")
