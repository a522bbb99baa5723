"""Fixed-window rate limits in the shared cache, keyed per account or per (hashed) IP.

A cache outage must not turn into error pages: the limiter then lets the request through
and logs it (fail open), since the comment queue and moderators still stand behind it.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from core.http import client_network
from core.keys import requester_key

logger = logging.getLogger(__name__)


def parse_rate(rate: str) -> tuple[int, int]:
    """ "5/60" → (5 requests, 60 seconds); "0/…" or "" disables the limit."""
    count, _, seconds = (rate or "0/1").partition("/")
    return int(count), int(seconds or 1)


def rate_limited(request: HttpRequest, scope: str) -> bool:
    """Count one request against `scope`'s limit; True once the limit is exceeded."""
    user_rate, anon_rate = settings.PARLEY_RATE_LIMITS[scope]
    limit, window = parse_rate(user_rate if request.user.is_authenticated else anon_rate)
    if limit <= 0:
        return False
    bucket = int(time.time() // window)
    who = requester_key(user=request.user, address=client_network(request), purpose="ratelimit")
    key = f"parley:rate:{scope}:{who}:{bucket}"
    try:
        cache.add(key, 0, timeout=window + 5)
        return cache.incr(key) > limit
    except Exception:  # the cache is down: let the request through, say so in the log
        logger.warning("Rate limit %s not applied: the cache is unavailable", scope)
        return False
