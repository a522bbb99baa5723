"""The embedded default under several processes: without Redis, two gunicorn servers on one
database share the default cache, so a page dropped by one is dropped for the other and a
guest's posts are counted across both."""

import pytest

from comments.models import Comment
from moderation.models import ModerationRules
from tests.conftest import TEN_YEARS
from tests.support import AppServer, HttpReader

from .conftest import database_env

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_servers(tmp_path):
    env = {
        **database_env(),
        "REDIS_URL": "",
        "PARLEY_CACHE_DIR": str(tmp_path / "cache"),
        "PARLEY_PAGE_CACHE_SECONDS": "60",
        "PARLEY_RATE_COMMENT_GUEST": f"3/{TEN_YEARS}",  # a window no test run crosses
        "LOG_LEVEL": "WARNING",
    }
    servers = [AppServer(env, log=tmp_path / f"web{n}.log") for n in (1, 2)]
    yield servers
    for server in servers:
        server.stop()


def test_two_processes_share_the_page_cache_and_the_limits(article, two_servers):
    """A page cached by A is served by B; a comment posted through B drops it for A too;
    the guest limit (3 per window here) counts posts sent to either server."""
    ModerationRules.objects.update_or_create(pk=1, defaults={"min_seconds_to_submit": 0})
    a, b = two_servers
    page = article.get_absolute_url()
    assert HttpReader(a.url).get(page).headers.get("X-Parley-Cache") == "miss"
    assert HttpReader(b.url).get(page).headers.get("X-Parley-Cache") == "hit"

    posted = HttpReader(b.url).post_comment(page, comment="Through the second server")
    assert posted.status == 302
    assert Comment.objects.get(comment="Through the second server").status == "published"
    fresh = HttpReader(a.url).get(page)
    assert "Through the second server" in fresh.body, "A must not serve the stale page"

    statuses = [
        HttpReader(server.url).post_comment(page, comment=f"Count me {n}").status
        for n, server in enumerate([a, b, a])
    ]
    assert statuses == [302, 302, 429], "the first post above counted too: 3 per window"
