"""Who a voter is, and the site's rules for votes, asked through hooks.

An account votes as "user:<id>". A guest votes as a keyed hash of their address and a random
value kept in a signed cookie of their browser (set by their first vote): clearing the cookie
or changing address makes a new guest, which the vote rate limit keeps small.

The rules belong to the moderation app (ModerationRules), which the comments app may not
import: `PARLEY_VOTE_RULES` names a function returning them and `PARLEY_VOTES_REPORT` one that
puts a much down-voted comment in front of the moderators, the way comments/screening.py asks
its hooks.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string

from core.http import client_ip
from core.keys import keyed_hash

VOTER_COOKIE = "parley_voter"
VOTER_MAX_AGE = 60 * 60 * 24 * 365
ORDER_COOKIE = "parley_corder"
ORDER_MAX_AGE = 60 * 60 * 24 * 365


@dataclass(frozen=True)
class VoteRules:
    down_votes_allowed: bool = True
    default_order: str = ""  # "": the PARLEY_COMMENT_ORDER setting
    down_votes_to_report: int | None = None  # None: never reported for its down votes


def vote_rules() -> VoteRules:
    """The site's rules for votes (PARLEY_VOTE_RULES); the defaults without a hook."""
    if not settings.PARLEY_VOTE_RULES:
        return VoteRules()
    return import_string(settings.PARLEY_VOTE_RULES)()


def default_order(rules: VoteRules | None = None) -> str:
    """The order a reader who chose none sees: the rules' choice, else the setting's."""
    return (rules or vote_rules()).default_order or settings.PARLEY_COMMENT_ORDER


def votes_report(*, comment_id: int, down_votes: int) -> None:
    """Tell the moderators a comment reached the rules' number of down votes
    (PARLEY_VOTES_REPORT); nothing without a hook. Never hides the comment."""
    if settings.PARLEY_VOTES_REPORT:
        import_string(settings.PARLEY_VOTES_REPORT)(comment_id=comment_id, down_votes=down_votes)


def _voter_token(request: HttpRequest) -> str:
    try:
        return request.get_signed_cookie(
            VOTER_COOKIE, salt=f"parley.{VOTER_COOKIE}", max_age=VOTER_MAX_AGE
        )
    except (KeyError, signing.BadSignature):
        return ""


def voter_key(request: HttpRequest, *, token: str = "") -> str:
    """This reader's voter key; "" for a guest whose browser has no voter cookie yet (and
    was given no `token` to use)."""
    user = request.user
    if user.is_authenticated:
        return f"user:{user.pk}"
    token = token or _voter_token(request)
    if not token:
        return ""
    return "guest:" + keyed_hash("voter", f"{client_ip(request) or 'unknown'}|{token}")[:40]


def voter_token_new(request: HttpRequest) -> str:
    """The guest's voter cookie value, or a new one to set with `voter_cookie_set`."""
    return _voter_token(request) or get_random_string(32)


def voter_cookie_set(response: HttpResponse, token: str) -> None:
    """Keep the guest's voter value in their browser, signed."""
    response.set_signed_cookie(
        VOTER_COOKIE,
        token,
        salt=f"parley.{VOTER_COOKIE}",
        max_age=VOTER_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def order_chosen(request: HttpRequest, orders: tuple[str, ...]) -> str:
    """The order this reader asked for: in the address, else remembered; "" for none."""
    for value in (request.GET.get("corder"), request.COOKIES.get(ORDER_COOKIE)):
        if value in orders:
            return value
    return ""


def order_remember(response: HttpResponse, order: str) -> None:
    """Remember a reader's chosen order in their browser."""
    response.set_cookie(
        ORDER_COOKIE,
        order,
        max_age=ORDER_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
