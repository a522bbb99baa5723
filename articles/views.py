from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.kept_post import post_kept_take

from . import page_cache, page_shell, selectors
from .authoring import may_write, update_notes
from .forms import UpdateForm


def article_list(request: HttpRequest) -> HttpResponse:
    """Front page: published articles, newest first."""
    articles = list(selectors.article_list_published()[:50])
    return render(request, "articles/article_list.html", {"articles": articles})


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """An article with its updates; the template adds the comment section. Readers it is
    not personal to get the shared page, which the page cache middleware keeps and serves;
    guests whose comments make it theirs, a page around a kept shell (page_shell)."""
    article = selectors.article_get_published(slug=slug)
    if page_cache.shareable(request):
        context = selectors.article_page_context(article=article)
        return page_cache.shared_render(request, "articles/article_detail.html", context)
    if page_shell.shell_fits(request):
        response = page_shell.shell_page(request, article)
        if response is not None:
            return response
    context = selectors.article_page_context(article=article)
    if may_write(request.user, article):
        kept = post_kept_take(request, path=reverse("articles:update_new", args=[slug]))
        context |= {"can_post_update": True, "update_form": UpdateForm(kept)}
    context["update_notes"] = update_notes(request)
    return render(request, "articles/article_detail.html", context)


@require_GET
@never_cache
def csrf_token(request: HttpRequest) -> JsonResponse:
    """A CSRF token for this browser (the response sets its cookie): the forms of a shared
    page carry none, and static/js/csrf.js asks here before one is sent."""
    return JsonResponse({"token": get_token(request)})
