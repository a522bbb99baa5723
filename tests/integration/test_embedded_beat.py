"""The embedded default runs beat's jobs in its web servers: two gunicorn servers on one
database and one cache folder, no Redis and no worker, train the spam model on moderators'
decisions and send the moderators' digest, each exactly once."""

import time
from pathlib import Path

import pytest

from comments.models import CommentStatus
from core.embedded_beat import NICE
from moderation import services
from moderation.models import HeldDigest, SpamModel
from tests.moderation.test_services import moderator_address_verified
from tests.support import AppServer, wait_until

from .conftest import database_env

pytestmark = pytest.mark.django_db(transaction=True)

TICK = 0.3


@pytest.fixture
def two_servers_with_beat(tmp_path):
    env = {
        **database_env(),
        "REDIS_URL": "",
        "PARLEY_CACHE_DIR": str(tmp_path / "cache"),
        "PARLEY_EMBEDDED_BEAT_TICK": str(TICK),
        "LOG_LEVEL": "INFO",
    }
    servers = []

    def start():
        servers.extend(AppServer(env, log=tmp_path / f"web{n}.log") for n in (1, 2))
        return servers

    yield start
    for server in servers:
        server.stop()


def test_two_embedded_servers_learn_and_send_the_digest_once(
    settings, article, post, moderator, two_servers_with_beat
):
    # This process runs no beat, but it must not send the digest itself either.
    settings.PARLEY_EMBEDDED_BEAT_TICK = 10
    moderator_address_verified(moderator)
    for n in range(6):
        spam = post(article, f"cheap pills {n} at http://pills{n}.example", status="held")
        ham = post(article, f"The permit figures in part {n} look right to me.", status="held")
        services.comments_moderate(comment_ids=[spam.pk], action="spam", actor=moderator)
        services.comments_moderate(comment_ids=[ham.pk], action="approve", actor=moderator)
    post(article, "A comment still waiting for a moderator.", status=CommentStatus.HELD)
    assert not SpamModel.objects.exists() and not HeldDigest.objects.exists()

    servers = two_servers_with_beat()
    wait_until(lambda: SpamModel.objects.exists(), 60, "a model trained by a server's beat")
    wait_until(lambda: HeldDigest.objects.exists(), 30, "a digest sent by a server's beat")
    time.sleep(10 * TICK)  # both servers have looked several times since
    assert SpamModel.objects.get().n_labels == 12
    digest = HeldDigest.objects.get()
    assert (digest.comment_count, digest.recipient_count) == (1, 1)
    printed = "".join(server.log.read_text() for server in servers)
    assert printed.count("1 comment held for review") == 1
    # Each server's beat thread runs niced, behind the requests it serves.
    for server in servers:
        assert NICE in _thread_nices(server.process.pid), server.log.read_text()[-2000:]


def _thread_nices(master_pid: int) -> list[int]:
    """The nice value of every thread of a gunicorn master's workers (from /proc)."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    nices = []
    for child in children:
        for stat in Path(f"/proc/{child}/task").glob("*/stat"):
            # The fields after the command's closing parenthesis; nice is the 19th field.
            fields = stat.read_text().rsplit(")", 1)[1].split()
            nices.append(int(fields[16]))
    return nices
