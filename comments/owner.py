"""Cookies for one browser: the comments it posted, and the commenter details it saved.

Both are signed by Django (JSON inside, never pickle) and bounded in age and size. The first
lets a guest see their own comments that await moderation; the second backs the
"Save my name, email, and website in this browser" box.
"""

import json
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from core.keys import keyed_hash

OWN_COOKIE = "parley_own"
OWN_MAX_AGE = 60 * 60 * 24 * 30
OWN_MAX_IDS = 50

COMMENTER_COOKIE = "parley_commenter"
COMMENTER_MAX_AGE = 60 * 60 * 24 * 365

# Addresses this browser proved it controls by following an emailed link: a comment posted
# with one belongs to its known, trusted author. Whoever uses the browser next posts as them,
# so the proof lasts a month (a year let a shared computer's next user post with a past
# guest's trust), outlives the browser session only while the browser keeps that address in
# its saved details, and ends when the ticked "save" box is unticked or the details change
# address
# (comments posted before keep their author: this only stops new ones claiming it).
VERIFIED_COOKIE = "parley_verified"
VERIFIED_MAX_AGE = 60 * 60 * 24 * 30
VERIFIED_MAX_EMAILS = 5


def _read(request: HttpRequest, name: str, max_age: int):
    try:
        raw = request.get_signed_cookie(name, salt=f"parley.{name}", max_age=max_age)
        return json.loads(raw)
    except (KeyError, signing.BadSignature, ValueError):
        return None


def _write(response: HttpResponse, name: str, value, max_age: int, *, persist=True) -> None:
    # Without `persist` the browser drops the cookie when it closes; the signature's
    # `max_age` still bounds it for a browser that never does.
    response.set_signed_cookie(
        name,
        json.dumps(value, separators=(",", ":")),
        salt=f"parley.{name}",
        max_age=max_age if persist else None,
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
    """Record that this browser proved `email` (the newest few addresses are kept): for a
    month if the browser saves the commenter's details with that address, else until it
    closes."""
    email = email.strip().lower()
    if not email:
        return
    kept = [e for e in sorted(verified_emails(request)) if e != email]
    saved = remembered_commenter(request).get("email", "").strip().lower()
    _write(
        response,
        VERIFIED_COOKIE,
        [*kept[-(VERIFIED_MAX_EMAILS - 1) :], email],
        VERIFIED_MAX_AGE,
        persist=saved == email,
    )


def remembered_commenter(request: HttpRequest) -> dict[str, str]:
    """Name, email and website saved by the consent box, or {}."""
    if getattr(request, "_parley_commenter_forgotten", False):
        return {}
    data = _read(request, COMMENTER_COOKIE, COMMENTER_MAX_AGE)
    if not isinstance(data, dict):
        return {}
    return {k: str(data[k])[:254] for k in ("name", "email", "url") if data.get(k)}


def remember_commenter(
    request: HttpRequest, response: HttpResponse, *, name: str, email: str, url: str
) -> None:
    """Save the commenter's details in this browser (they ticked the consent box); a proof
    of any other address than theirs ends."""
    _write(
        response, COMMENTER_COOKIE, {"name": name, "email": email, "url": url}, COMMENTER_MAX_AGE
    )
    proven = verified_emails(request)
    # Saved under an address this browser did not prove: the proof of the old one goes with
    # the old details. One it did prove keeps its proof as it is: posting does not renew it.
    if proven and email.strip().lower() not in proven:
        response.delete_cookie(VERIFIED_COOKIE, samesite="Lax")


def forget_commenter(request: HttpRequest, response: HttpResponse) -> None:
    """Drop saved commenter details (they posted with the consent box unticked), and with
    them the proof of an address if details were saved: unticking the box ticked for them
    says this browser is not to know them. A guest who never saved any keeps a proof that
    ends with the browser anyway (remember_verified_email). A browser that sent no saved
    details has none to drop: it is sent no deletion, which was a Set-Cookie on most posts."""
    if COMMENTER_COOKIE not in request.COOKIES:
        return
    if remembered_commenter(request):
        response.delete_cookie(VERIFIED_COOKIE, samesite="Lax")
    response.delete_cookie(COMMENTER_COOKIE, samesite="Lax")


@dataclass(frozen=True)
class Forgotten:
    """What "Forget my details in this browser" dropped."""

    details: bool
    proof: bool
    own_comments: bool
    own_comments_kept: bool


def browser_details_forget(request: HttpRequest, *, own_comments: bool) -> Forgotten:
    """Forget, from this request on, the saved commenter details and the proof of their
    address, and (if asked) which comments this browser posted; the page rendered for it
    then shows the browser as it will be. browser_details_forgotten clears the cookies."""
    forgotten = Forgotten(
        details=bool(remembered_commenter(request)),
        proof=bool(verified_emails(request)),
        own_comments=own_comments and bool(own_comment_ids(request)),
        own_comments_kept=not own_comments and bool(own_comment_ids(request)),
    )
    request._parley_commenter_forgotten = True
    if own_comments:
        request._parley_own_ids = frozenset()
    return forgotten


def browser_details_forgotten(response: HttpResponse, forgotten: Forgotten) -> None:
    """Clear the cookies browser_details_forget dropped from the request. The proof goes
    with the details (as unticking the box drops it): it is what lets whoever uses this
    browser next post as the trusted author of that address. The list of comments posted
    here stays unless asked: it is the only proof a guest without a confirmed address has
    that those comments are theirs to edit or delete."""
    response.delete_cookie(COMMENTER_COOKIE, samesite="Lax")
    response.delete_cookie(VERIFIED_COOKIE, samesite="Lax")
    if forgotten.own_comments:
        response.delete_cookie(OWN_COOKIE, samesite="Lax")
