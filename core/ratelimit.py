"""Rate limits per account or per client address, on django-ratelimit and the shared cache.

PARLEY_RATE_LIMITS names, per scope, a "count/seconds" rate for signed-in users and one for
guests ("0/…" switches a limit off). A cache outage must not turn into error pages: with
RATELIMIT_FAIL_OPEN the limiter then lets the request through (and the cache logs the
failure), since the comment queue and moderators still stand behind it.
"""

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from .http import client_network
from .keys import requester_key


def parse_rate(rate: str) -> tuple[int, int]:
    """ "5/60" → (5 requests, 60 seconds); "0/…" or "" disables the limit."""
    count, _, seconds = (rate or "0/1").partition("/")
    return int(count), int(seconds or 1)


def _requester(group: str, request: HttpRequest) -> str:
    return requester_key(user=request.user, address=client_network(request), purpose="ratelimit")


def rate_limited(request: HttpRequest, scope: str) -> bool:
    """Count one request against `scope`'s limit; True once the limit is exceeded."""
    rates = settings.PARLEY_RATE_LIMITS[scope]
    limit, seconds = parse_rate(rates["user" if request.user.is_authenticated else "guest"])
    if limit <= 0:
        return False
    return is_ratelimited(
        request,
        group=f"parley.{scope}",
        key=_requester,
        rate=f"{limit}/{seconds}s",
        increment=True,
    )
