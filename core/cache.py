"""The Redis cache: django-redis, degrading instead of failing while Redis is away.

django-redis (IGNORE_EXCEPTIONS) makes reads miss and writes drop, and logs each failure.
One answer it gives does not fit: `add` reports failure. allauth's rate limiter takes a
lock with `add` before counting a login, so during an outage it would refuse every login
(tests/core/test_rate_limits.py shows it). Here `add` reports success then, like a cache that is
empty and writable, and every limiter fails open.
"""

from django_redis.cache import RedisCache


class ParleyRedisCache(RedisCache):
    def add(self, *args, **kwargs):
        added = super().add(*args, **kwargs)
        # None only comes back when Redis could not be reached (an ignored exception).
        return True if added is None else added
