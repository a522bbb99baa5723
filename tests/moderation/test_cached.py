"""The rules and bans every post reads come from the cache, and any change reaches the very
next post: services, the admin and deletes all drop the cached copy."""

import threading
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment, CommentStatus
from moderation import services
from moderation.cached import BANS_KEY, RULES_KEY, held_end, held_request_start, held_start
from moderation.models import Ban, ModerationRules
from tests.conftest import form_data

pytestmark = pytest.mark.django_db


def _tables(queries) -> str:
    return " ".join(query["sql"] for query in queries.captured_queries)


def test_a_post_reads_neither_the_bans_nor_the_rules_once_cached(article, submit):
    """After the first post, posting asks the database for neither."""
    submit(form_data(article, comment="warming up"))
    with CaptureQueriesContext(connection) as queries:
        assert submit(form_data(article, comment="second")).status_code == 302
    assert 'FROM "moderation_ban"' not in _tables(queries)
    assert 'FROM "moderation_moderationrules"' not in _tables(queries)


def test_a_new_ban_and_a_lifted_one_apply_to_the_next_post(article, submit, moderator):
    """Banning and lifting go through the cache at once."""
    submit(form_data(article, comment="before the ban"), REMOTE_ADDR="192.0.2.40")
    ban = services.ban_create(kind=Ban.Kind.IP, value="192.0.2.40", actor=moderator, reason="x")
    assert submit(form_data(article, comment="banned"), REMOTE_ADDR="192.0.2.40").status_code == 403
    services.ban_lift(ban_id=ban.pk, actor=moderator)
    assert submit(form_data(article, comment="lifted"), REMOTE_ADDR="192.0.2.40").status_code == 302


def test_a_ban_deleted_with_its_account_leaves_the_cache(article, moderator, make_user):
    """A ban removed by a cascade (its account deleted) is dropped from the cached copy."""
    from moderation.selectors_bans import ban_for

    user = make_user("gone")
    services.ban_create(kind=Ban.Kind.ACCOUNT, user=user, actor=moderator, reason="spam")
    assert ban_for(user=user) is not None
    user.delete()
    assert not Ban.objects.exists()
    assert ban_for(user=user) is None


def test_a_poster_is_hashed_only_for_the_kinds_of_ban_there_are(moderator, monkeypatch):
    """Screening a poster hashes their email or address (several keyed HMACs each) only when
    some ban of that kind is in force; the bans there are still apply."""
    from moderation import selectors_bans
    from moderation.selectors_bans import ban_for

    hashed, original = [], selectors_bans.keyed_hashes
    monkeypatch.setattr(
        selectors_bans,
        "keyed_hashes",
        lambda purpose, value: hashed.append(purpose) or original(purpose, value),
    )
    assert ban_for(email="reader@example.org", ip_address="192.0.2.50") is None
    assert hashed == []
    services.ban_create(kind=Ban.Kind.IP, value="192.0.2.50", actor=moderator, reason="x")
    assert ban_for(email="reader@example.org", ip_address="192.0.2.50") is not None
    assert hashed and all(purpose == f"ban.{Ban.Kind.IP}" for purpose in hashed)
    hashed.clear()
    services.ban_create(kind=Ban.Kind.EMAIL, value="spam@example.org", actor=moderator, reason="x")
    assert ban_for(email="SPAM@example.org", ip_address="192.0.2.51") is not None
    assert {f"ban.{Ban.Kind.EMAIL}", f"ban.{Ban.Kind.IP}"} <= set(hashed)


def test_changed_rules_score_the_next_post(article, submit):
    """Saving the rules (as their admin page does) reaches the next comment's scoring."""
    submit(form_data(article, comment="published under the old rules"))
    rules = ModerationRules.objects.get(pk=1)
    rules.hold_all = True
    rules.save()
    submit(form_data(article, comment="held under the new rules"))
    statuses = dict(Comment.objects.values_list("comment", "status"))
    assert statuses == {
        "published under the old rules": CommentStatus.PUBLISHED,
        "held under the new rules": CommentStatus.HELD,
    }


class _CountingCache:
    """The cache, counting the reads of each key and the trips made to it."""

    def __init__(self, real):
        self.real, self.reads, self.trips = real, Counter(), 0

    def get(self, key, *args, **kwargs):
        self.reads[key] += 1
        self.trips += 1
        return self.real.get(key, *args, **kwargs)

    def get_many(self, keys, *args, **kwargs):
        self.reads.update(keys)
        self.trips += 1
        return self.real.get_many(keys, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.fixture
def counting(monkeypatch):
    from moderation import cached

    counting = _CountingCache(cached.cache)
    monkeypatch.setattr(cached, "cache", counting)
    return counting


def test_a_post_reads_each_of_them_from_the_cache_once(article, client, counting):
    """A post asks for the rules five times and the bans and the webhooks twice each, inline
    tasks included; within its request each is read from the cache once, and the rules
    come along with the bans, in one trip to the cache (one round trip to Redis)."""
    client.post(reverse("comments:post"), form_data(article, comment="warming up"))
    counting.reads.clear()
    counting.trips = 0
    response = client.post(reverse("comments:post"), form_data(article, comment="second"))
    assert response.status_code == 302
    assert counting.reads == {RULES_KEY: 1, BANS_KEY: 1}
    assert counting.trips == 1


def test_outside_a_request_every_ask_reads_the_cache(counting):
    from moderation.selectors import rules_get

    rules_get()  # cached (a miss reads the key again before caching)
    counting.reads.clear()
    rules_get()
    rules_get()
    assert counting.reads[RULES_KEY] == 2


def test_a_change_reaches_the_rest_of_the_request_that_made_it(counting):
    """What a request holds is dropped by a change it makes itself: a moderator's request
    that saves the rules and then scores a comment scores it under the new ones."""
    from moderation.selectors import rules_get

    held_request_start()
    try:
        assert rules_get().hold_all is False
        assert rules_get() is rules_get()  # held, not read again
        rules = ModerationRules.objects.get(pk=1)
        rules.hold_all = True
        rules.save()
        assert rules_get().hold_all is True
    finally:
        held_end()


def test_what_a_request_holds_expires(counting, monkeypatch):
    """A worker's scoring run is one task of up to 15 s: a change another process made
    reaches it within HOLD_SECONDS, not at its end."""
    from moderation import cached
    from moderation.selectors import rules_get

    rules_get()  # cached (a miss reads the key again before caching)
    counting.reads.clear()
    held_start()
    try:
        rules_get()
        monkeypatch.setattr(cached, "HOLD_SECONDS", 0.0)
        rules_get()
    finally:
        held_end()
    assert counting.reads[RULES_KEY] == 2


def test_rules_saved_while_a_reader_reads_them_are_not_covered_by_what_it_read(monkeypatch):
    """A request finds no rules cached and reads them from the database; before it caches
    what it read, a moderator saves new ones. What it read must not stand in the cache (for
    up to an hour) in place of the new rules: the next post is scored under those."""
    from moderation import cached
    from moderation.selectors import rules_get

    read = cached._rules_read
    rules_get()  # the row exists, as on any site that has taken a comment

    def read_then_saved_meanwhile():
        before = read()
        # The moderator's save, from another thread (as from another request or process):
        # the row changes, and its receiver drops the cached copy.
        ModerationRules.objects.filter(pk=1).update(hold_all=True)
        saved = threading.Thread(target=cached.screening_forget, args=(ModerationRules,))
        saved.start()
        saved.join()
        return before

    cached.cache.delete(RULES_KEY)

    monkeypatch.setattr(cached, "_rules_read", read_then_saved_meanwhile)
    assert rules_get().hold_all is False  # the reader goes on with what it read
    monkeypatch.setattr(cached, "_rules_read", read)
    assert rules_get().hold_all is True
