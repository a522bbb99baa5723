from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import page_cache, selectors
from .author_views import may_write
from .forms import UpdateForm


def article_list(request: HttpRequest) -> HttpResponse:
    """Front page: published articles, newest first."""
    articles = list(selectors.article_list_published()[:50])
    return render(request, "articles/article_list.html", {"articles": articles})


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """An article with its updates; the template adds the comment section. Anonymous
    readers get it from the page cache when it is there."""
    cached = page_cache.cached_response(request, slug)
    if cached is not None:
        return cached
    article = selectors.article_get_published(slug=slug)
    context = selectors.article_page_context(article=article)
    if may_write(request.user, article):
        context |= {"can_post_update": True, "update_form": UpdateForm()}
    response = render(request, "articles/article_detail.html", context)
    return page_cache.store(request, slug, response)
