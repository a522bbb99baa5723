"""A live stream under WSGI holds no database connection while it is open."""

import http.client
from urllib.parse import urlsplit

import pytest
from django.db import connection

from comments.live import live_publish
from tests.support import live_server_threads, wait_until

pytestmark = pytest.mark.postgresql


def sessions_of_others() -> int:
    """PostgreSQL sessions on the test database other than this test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.fixture
def local_feed_quick(settings, monkeypatch):
    """This process's buffers carry the events, and a stream ends after 10 s, not 25."""
    settings.PARLEY_LIVE_REDIS_URL = ""
    monkeypatch.setattr("comments.views_live.WSGI_STREAM_SECONDS", 10.0)


def test_an_open_stream_holds_no_database_connection(
    transactional_db, live_server, article, local_feed_quick
):
    """While a reader's stream is open the server keeps no PostgreSQL session for it, and
    the stream still brings the article's events."""
    # Sessions of earlier tests' server threads leave once their backends see the close.
    wait_until(lambda: sessions_of_others() == 0, 5, "earlier sessions to end")
    address = urlsplit(live_server.url)
    reader = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        reader.request("GET", f"/comments/live/{article.pk}/")
        response = reader.getresponse()
        assert response.status == 200
        assert response.fp.readline().startswith(b"retry:")  # the stream has begun
        wait_until(lambda: sessions_of_others() == 0, 5, "the stream's session to end")
        assert live_server_threads()  # still open: it was counted, not ended
        live_publish(article_id=article.pk, kind="comment", data={"id": 7})
        lines = []
        while not lines or not lines[-1].startswith(b'data: {"id":7}'):
            lines.append(response.fp.readline())
            # At the end of the stream readline gives b"" at once, for ever.
            assert lines[-1], f"the stream ended without the event: {lines}"
        assert b"event: comment\n" in lines
        assert sessions_of_others() == 0
        assert live_server_threads()
    finally:
        reader.close()
        wait_until(lambda: not live_server_threads(), 30, "the live server's requests to end")
