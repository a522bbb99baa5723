from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


def article_list(request: HttpRequest) -> HttpResponse:
    """Front page: published articles, newest first."""
    articles = list(selectors.article_list_published()[:50])
    return render(request, "articles/article_list.html", {"articles": articles})


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """An article with its updates; the template adds the comment section."""
    article = selectors.article_get_published(slug=slug)
    return render(
        request, "articles/article_detail.html", selectors.article_page_context(article=article)
    )
