"""The anonymous article page, served from the cache and dropped when its content changes.

Only readers the page is not personal to are served from it: no session, no comments of
their own, no saved commenter details, no pending messages. Each article has a version token
in the cache; changing it (`page_invalidate`) orphans every cached page of that article at
once. The CSRF token in cached HTML is a placeholder, replaced per request by a token for
that reader, so forms on a cached page work like on a fresh one.
"""

import hashlib
import logging
import re
import uuid

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

logger = logging.getLogger(__name__)

# Cookies that make a page personal (their names are kept in one place here on purpose:
# the articles app knows nothing of comments, only which cookies mean "not anonymous").
PERSONAL_COOKIES = ("parley_own", "parley_commenter", "messages")
PAGE_PARAMETERS = ("cpage", "corder", "replyto", "thread")
CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = "__parley_csrf_token__"


def _version_key(slug: str) -> str:
    return f"parley:page:{slug}:version"


def page_invalidate(*, slug: str) -> None:
    """Drop every cached page of an article (call after its visible content changed)."""
    cache.set(_version_key(slug), uuid.uuid4().hex, None)


def _usable(request: HttpRequest) -> bool:
    if settings.PARLEY_PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies:
        return False
    return not any(name in cookies for name in PERSONAL_COOKIES)


def _page_key(request: HttpRequest, slug: str, version: str) -> str:
    query = "&".join(f"{name}={request.GET.get(name, '')}" for name in PAGE_PARAMETERS)
    digest = hashlib.sha256(query.encode()).hexdigest()[:24]
    return f"parley:page:{slug}:{version}:{digest}"


def cached_response(request: HttpRequest, slug: str) -> HttpResponse | None:
    """The cached page for this anonymous request, with a fresh CSRF token, if there is one."""
    if not _usable(request):
        return None
    version = cache.get(_version_key(slug))
    html = cache.get(_page_key(request, slug, version)) if version else None
    if html is None:
        return None
    response = HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))
    response["X-Parley-Cache"] = "hit"
    return response


def store(request: HttpRequest, slug: str, response: HttpResponse) -> HttpResponse:
    """Keep a freshly rendered anonymous page for the next readers."""
    if not _usable(request) or response.status_code != 200 or response.cookies.get("messages"):
        return response
    version = cache.get(_version_key(slug))
    if version is None:
        version = uuid.uuid4().hex
        cache.add(_version_key(slug), version, None)
        version = cache.get(_version_key(slug)) or version
    html = CSRF_INPUT.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", response.content.decode())
    cache.set(_page_key(request, slug, version), html, settings.PARLEY_PAGE_CACHE_SECONDS)
    response["X-Parley-Cache"] = "miss"
    return response
