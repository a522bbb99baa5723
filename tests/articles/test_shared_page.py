"""The shared article page: answered by the first middleware as stored bytes (the same for
every anonymous reader, with no CSRF token in them), gzip alongside, conditional requests
answered with 304, and Cache-Control that lets a proxy keep it a few seconds."""

import gzip
import re
from urllib.parse import quote

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date, parse_http_date

from articles import page_cache, views
from tests.conftest import form_data
from tests.support import wait_until

pytestmark = pytest.mark.django_db
EMPTY_TOKEN = 'name="csrfmiddlewaretoken" value=""'
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PARLEY_PAGE_CACHE_SECONDS = 60
    settings.PARLEY_PAGE_PROXY_SECONDS = 5


def get(article, client=None, **headers):
    return (client or Client()).get(article.get_absolute_url(), headers=headers)


def test_a_hit_is_answered_before_sessions_auth_and_templates(article, post):
    """A hit runs no query, no template and neither the session nor the auth middleware."""
    post(article, "Stored words")
    assert get(article)["X-Parley-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        response = get(article)
    assert response["X-Parley-Cache"] == "hit" and len(queries) == 0
    assert response.templates == []
    request = response.wsgi_request
    assert not hasattr(request, "session") and not hasattr(request, "user")
    assert "Stored words" in response.content.decode()


def test_every_anonymous_reader_gets_the_same_bytes_without_a_token(article, post):
    """Two readers get identical bytes with empty CSRF fields, and no cookie is set."""
    post(article, "Shared words")
    first, second = get(article), get(article)
    assert (first["X-Parley-Cache"], second["X-Parley-Cache"]) == ("miss", "hit")
    assert first.content == second.content
    html = second.content.decode()
    assert html.count(EMPTY_TOKEN) == 3  # the comment form, the follow form, the language form
    assert TOKEN.search(html) is None
    assert not first.cookies and not second.cookies
    assert "cookie" not in second["Vary"].lower()
    assert second["Content-Length"] == str(len(second.content))
    assert 'src="/static/js/csrf.js" data-csrf-url="/csrf/"' in html


def test_the_stored_page_keeps_the_headers_of_the_whole_stack(article):
    """A hit carries the security headers and CSP of the full stack, not its cookies."""
    get(article)
    hit = get(article)
    assert "default-src 'self'" in hit["Content-Security-Policy"]
    assert hit["X-Frame-Options"] == "DENY"
    assert hit["X-Content-Type-Options"] == "nosniff"
    assert hit["Content-Type"] == "text/html; charset=utf-8"
    assert not hit.cookies and "Cookie" not in hit["Vary"]


def test_gzip_is_served_when_accepted_and_decompresses_to_the_same_bytes(article):
    """A reader accepting gzip gets the stored gzip body, the same page once unpacked."""
    plain = get(article)
    packed = get(article, **{"Accept-Encoding": "gzip, deflate, br"})
    assert packed["X-Parley-Cache"] == "hit" and packed["Content-Encoding"] == "gzip"
    assert packed["Vary"] == "Accept-Language, Accept-Encoding"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 3
    assert packed["ETag"] != plain["ETag"]
    assert "Content-Encoding" not in get(article, **{"Accept-Encoding": "identity"})


def test_if_none_match_is_answered_with_304_and_no_body(article):
    """The page's ETag sent back gets a 304 with no body; a different one, the page."""
    etag = get(article)["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    response = get(article, **{"If-None-Match": etag})
    assert response.status_code == 304 and response.content == b""
    assert response["ETag"] == etag and "public" in response["Cache-Control"]
    assert get(article, **{"If-None-Match": f"W/{etag}"}).status_code == 304
    assert get(article, **{"If-None-Match": '"0123"'}).status_code == 200
    packed = {"Accept-Encoding": "gzip"}
    assert (
        get(article, **packed, **{"If-None-Match": get(article, **packed)["ETag"]}).status_code
        == 304
    )


def test_if_modified_since_is_answered_with_304(article):
    """A copy as new as the stored page gets a 304; an older one gets the page."""
    modified = get(article)["Last-Modified"]
    stored = parse_http_date(modified)
    assert get(article, **{"If-Modified-Since": modified}).status_code == 304
    assert get(article, **{"If-Modified-Since": http_date(stored + 60)}).status_code == 304
    assert get(article, **{"If-Modified-Since": http_date(stored - 60)}).status_code == 200


def test_an_old_etag_gets_the_new_page_after_a_change(article, post, submit):
    """After a comment is published the old ETag no longer matches: the reader gets it."""
    etag = get(article)["ETag"]
    submit(form_data(article, comment="Newer words"), using=Client())
    response = get(article, **{"If-None-Match": etag})
    assert response.status_code == 200 and response["ETag"] != etag
    assert "Newer words" in response.content.decode()


def test_head_gets_the_headers_without_the_body(article):
    """HEAD on a cached page: 200, the page's length and ETag, no body."""
    full = get(article)
    head = Client().head(article.get_absolute_url())
    assert head.status_code == 200 and head["X-Parley-Cache"] == "hit"
    assert head.content == b""
    assert head["Content-Length"] == str(len(full.content)) and head["ETag"] == full["ETag"]


def test_shared_pages_are_public_for_a_few_seconds_personal_ones_private(article, make_user):
    """Anonymous: public, proxies keep it 5 s; a session or own comments: private."""
    get(article)
    assert get(article)["Cache-Control"] == "public, max-age=0, s-maxage=5"
    signed_in = Client()
    signed_in.force_login(make_user())
    own = Client()
    own.cookies["parley_own"] = "anything"
    for reader in (signed_in, own):
        response = get(article, reader)
        assert "X-Parley-Cache" not in response
        assert response["Cache-Control"] == "private, no-cache"
        assert TOKEN.search(response.content.decode())


def test_a_reader_with_a_session_never_gets_the_shared_page(article):
    """A session cookie, even one whose session is empty, bypasses the shared page."""
    get(article)
    reader = Client()
    reader.cookies["sessionid"] = "no-such-session"
    response = get(article, reader)
    assert "X-Parley-Cache" not in response and response["Cache-Control"] == "private, no-cache"
    assert EMPTY_TOKEN not in response.content.decode()


def test_with_the_page_cache_off_the_page_is_private_and_carries_a_token(article, settings):
    """PARLEY_PAGE_CACHE_SECONDS=0: nothing is shared, so the page keeps its token."""
    settings.PARLEY_PAGE_CACHE_SECONDS = 0
    response = get(article)
    assert response["Cache-Control"] == "private, no-cache"
    assert TOKEN.search(response.content.decode())


def test_a_render_that_raced_a_change_is_not_served_as_current(article, rf):
    """A page rendered before its article changed is stored under the old version: a miss."""
    request = rf.get(article.get_absolute_url())
    request.user = AnonymousUser()
    _, version = page_cache.page_lookup(request, article.slug)
    page_cache.page_invalidate(slug=article.slug)
    rendered = views.article_detail(request, article.slug)
    assert page_cache.page_store(request, article.slug, version, rendered) is not None
    assert page_cache.page_lookup(request, article.slug)[0] is None


def test_the_skipped_middleware_still_refuses_what_it_would(article, settings):
    """A cached page is not served for an unknown Host (400) nor over plain HTTP when
    HTTPS is enforced (the redirect)."""
    get(article)
    assert Client().get(article.get_absolute_url(), HTTP_HOST="evil.example").status_code == 400
    settings.SECURE_SSL_REDIRECT = True
    response = get(article)
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert Client().get(article.get_absolute_url(), secure=True)["X-Parley-Cache"] == "hit"


def test_a_page_is_not_served_past_its_cache_time(article, settings):
    """PARLEY_PAGE_CACHE_SECONDS bounds a page's life, in this process's copy as well."""
    settings.PARLEY_PAGE_CACHE_SECONDS = 1
    assert get(article)["X-Parley-Cache"] == "miss"
    assert get(article)["X-Parley-Cache"] == "hit"
    wait_until(lambda: get(article)["X-Parley-Cache"] == "miss", 5, "the page to expire")


def test_a_hit_reads_only_the_version_from_the_shared_cache(article, monkeypatch):
    """Once this process has the page, a hit asks the shared cache for one small value."""
    get(article)
    asked = []
    real_get, real_get_many = cache.get, cache.get_many
    monkeypatch.setattr(
        cache, "get", lambda key, *a, **k: asked.append(key) or real_get(key, *a, **k)
    )
    monkeypatch.setattr(
        cache, "get_many", lambda keys, *a, **k: asked.append(keys) or real_get_many(keys, *a, **k)
    )
    assert get(article)["X-Parley-Cache"] == "hit"
    assert asked == [f"parley:page:{article.slug}:version"]


def test_one_readers_query_never_ends_up_in_the_page_others_get(article):
    """The cache keys a page on its own parameters only, so the links back to it (log in,
    the language switcher) are built from those: another reader's extra query (a tracking
    tag, or anything typed) is not kept in the page every reader is then given."""
    url = article.get_absolute_url() + "?utm_source=x%22junk&cpage=1&corder=oldest"
    html = Client().get(url).content.decode()
    assert "junk" not in html and "utm_source" not in html
    assert f"?next={quote(article.get_absolute_url() + '?cpage=1&corder=oldest', safe='/')}" in html
    assert f'name="next" value="{article.get_absolute_url()}?cpage=1&amp;corder=oldest"' in html


def test_a_page_stored_under_other_settings_is_not_served(article, post, settings):
    """A restart with settings that shape the page (threads per page, depth, the form's
    fields…) gets pages built under them, not those stored before it."""
    post(article, "First thread")
    post(article, "Second thread")
    assert get(article)["X-Parley-Cache"] == "miss"
    assert get(article)["X-Parley-Cache"] == "hit"
    settings.PARLEY_THREADS_PER_PAGE = 1
    page = get(article)
    assert page["X-Parley-Cache"] == "miss"
    assert "cpage=2" in page.content.decode()
