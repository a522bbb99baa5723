"""The embedded file cache on a full disk serves pages and takes comments uncached, says so
once in the log and in /healthz, and never answers a reader with a 500."""

import logging

import pytest
from django.core.cache import caches
from django.test import Client

from comments.models import Comment
from core import cache as site_cache
from tests.conftest import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def unwritable_cache(settings, full_disk, monkeypatch):
    """The cache folder on a full disk."""
    disk = full_disk("cache/beat")
    settings.CACHES = {
        "default": {"BACKEND": "core.file_cache.SharedFileCache", "LOCATION": str(disk / "cache")},
        "beat": {
            "BACKEND": "core.file_cache.SharedFileClaims",
            "LOCATION": str(disk / "cache" / "beat"),
        },
    }
    settings.PARLEY_PAGE_CACHE_SECONDS = 60
    # This process's memory of refused writes starts empty, as a new worker's does.
    monkeypatch.setattr(site_cache, "_unwritable_logged_at", 0.0, raising=False)
    monkeypatch.setattr(site_cache, "_unwritable", {}, raising=False)


def test_pages_and_posts_go_on_and_the_log_says_why_once(
    unwritable_cache, article, no_rate_limits, caplog
):
    """Pages answer 200, a comment is stored and shown, the log has one line naming the
    folder and /healthz names the cache folder as what fails."""
    from moderation.models import ModerationRules

    ModerationRules.objects.update_or_create(pk=1, defaults={"min_seconds_to_submit": 0})
    reader = Client()
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert reader.get(article.get_absolute_url()).status_code == 200
        assert reader.get(article.get_absolute_url()).status_code == 200
        posted = reader.post("/comments/post/", form_data(article, comment="Still posting"))
        page = reader.get(article.get_absolute_url())
    assert posted.status_code == 302 and Comment.objects.filter(comment="Still posting").exists()
    assert page.status_code == 200 and "Still posting" in page.content.decode()
    said = [r.getMessage() for r in caplog.records if r.name == "core.cache"]
    assert len(said) == 1 and "disk/cache cannot be written (No space left on device)" in said[0], (
        said
    )
    health = reader.get("/healthz").json()["checks"]["cache"]
    assert not health["ok"] and "the cache folder" in health["error"]
    assert "cannot be written (No space left on device)" in health["error"]


def test_a_claim_that_cannot_be_written_runs_no_job(unwritable_cache):
    """The embedded beat's claims fail closed: no process runs a job it could not claim."""
    assert caches["beat"].add("parley:beat:claim", 1, timeout=60) is False
    assert caches["default"].add("parley:limit", 1, timeout=60) is True
