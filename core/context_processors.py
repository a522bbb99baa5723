"""Template context every page needs."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language

from .http import form_page
from .roles import is_author, is_moderator


def roles(request: HttpRequest) -> dict:
    """`is_author` and `is_moderator` for the header, from the one definition of each."""
    user = getattr(request, "user", None)
    return {"is_author": is_author(user), "is_moderator": is_moderator(user)}


def navigation(request: HttpRequest) -> dict:
    """`return_to`: where "Log in", "Sign up" and "Log out" bring the reader back to.

    The page they are on; on the account pages, the page they came from (allauth checks it
    again before redirecting). After a POST elsewhere (a form sent back with errors), the
    page the form was on, as the language switcher does: the address it was posted to may
    not answer a GET, and a reader who logs in to post what the form kept must land back
    on the article, not on the home page."""
    if request.method != "GET":
        if request.path.startswith("/accounts/"):
            return {"return_to": ""}
        target = form_page(request)  # a path on this site, or ""
        # A form posted from a page that answered a POST itself (the comment form sent back
        # with errors, posted again) leads to an address that may not answer a GET.
        again = urlsplit(target).path == request.path
        return {"return_to": "" if again else target}
    if request.path.startswith("/accounts/"):
        target = request.GET.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return {"return_to": target if safe else ""}
    return {"return_to": request.get_full_path()}


def language_switch(request: HttpRequest) -> dict:
    """What the footer's language switcher shows: the languages by their own names
    (`language_choices`), the one chosen (`language_current`) and the page it brings the
    reader back to (`language_next`, a path on this site).

    Its form on the shared article page has no CSRF token until a script fetches one; sent
    without (scripts off), it is refused, and the refusal page is rendered at the switcher's
    own address. There `language_refused` is the language that was asked for, and the form
    comes back with it chosen, the same page to return to, and a token this time."""
    refused = ""
    if request.method in ("GET", "HEAD"):
        target = request.get_full_path()
    elif request.path_info == reverse("set_language"):
        asked = request.POST.get("language", "")
        refused = asked if asked in dict(settings.LANGUAGES) else ""
        target = request.POST.get("next", "")
    else:
        target = form_page(request)
    # Paths only: the host is not read here, as the page refusing a bad Host renders this too.
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts=set())
    return {
        "language_choices": settings.LANGUAGES,
        "language_current": refused or get_language(),
        "language_refused": refused,
        "language_next": target if safe else "",
    }
