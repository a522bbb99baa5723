"""A guest's own article page, built around a shell kept in the page cache.

The page a poster lands on after each comment is theirs alone: it marks their comments,
fills the form with their saved details and confirms what they posted, so the shared page
(articles/page_cache.py) cannot answer it. But for a guest (no session) it differs from any
other guest's page in three places only: the comment section, the CSRF token its forms carry
and the address "Log in" and the language switcher bring them back to. The rest (the article,
its updates and byline, the header, the follow box, the footer) is rendered once and kept in
the page cache as the shell; each visit renders the comment section for its reader and puts
the three in.

The shell holds nothing about comments, so it is kept under a version of its own that only
the article's own changes drop (shell_invalidate, from articles.services.pages_refresh):
the shared page's version changes with every comment, and a shell under it would be rebuilt
for every poster's landing. It is keyed, as a page is, by language and by the key and
settings that built it, and lives PARLEY_PAGE_CACHE_SECONDS at most.

Who is answered this way (shell_fits): a guest asking for the page by the parameters that key
it, written in their order (so the address spliced in is the address asked for), with no
queued message but those the comment section shows itself. Anyone else gets the whole page.
"""

import functools
import re
import secrets
import time
from typing import NamedTuple

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from . import page_cache, selectors
from .page_recent import page_remember

# The tags of the messages the comment section shows itself (comments.notices): a comment's
# confirmation and its notes. Others (the follow box's, a page-wide one) are shown outside it.
SECTION_MESSAGE_TAGS = frozenset(("comment-notice", "comment-notice-note"))
# Stand-ins in the shell for what each visit puts in, random per process so that no text of
# the article can be one. Each is left alone by the filters it goes through: the token by
# {% csrf_token %}, the address by |urlencode (base.html) and by escaping (the switcher).
_SECTION = f"<!--parley-section-{secrets.token_hex(8)}-->"
_TOKEN = f"parleytoken{secrets.token_hex(8)}"
_RETURN_TO = f"/parley-return-{secrets.token_hex(8)}"
_LANGUAGE_NEXT = f"/parley-language-{secrets.token_hex(8)}"
# Change with Shell's shape (see page_cache.PAGE_FORMAT).
SHELL_FORMAT = "1"


class Shell(NamedTuple):
    """The page around the comment section: its texts, and between each two the name of the
    part a visit puts there (one of _SLOTS' values)."""

    version: str
    expires: float
    texts: tuple[str, ...]
    slots: tuple[str, ...]


_SLOTS = {_SECTION: "section", _TOKEN: "token", _RETURN_TO: "return", _LANGUAGE_NEXT: "language"}
_STAND_INS = re.compile("(" + "|".join(map(re.escape, _SLOTS)) + ")")


def shell_fits(request: HttpRequest) -> bool:
    """Whether this request's page may be built around the shell (see the module's notes);
    call for a request that may not have the shared page."""
    if settings.PARLEY_PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    if request.get_full_path() != request.path + page_cache.query_kept(request.GET):
        return False
    # Reading them here leaves them for the page: they are cleared once the answer is sent.
    return all(
        SECTION_MESSAGE_TAGS.intersection(message.extra_tags.split())
        for message in get_messages(request)
    )


def shell_page(request: HttpRequest, article) -> HttpResponse | None:
    """The article page for a request shell_fits, its shell read or built; None if the
    template gave no place for the comment section (the whole page is rendered then)."""
    version_key, key = _shell_keys(request, article.slug)
    shell, version = page_cache.page_found(version_key, key)
    label = "hit"
    if shell is None:
        shell, label = _shell_build(request, article, version, key), "miss"
        if shell is None:
            return None
    token = get_token(request)
    address = request.get_full_path()
    filled = {
        "section": _section_template().render(
            {"article": article, "csrf_token": token, "request": request}
        ),
        "token": token,
        "return": urlencode(address),
        "language": conditional_escape(address),
    }
    parts = [shell.texts[0]]
    for slot, text in zip(shell.slots, shell.texts[1:], strict=True):
        parts += (filled[slot], text)
    response = HttpResponse("".join(parts))
    response.page_shell = label  # for tests: which way the page was built
    return response


def shell_invalidate(*, slug: str) -> None:
    """Drop the shells of an article (call after the article itself changed: its text,
    updates, authors, publication); a comment's change drops only its pages."""
    cache.delete(_version_key(slug))


def _version_key(slug: str) -> str:
    return f"parley:shell:{slug}:version"


def _shell_keys(request: HttpRequest, slug: str) -> tuple[str, str]:
    rendering = page_cache.page_rendering(request)
    return _version_key(slug), f"parley:shell:{slug}:{rendering}:{SHELL_FORMAT}"


def _shell_build(request: HttpRequest, article, version: str, key: str) -> Shell | None:
    context = selectors.article_page_context(article=article)
    context |= {
        "section_marker": mark_safe(_SECTION),  # noqa: S308 - a constant comment
        "csrf_token": _TOKEN,
        "return_to": _RETURN_TO,
        "language_next": _LANGUAGE_NEXT,
        # No message is shown outside the section (shell_fits), nor a note on an update,
        # which only the article's authors get.
        "messages": (),
        "update_notes": [],
    }
    html = render_to_string("articles/article_detail.html", context, request)
    # Stored cut at the stand-ins: they are this process's, and another reads the shell.
    pieces = _STAND_INS.split(html)
    slots = tuple(_SLOTS[stand_in] for stand_in in pieces[1::2])
    if slots.count("section") != 1:
        return None
    seconds = settings.PARLEY_PAGE_CACHE_SECONDS
    shell = Shell(version, time.time() + seconds, tuple(pieces[::2]), slots)
    cache.set(key, shell, seconds)
    page_remember(key, shell)
    return shell


@functools.cache
def _section_template():
    # The article template's own tag, on its own: what it renders there, given the context
    # it reads (the request, the article, the token; no form or notice of the view's).
    return engines["django"].from_string("{% load comment_tags %}{% comment_section article %}")
