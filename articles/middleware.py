"""Ahead of every middleware but core's outage guard: the shared article page, answered
from articles/page_cache.py."""

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from . import page_cache

# articles.urls' `articles/<slug:slug>/`, matched here without resolving the whole URL map.
ARTICLE_PAGE = re.compile(r"/articles/(?P<slug>[-a-zA-Z0-9_]+)/\Z")


class PageCacheMiddleware:
    """Answer a shareable request for an article page with the stored page, before any
    other middleware runs; keep the page the rest of the stack renders for it. Every other
    answer on an article page is marked private, so no proxy shares a personal page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        match = ARTICLE_PAGE.match(request.path_info)
        if match is None:
            return self.get_response(request)
        if not may_share(request):
            response = self.get_response(request)
            response.setdefault("Cache-Control", page_cache.PERSONAL_CACHE_CONTROL)
            return response
        slug = match["slug"]
        page, version = page_cache.page_lookup(request, slug)
        if page is not None:
            return page_cache.page_answer(request, page, label="hit")
        response = self.get_response(request)
        page = page_cache.page_store(request, slug, version, response)
        if page is None:
            response.setdefault("Cache-Control", page_cache.PERSONAL_CACHE_CONTROL)
            return response
        return page_cache.page_answer(request, page, label="miss")


def may_share(request: HttpRequest) -> bool:
    """Whether the shared page may answer: no personal cookie, and nothing the skipped
    middleware would refuse (an unknown Host raises DisallowedHost, a 400; plain HTTP where
    SecurityMiddleware redirects to HTTPS)."""
    if not page_cache.shareable(request):
        return False
    request.get_host()
    return request.is_secure() or not settings.SECURE_SSL_REDIRECT
