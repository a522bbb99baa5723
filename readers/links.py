"""What a page does with a link a reader followed from one of Parley's emails: says so when
the link cannot be used, and otherwise lets this browser stand for the address it was sent to."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from comments.owner import own_comment_ids, remember_verified_email

from . import services
from .tokens import TokenBeforeRestore, TokenInvalid, TokenSpent

# The session key under which a guest's "manage your comments" link keeps their address.
MANAGE_SESSION_KEY = "parley_manage_email"


def reader_proven(request: HttpRequest) -> dict | None:
    """Whose own pages this browser may see: its account, or the address a link proved
    (as keyword arguments for the selectors and services), or None."""
    if request.user.is_authenticated:
        return {"user": request.user}
    email = request.session.get(MANAGE_SESSION_KEY, "")
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
