"""Cookies for one browser: the comments it posted, and the commenter details it saved.

Both are signed by Django (JSON inside, never pickle) and bounded in age and size. The first
lets a guest see their own comments that await moderation; the second backs the
"Save my name, email, and website in this browser" box.
"""

import json

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from core.keys import keyed_hash

OWN_COOKIE = "parley_own"
OWN_MAX_AGE = 60 * 60 * 24 * 30
OWN_MAX_IDS = 50

COMMENTER_COOKIE = "parley_commenter"
COMMENTER_MAX_AGE = 60 * 60 * 24 * 365

# Addresses this browser proved it controls by following an emailed link.
VERIFIED_COOKIE = "parley_verified"
VERIFIED_MAX_AGE = 60 * 60 * 24 * 365
VERIFIED_MAX_EMAILS = 5


def _read(request: HttpRequest, name: str, max_age: int):
    try:
        raw = request.get_signed_cookie(name, salt=f"parley.{name}", max_age=max_age)
        return json.loads(raw)
    except (KeyError, signing.BadSignature, ValueError):
        return None


def _write(response: HttpResponse, name: str, value, max_age: int) -> None:
    response.set_signed_cookie(
        name,
        json.dumps(value, separators=(",", ":")),
        salt=f"parley.{name}",
        max_age=max_age,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def browser_key(request: HttpRequest) -> str:
    """A keyed hash of this browser's CSRF secret, or "" when it sent none.

    Every form post from a browser carries the same secret (the CSRF check needs it), and no
    other browser knows it, so it tells a double click from someone copying a comment. The
    secret itself is never stored.
    """
    secret = request.META.get("CSRF_COOKIE", "")
    if not secret:
        return ""
    return keyed_hash("browser", secret)[:32]


def own_comment_ids(request: HttpRequest) -> frozenset[int]:
    """Ids of comments posted from this browser (empty if the cookie is missing or forged)."""
    # A post asks three times (the duplicate check, the landing page's place, the new
    # cookie); checking the signature once is enough, as the request's cookie cannot change.
    known = getattr(request, "_parley_own_ids", None)
    if known is not None:
        return known
    values = _read(request, OWN_COOKIE, OWN_MAX_AGE)
    found = frozenset()
    if isinstance(values, list):
        found = frozenset(v for v in values if isinstance(v, int) and not isinstance(v, bool))
    request._parley_own_ids = found
    return found


def remember_own_comment(request: HttpRequest, response: HttpResponse, comment_id: int) -> None:
    """Add a comment to this browser's list of its own comments (the newest 50 are kept)."""
    ids = [i for i in sorted(own_comment_ids(request)) if i != comment_id]
    _write(response, OWN_COOKIE, [*ids[-(OWN_MAX_IDS - 1) :], comment_id], OWN_MAX_AGE)


def verified_emails(request: HttpRequest) -> frozenset[str]:
    """Addresses this browser proved through an emailed link (empty if missing or forged)."""
    values = _read(request, VERIFIED_COOKIE, VERIFIED_MAX_AGE)
    if not isinstance(values, list):
        return frozenset()
    return frozenset(v.lower() for v in values if isinstance(v, str) and v)


def remember_verified_email(request: HttpRequest, response: HttpResponse, email: str) -> None:
    """Record that this browser proved `email` (the newest few addresses are kept)."""
    email = email.strip().lower()
    if not email:
        return
    kept = [e for e in sorted(verified_emails(request)) if e != email]
    _write(
        response,
        VERIFIED_COOKIE,
        [*kept[-(VERIFIED_MAX_EMAILS - 1) :], email],
        VERIFIED_MAX_AGE,
    )


def remembered_commenter(request: HttpRequest) -> dict[str, str]:
    """Name, email and website saved by the consent box, or {}."""
    data = _read(request, COMMENTER_COOKIE, COMMENTER_MAX_AGE)
    if not isinstance(data, dict):
        return {}
    return {k: str(data[k])[:254] for k in ("name", "email", "url") if data.get(k)}


def remember_commenter(response: HttpResponse, *, name: str, email: str, url: str) -> None:
    """Save the commenter's details in this browser (they ticked the consent box)."""
    _write(
        response, COMMENTER_COOKIE, {"name": name, "email": email, "url": url}, COMMENTER_MAX_AGE
    )


def forget_commenter(response: HttpResponse) -> None:
    """Drop saved commenter details (they posted with the consent box unticked)."""
    response.delete_cookie(COMMENTER_COOKIE, samesite="Lax")
