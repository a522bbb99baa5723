"""The anonymous article page: rendered once for every reader it is not personal to, kept
whole in the cache and answered by the first middleware (articles/middleware.py) before
sessions, authentication or templates are touched.

Who shares it: readers with no session, no comments of their own, no saved commenter details
and no pending messages (`shareable`). Their page is rendered without a CSRF token (a script,
static/js/csrf.js, fetches one when a form is first used), so its bytes are the same for
everyone and a reverse proxy or CDN may keep them too.

What is kept (`StoredPage`): the 200 response the whole middleware stack produced, with its
security headers but without cookies or `Vary: Cookie`, its body and a gzip copy, a strong
ETag for each, and the time it was stored as Last-Modified.

Dropping it: each article has a version token in the cache; changing it (`page_invalidate`
deletes it, and the next lookup makes another) orphans every cached page of that article at
once. A page is kept under the version read
before it was rendered, so a render that raced a change is never served as current.
"""

import functools
import gzip
import hashlib
import logging
import re
import time
import uuid
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.utils.http import http_date, parse_http_date_safe, urlencode
from django.utils.translation import get_language_from_request

from .page_recent import page_recalled, page_remember, version_current

logger = logging.getLogger(__name__)

# Cookies that make a page personal (their names are kept in one place here on purpose:
# the articles app knows nothing of comments, only which cookies mean "not anonymous").
PERSONAL_COOKIES = (
    "parley_own", "parley_commenter", "messages", "parley_voter", "parley_corder"
)  # fmt: skip
# Every query parameter the shared page is rendered from (comments.presenters_section reads
# them): one left out would let a reader's query shape the page stored for everyone else.
PAGE_PARAMETERS = ("cpage", "corder", "replyto", "thread", "context")
# Part of every page's key. Change it with StoredPage's shape: while a deploy rolls, the
# old code and the new never read each other's pages (unpickling one would fail).
PAGE_FORMAT = "2"
# Headers the stored page writes itself for each answer; the rendered ones are dropped.
OWN_HEADERS = frozenset(
    ("cache-control", "content-encoding", "content-length", "etag", "expires",
     "last-modified", "vary", "x-parley-cache")
)  # fmt: skip
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# What a page that is not shared says, so no proxy keeps a reader's own page.
PERSONAL_CACHE_CONTROL = "private, no-cache"


class Variant(NamedTuple):
    """One encoding of a stored page: its body, its strong ETag and the headers it is sent
    with in full (`headers`) or as a 304 (`validators`)."""

    body: bytes
    etag: str
    headers: tuple[tuple[str, str], ...]
    validators: tuple[tuple[str, str], ...]


class StoredPage(NamedTuple):
    version: str
    expires: float
    modified_at: int
    last_modified: str
    plain: Variant
    gzipped: Variant


def shareable(request: HttpRequest) -> bool:
    """Whether this request may be answered with (and may fill) the shared page."""
    if settings.PARLEY_PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies:
        return False
    return not any(name in cookies for name in PERSONAL_COOKIES)


def shared_render(request: HttpRequest, template_name: str, context: dict) -> HttpResponse:
    """Render a page every reader `shareable` allows may be given: its forms carry no CSRF
    token, and the response is marked for the page cache to keep."""
    # Where "Log in" and the language switcher bring the reader back to: this page by the
    # parameters that key it, never the rest of this one reader's query, which would be kept
    # in the page every other reader of that key is given.
    address = request.path + query_kept(request.GET)
    shared = {"csrf_token": "", "return_to": address, "language_next": address}
    response = render(request, template_name, {**context, **shared})
    response.page_shared = True
    return response


def _version_key(slug: str) -> str:
    return f"parley:page:{slug}:version"


def _query_digest(values: dict) -> str:
    query = "&".join(f"{name}={values.get(name, '')}" for name in PAGE_PARAMETERS)
    return hashlib.sha256(query.encode()).hexdigest()[:24]


NO_QUERY = _query_digest({})


def query_kept(values) -> str:
    """The query of the parameters that key a page, in PAGE_PARAMETERS' order ("" if none)."""
    kept = urlencode([(name, values[name]) for name in PAGE_PARAMETERS if values.get(name)])
    return f"?{kept}" if kept else ""


def _shaping_settings() -> list[str]:
    return sorted(
        name
        for name in dir(settings)
        if name.startswith(("PARLEY_", "COMMENT")) or name == "LANGUAGES"
    )


@functools.cache
def _built_by(secret_key: str) -> str:
    """Which key signed a page's comment form, and the settings that shaped the page (threads
    per page, depth, order, the form's fields…): a page stored before a restart with another
    SECRET_KEY is not served, since its form would fail the check and its reader be told the
    form was tampered with; nor one stored under other settings, which would show the page
    as it was before them until it expired."""
    shaped = repr([(name, getattr(settings, name)) for name in _shaping_settings()])
    return hashlib.sha256(
        b"parley-page-form:" + secret_key.encode() + b"\0" + shaped.encode()
    ).hexdigest()[:12]


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    # Settings change in a running process only under tests (override_settings).
    _built_by.cache_clear()


def _page_key(request: HttpRequest, slug: str) -> str:
    digest = _query_digest(request.GET) if request.META.get("QUERY_STRING") else NO_QUERY
    return f"parley:page:{slug}:{digest}:{page_rendering(request)}"


def page_rendering(request: HttpRequest) -> str:
    """What besides the article and the address shapes its page: the language LocaleMiddleware
    will pick (the switcher's cookie, then Accept-Language), each language's page kept apart
    under one version so that one change drops them all; the key and settings it was built
    under (_built_by), and the stored format."""
    language = get_language_from_request(request)
    return f"{language}:{_built_by(settings.SECRET_KEY)}:{PAGE_FORMAT}"


def page_invalidate(*, slug: str) -> None:
    """Drop every cached page of an article (call after its visible content changed)."""
    # Deleting the token is changing it: the next lookup makes a new one (page_lookup), and
    # no page kept under the old one matches it again. On the file cache a delete is one
    # unlink, a write a temporary file and a rename: a fifth of a millisecond of each post.
    cache.delete(_version_key(slug))


def page_keys(request: HttpRequest, slug: str) -> tuple[str, str]:
    """The article's version key, and the key of the page this request is given."""
    return _version_key(slug), _page_key(request, slug)


def page_lookup(request: HttpRequest, slug: str) -> tuple[StoredPage | None, str]:
    """The stored page for this request if it is current, and the article's version to
    store a fresh one under."""
    return page_found(*page_keys(request, slug))


def page_found(version_key: str, page_key: str) -> tuple[StoredPage | None, str]:
    """page_lookup by its keys. When this process has the page already, only the article's
    version is read (page_recent); else one cache round trip when the page is there."""
    recent = page_recalled(page_key)
    if (
        recent is not None
        and recent.expires > time.time()
        and version_current(version_key, recent.version)
    ):
        return recent, recent.version
    found = cache.get_many([version_key, page_key])
    version, page = found.get(version_key), found.get(page_key)
    if version is None:
        version = uuid.uuid4().hex
        # Another process may have set one meanwhile: theirs wins, so both store alike.
        if not cache.add(version_key, version, None):
            version = cache.get(version_key) or version
        return None, version
    if page is None or page.version != version:
        return None, version
    page_remember(page_key, page)
    return page, version


def page_store(
    request: HttpRequest, slug: str, version: str, response: HttpResponse
) -> StoredPage | None:
    """Keep a freshly rendered shared page under `version`; None if it may not be shared."""
    if (
        response.status_code != 200
        or response.streaming
        or not getattr(response, "page_shared", False)
    ):
        return None
    if response.cookies:
        # Something in the stack wrote a cookie for this reader: not a page to share.
        logger.warning("page %s not cached: it set %s", slug, ", ".join(response.cookies))
        return None
    modified_at = int(time.time())
    last_modified = http_date(modified_at)
    vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
    vary = [v for v in vary if v.lower() not in ("cookie", "accept-encoding")]
    common = {
        "Vary": ", ".join([*vary, "Accept-Encoding"]),
        # Browsers ask again every time (max-age=0, cheap with the validators): a poster is
        # redirected to this same address and must see their comment, which a copy kept by
        # their browser would hide. Shared caches (bypassed for readers with cookies, see
        # deploy/nginx-parley.conf) keep it a few seconds.
        "Cache-Control": f"public, max-age=0, s-maxage={settings.PARLEY_PAGE_PROXY_SECONDS}",
        "Last-Modified": last_modified,
    }
    rendered = [(k, v) for k, v in response.items() if k.lower() not in OWN_HEADERS]
    body = response.content
    # mtime=0: the same page compresses to the same bytes (and ETag) in every process.
    plain = _variant(body, body, rendered, common, encoding="")
    gzipped = _variant(body, gzip.compress(body, 6, mtime=0), rendered, common, encoding="gzip")
    seconds = settings.PARLEY_PAGE_CACHE_SECONDS
    page = StoredPage(version, time.time() + seconds, modified_at, last_modified, plain, gzipped)
    key = _page_key(request, slug)
    cache.set(key, page, seconds)
    page_remember(key, page)
    return page


def _variant(
    original: bytes, body: bytes, rendered: list, common: dict, *, encoding: str
) -> Variant:
    digest = hashlib.sha256(original).hexdigest()[:32]
    etag = f'"{digest}-{encoding}"' if encoding else f'"{digest}"'
    validators = {"ETag": etag, **common}
    headers = [*rendered, *validators.items(), ("Content-Length", str(len(body)))]
    if encoding:
        headers.append(("Content-Encoding", encoding))
    return Variant(body, etag, tuple(headers), tuple(validators.items()))


def page_answer(request: HttpRequest, page: StoredPage, *, label: str) -> HttpResponse:
    """The stored page as this request asks for it: gzip or not, whole, headers only, or a
    304 when the reader's copy is current."""
    status, headers, body = page_parts(request.META, page, label=label)
    if status == 304:
        return HttpResponseNotModified(headers=headers)
    return HttpResponse(body, headers=headers)


def page_parts(
    meta: dict, page: StoredPage, *, label: str
) -> tuple[int, list[tuple[str, str]], bytes]:
    """What page_answer sends for a request's META (or a WSGI environ), as status, headers
    and body (articles/page_front.py sends them with no request or response made)."""
    accepted = meta.get("HTTP_ACCEPT_ENCODING", "")
    variant = page.gzipped if ACCEPTS_GZIP.search(accepted) else page.plain
    if _reader_copy_current(meta, variant.etag, page):
        return 304, [*variant.validators, ("X-Parley-Cache", label)], b""
    body = b"" if meta.get("REQUEST_METHOD", "").upper() == "HEAD" else variant.body
    return 200, [*variant.headers, ("X-Parley-Cache", label)], body


def _reader_copy_current(meta: dict, etag: str, page: StoredPage) -> bool:
    # If-None-Match wins over If-Modified-Since when both are sent (RFC 9110, 13.2.2). Its
    # comparison is weak, so W/"x" matches "x": a substring test does that, and the quotes
    # keep "x" from matching "x-gzip".
    if_none_match = meta.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        return etag in if_none_match or if_none_match.strip() == "*"
    since = meta.get("HTTP_IF_MODIFIED_SINCE")
    if since is None:
        return False
    if since == page.last_modified:
        return True
    since_time = parse_http_date_safe(since)
    return since_time is not None and page.modified_at <= since_time
