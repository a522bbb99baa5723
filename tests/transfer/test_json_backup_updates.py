"""Updates restored from a JSON backup follow the author area's schedule: one dated in the
future stays off the page, the feed and the followers' inboxes until beat publishes it at
its date; one dated in the past is old news that nobody is emailed about again."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from articles.models import ArticleUpdate
from articles.services import updates_publish_due
from readers.models import Follow
from readers.services import notifications_sweep
from transfer.services.importing import import_file

pytestmark = pytest.mark.django_db


def backup(tmp_path, *, update_at, follower_confirmed_at) -> str:
    """A backup of one published article with a confirmed follower and one update."""
    document = {
        "format": "parley-backup", "version": 1, "site": "https://old.example", "users": [],
        "articles": [{
            "id": 1, "title": "Harbour", "slug": "harbour", "body": "Text",
            "status": "published", "published_at": "2024-01-01T00:00:00+00:00",
            "follows": [{"email": "fan@example.org", "user": None,
                         "confirmed_at": follower_confirmed_at.isoformat(),
                         "created_at": follower_confirmed_at.isoformat(), "language": ""}],
            "updates": [{"id": 5, "body": "Ferry **back**.", "published_at": update_at.isoformat(),
                         "author": None, "corrected_at": None, "withdrawn_at": None}],
            "comments": [],
        }],
    }  # fmt: skip
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(document))
    return path


def shown(update_text: str) -> tuple[bool, bool]:
    """Whether the article's page and its updates feed show the text."""
    page = Client().get("/articles/harbour/")
    feed = Client().get("/articles/harbour/updates.atom")
    assert page.status_code == feed.status_code == 200
    return update_text in page.content.decode(), update_text in feed.content.decode()


def test_a_restored_update_dated_in_the_future_is_scheduled(
    tmp_path, django_capture_on_commit_callbacks
):
    """Not shown, fed or emailed on restore; beat publishes it at its date and its
    follower is emailed once."""
    now = timezone.now()
    path = backup(
        tmp_path, update_at=now + timedelta(days=2), follower_confirmed_at=now - timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        import_file(path=path, format="json")
    update = ArticleUpdate.objects.get()
    assert update.scheduled
    assert shown("Ferry") == (False, False)
    with django_capture_on_commit_callbacks(execute=True):
        assert updates_publish_due() == []
    assert notifications_sweep() == 0 and mail.outbox == []

    ArticleUpdate.objects.filter(pk=update.pk).update(published_at=now - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert updates_publish_due() == [update.pk]
        assert updates_publish_due() == []
    assert shown("Ferry") == (True, True)
    assert [message.to for message in mail.outbox] == [["fan@example.org"]]
    assert notifications_sweep() == 0 and len(mail.outbox) == 1


def test_a_restored_update_dated_in_the_past_is_shown_and_never_emailed(
    tmp_path, django_capture_on_commit_callbacks
):
    """Its followers heard of it on the site it comes from: neither the restore nor a
    later notifications sweep emails them about it again."""
    now = timezone.now()
    path = backup(
        tmp_path, update_at=now - timedelta(hours=1), follower_confirmed_at=now - timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        import_file(path=path, format="json")
    update = ArticleUpdate.objects.get()
    assert not update.scheduled
    assert shown("Ferry") == (True, True)
    with django_capture_on_commit_callbacks(execute=True):
        assert updates_publish_due() == []
    assert notifications_sweep() == 0
    assert mail.outbox == []
    assert Follow.objects.get().confirmed_at is not None
