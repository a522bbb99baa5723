"""Rate limits: clear 429s that keep the reader's words, nothing stored twice, and a cache
outage that degrades to no limit instead of error pages."""

import pytest
import redis
from django.test import Client

from comments.models import Comment
from readers.models import Follow
from tests.conftest import TEN_YEARS, form_data

pytestmark = pytest.mark.django_db


def test_guest_comment_limit_is_a_429_that_keeps_the_text(article, submit, rate_limit):
    """Past the per-IP limit a post gets 429 with the text kept; another IP is unaffected."""
    rate_limit("comment", user=f"10/{TEN_YEARS}", guest=f"3/{TEN_YEARS}")
    client = Client(REMOTE_ADDR="198.51.100.1")
    codes = [
        submit(form_data(article, comment=f"Comment {n}"), using=client).status_code
        for n in range(3)
    ]
    over = submit(form_data(article, comment="One too many, kept"), using=client)
    assert codes == [302, 302, 302] and over.status_code == 429
    html = over.content.decode()
    assert "posting faster than this site allows" in html and "One too many, kept" in html
    assert Comment.objects.count() == 3
    other = Client(REMOTE_ADDR="198.51.100.2")
    assert submit(form_data(article, comment="Other reader"), using=other).status_code == 302


def test_signed_in_users_are_limited_per_account(article, submit, rate_limit, make_user):
    """Accounts have their own limit, whatever IP they post from."""
    rate_limit("comment", user=f"2/{TEN_YEARS}", guest=f"1/{TEN_YEARS}")
    user = make_user()
    statuses = []
    for n in range(3):
        client = Client(REMOTE_ADDR=f"203.0.113.{n}")
        client.force_login(user)
        data = form_data(article, comment=f"Account comment {n}")
        for field in ("name", "email", "url"):
            data.pop(field)
        statuses.append(submit(data, using=client).status_code)
    assert statuses == [302, 302, 429]


def test_follow_requests_are_limited(client, article, rate_limit):
    """Guests asking to follow (each sends a mail) are limited per IP."""
    rate_limit("follow", user=f"5/{TEN_YEARS}", guest=f"2/{TEN_YEARS}")
    codes = [
        client.post(f"/articles/{article.slug}/follow/", {"email": f"f{n}@example.com"}).status_code
        for n in range(3)
    ]
    assert codes == [302, 302, 429]
    assert Follow.objects.count() == 2


def test_a_long_limit_keeps_counting_between_slow_requests(
    client, article, rate_limit, monkeypatch
):
    """On the embedded file cache, a count incremented was rewritten with the cache's default
    timeout (300 s): an hourly limit forgot its count five minutes after each request, so a
    guest who asked every six minutes was never limited."""
    import time

    # A window of ten years: the requests below, 800 s apart in all, stay inside one.
    rate_limit("follow", user=f"5/{TEN_YEARS}", guest=f"2/{TEN_YEARS}")
    clock = [time.time()]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    codes = []
    for n in range(3):
        codes.append(
            client.post(
                f"/articles/{article.slug}/follow/", {"email": f"s{n}@example.com"}
            ).status_code
        )
        clock[0] += 400
    assert codes == [302, 302, 429]


def test_limiters_fail_open_when_the_cache_is_down(article, submit, make_user, stopped_redis_cache):
    """With the cache Redis stopped, posting and logging in still work (no 500)."""
    stopped_redis_cache(
        "core.cache.ParleyRedisCache",
        SOCKET_CONNECT_TIMEOUT=0.5,
        SOCKET_TIMEOUT=0.5,
        IGNORE_EXCEPTIONS=True,
    )
    assert submit(form_data(article, comment="Cache is down")).status_code == 302
    make_user("loginer", password="a-long-passphrase")
    response = Client().post(
        "/accounts/login/", {"login": "loginer", "password": "a-long-passphrase"}
    )
    assert response.status_code == 302
    assert (
        Client().post(f"/articles/{article.slug}/follow/", {"email": "x@example.com"}).status_code
        == 302
    )


def test_control_django_redis_alone_refuses_every_login(make_user, stopped_redis_cache):
    """Control: django-redis ignoring exceptions, without Parley's `add`, makes allauth's
    rate-limit lock fail and every login a 429 during the outage."""
    stopped_redis_cache(
        "django_redis.cache.RedisCache",
        SOCKET_CONNECT_TIMEOUT=0.5,
        SOCKET_TIMEOUT=0.5,
        IGNORE_EXCEPTIONS=True,
    )
    make_user("loginer", password="a-long-passphrase")
    response = Client().post(
        "/accounts/login/", {"login": "loginer", "password": "a-long-passphrase"}
    )
    assert response.status_code == 429


def test_control_the_stock_redis_cache_fails_the_login(make_user, stopped_redis_cache):
    """Control: with Django's stock Redis cache the same outage breaks allauth's login."""
    stopped_redis_cache(
        "django.core.cache.backends.redis.RedisCache",
        socket_connect_timeout=0.5,
        socket_timeout=0.5,
    )
    make_user("loginer", password="a-long-passphrase")
    with pytest.raises(redis.exceptions.ConnectionError):
        Client().post("/accounts/login/", {"login": "loginer", "password": "a-long-passphrase"})
