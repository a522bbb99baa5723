"""Upgrading to per-comment digest records (moderation 0014) sends moderators nothing twice:
what the latest digest covered by its time counts as listed, what was held after it does not."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from comments.models import Comment, CommentStatus
from moderation.models import HeldNotice

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("moderation", "0013_held_digest_covers_until")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def test_upgrading_counts_what_the_latest_digest_covered_as_listed(article, post, settings):
    settings.PARLEY_EMBEDDED_BEAT_TICK = 10  # no digest sent at once by the holds below
    listed = post(article, "held and listed before the upgrade", status=CommentStatus.HELD)
    later = post(article, "held after that digest read the queue", status=CommentStatus.HELD)
    read_at = timezone.now()
    Comment.objects.filter(pk=listed.pk).update(status_changed_at=read_at - timedelta(minutes=2))
    Comment.objects.filter(pk=later.pk).update(status_changed_at=read_at + timedelta(minutes=1))
    old = _migrate([BEFORE])
    try:
        old.get_model("moderation", "HeldDigest").objects.create(
            covers_until=read_at, comment_count=1, recipient_count=0
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert list(HeldNotice.objects.values_list("comment_id", flat=True)) == [listed.pk]
