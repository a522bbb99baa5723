"""What a page does with a link a reader followed from one of Parley's emails: says so when
the link cannot be used, and otherwise lets this browser stand for the address it was sent to."""

import time

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from comments.owner import own_comment_ids, remember_verified_email

from . import services
from .tokens import TokenBeforeRestore, TokenInvalid, TokenSpent

# The session key under which a guest's "manage your comments" link keeps their address,
# and the one under which it keeps until when (a Unix time).
MANAGE_SESSION_KEY = "parley_manage_email"
MANAGE_UNTIL_KEY = "parley_manage_until"
# How long one press of the link lets its browser act for the address: long enough to
# review, edit, download or delete, not the two weeks a session lasts, so that the next
# user of a shared computer finds nothing; the session also ends when the browser closes.
MANAGE_SECONDS = 60 * 60


def manage_start(request: HttpRequest, email: str) -> None:
    """Let this browser manage `email`'s comments for MANAGE_SECONDS."""
    request.session.cycle_key()
    request.session[MANAGE_SESSION_KEY] = email
    request.session[MANAGE_UNTIL_KEY] = time.time() + MANAGE_SECONDS
    if not request.user.is_authenticated:
        # A signed-in reader keeps the session their sign-in chose ("Remember me").
        request.session.set_expiry(0)


def managed_address(request: HttpRequest) -> str:
    """The address a manage link lets this browser act for now, or ""."""
    email = request.session.get(MANAGE_SESSION_KEY, "")
    if email and request.session.get(MANAGE_UNTIL_KEY, 0) > time.time():
        return email
    return ""


def reader_proven(request: HttpRequest) -> dict | None:
    """Whose own pages this browser may see: its account, or the address a link proved
    (as keyword arguments for the selectors and services), or None."""
    if request.user.is_authenticated:
        return {"user": request.user}
    email = managed_address(request)
    return {"email": email} if email else None


def token_failed(request: HttpRequest, error: TokenInvalid) -> HttpResponse:
    """The page for an emailed link that is altered, made for something else, expired, or
    from before a restore (which says how to follow or unsubscribe anew)."""
    context = {
        "reason": str(error),
        "restored": isinstance(error, TokenBeforeRestore),
        "spent": isinstance(error, TokenSpent),
    }
    return render(request, "readers/token_invalid.html", context, status=400)


def address_proven(request: HttpRequest, response: HttpResponse, email: str) -> HttpResponse:
    """This browser followed a link sent to `email`: its comments with that address, now
    and later, belong to a known author (see core.keys.author_key_for)."""
    if email:
        services.email_proven(email=email, own_ids=own_comment_ids(request))
        remember_verified_email(request, response, email)
    return response
