"""The scoring queue for real: comments posted through the form, scored by Celery worker
processes on Redis, through crashes, duplicate deliveries and a broker outage."""

import re
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
import redis
from django.core.management import call_command
from django.test import Client

from comments.models import Comment, CommentStatus
from comments.services import Poster, comment_submit
from core.breaker import breaker_for
from moderation.models import ModerationEvent, ModerationRules, SpamVerdict
from moderation.tasks import comment_score_task
from tests.conftest import celery_broker, form_data
from tests.support import RedisServer, wait_until

from .conftest import BROKER_DB

S = CommentStatus
pytestmark = pytest.mark.django_db(transaction=True)
FINAL = {S.PUBLISHED, S.HELD, S.SPAM}


def post_comments(article, texts, *, client=None):
    client = client or Client()
    statuses = []
    for n, text in enumerate(texts):
        data = form_data(article, comment=text, name=f"Poster {n}", email=f"p{n}@example.com")
        statuses.append(client.post("/comments/post/", data).status_code)
    return statuses


def pending_count() -> int:
    return Comment.objects.filter(status=S.PENDING).count()


@pytest.fixture
def rules(transactional_db, no_rate_limits):
    rules, _ = ModerationRules.objects.update_or_create(
        pk=1,
        # Rules alone: these tests count where the queue routes each kind of text, which the
        # rules fix; the starter model would also mark some two-link texts spam.
        defaults={
            "disallowed_keywords": "casino bonus",
            "moderation_keywords": "refund",
            "use_model": False,
        },
    )
    return rules


def mixed_texts(n: int) -> list[str]:
    kinds = [
        "A plain, thoughtful comment number {n}.",
        "Claim your casino bonus {n} today",
        "Where is my refund for order {n}?",
        "Two links {n}: https://a.example/{n} and https://b.example/{n}",
    ]
    return [kinds[i % len(kinds)].format(n=i) for i in range(n)]


def test_fifty_mixed_comments_all_reach_a_final_state(article, rules, queue_redis, start_worker):
    """50 comments posted through the form are scored by a worker: none lost or pending."""
    start_worker(queue_redis)
    with celery_broker(f"{queue_redis}/{BROKER_DB}"):
        statuses = post_comments(article, mixed_texts(50))
    assert statuses == [302] * 50
    wait_until(lambda: pending_count() == 0, 120, "every comment to be scored")
    by_status = Counter(Comment.objects.values_list("status", flat=True))
    assert by_status == {S.PUBLISHED: 13, S.SPAM: 13, S.HELD: 24}
    assert SpamVerdict.objects.count() == 50
    assert ModerationEvent.objects.filter(actor_label="scorer").count() == 50


def test_duplicate_delivery_is_harmless(article, rules, queue_redis, start_worker):
    """The same comment delivered five times is scored, routed and audited once."""
    with celery_broker(f"{queue_redis}/{BROKER_DB}"):
        post_comments(article, ["Delivered many times"])
        comment = Comment.objects.get()
        for _ in range(4):
            comment_score_task.apply_async((comment.pk,))
        start_worker(queue_redis)
        wait_until(lambda: pending_count() == 0, 30, "the comment to be scored")
        broker = redis.Redis.from_url(f"{queue_redis}/{BROKER_DB}")
        wait_until(lambda: broker.llen("celery") == 0, 30, "the queue to drain")
    assert SpamVerdict.objects.filter(comment=comment).count() == 1
    assert ModerationEvent.objects.filter(comment=comment).count() == 1


TOTAL = 800  # comments posted for the worker to be killed among


def test_a_worker_killed_mid_batch_loses_nothing(article, rules, queue_redis, start_worker):
    """Kill -9 a worker in the middle of a batch: a new worker finishes every comment,
    each scored exactly once."""
    # Enough that the worker is still at it when the test sees its first verdicts: it
    # scores a backlog at over 1,000 comments a second, and 150 were all done between two
    # looks of wait_until (every 50 ms), so it was killed with nothing left to test. Stored
    # through the service the form calls, not the form: the form's path is the fifty-comment
    # test's, and 800 posts through it took most of this test's time.
    with celery_broker(f"{queue_redis}/{BROKER_DB}"):
        for n, text in enumerate(mixed_texts(TOTAL)):
            comment_submit(article=article, poster=Poster(name=f"Poster {n}"), text=text)
    assert pending_count() == TOTAL
    worker = start_worker(queue_redis, concurrency=2, visibility_timeout=3)
    wait_until(lambda: pending_count() < TOTAL, 120, "the worker to score some comments")
    worker.kill()
    left = pending_count()
    assert left > 0, "the batch finished before the kill; nothing was tested"
    start_worker(queue_redis, concurrency=2, visibility_timeout=3)
    wait_until(lambda: pending_count() == 0, 180, f"the {left} comments left to be scored")
    assert SpamVerdict.objects.count() == TOTAL
    per_comment = Counter(SpamVerdict.objects.values_list("comment_id", flat=True))
    assert set(per_comment.values()) == {1}


def test_redis_down_at_post_time_then_swept_when_back(article, rules, start_worker):
    """With Redis stopped, posts succeed fast and wait as pending; once Redis is back the
    sweep queues them and a worker scores every one."""
    server = RedisServer()  # a private Redis: the shared one is never stopped
    server.start()
    server.stop()
    client = Client()
    with celery_broker(f"{server.url}/{BROKER_DB}"):
        started = time.monotonic()
        statuses = post_comments(article, mixed_texts(10), client=client)
        seconds_per_post = (time.monotonic() - started) / 10
    assert statuses == [302] * 10
    assert pending_count() == 10
    assert seconds_per_post < 3, f"a post waited {seconds_per_post:.1f} s on the broker"
    page = client.get(article.get_absolute_url()).content.decode()
    assert len(re.findall("your comment is being checked", page, re.IGNORECASE)) == 10
    assert "awaiting moderation" not in page

    server.start()
    try:
        start_worker(server.url)
        # The post that failed opened Redis's circuit breaker; its probe closes it once
        # Redis answers again (after a short cool-down), and queueing resumes.
        wait_until(lambda: not breaker_for(server.url).is_open, 30, "the app to see Redis")
        with celery_broker(f"{server.url}/{BROKER_DB}"):
            call_command("sweep_pending", "--older-than", "0")
        wait_until(lambda: pending_count() == 0, 120, "the swept comments to be scored")
    finally:
        server.stop()
    assert set(Comment.objects.values_list("status", flat=True)) <= FINAL
    assert SpamVerdict.objects.count() == 10


def test_the_workers_heartbeat_reaches_the_health_report(
    client, settings, queue_redis, start_worker
):
    """Beat's heartbeat task, run by a real worker, makes /healthz report the worker alive."""
    from health.models import Heartbeat
    from health.tasks import heartbeat_task

    start_worker(queue_redis)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"{queue_redis}/{BROKER_DB}"
    assert client.get("/healthz").json()["checks"]["worker"]["ok"] is False
    with celery_broker(f"{queue_redis}/{BROKER_DB}"):
        heartbeat_task.apply_async()
    wait_until(lambda: Heartbeat.objects.filter(name="worker").exists(), 60, "the heartbeat")
    report = client.get("/healthz").json()
    assert report["checks"]["worker"]["ok"] is True and report["checks"]["broker"]["ok"] is True


def test_a_deep_queue_is_one_message_worked_in_batches(article, rules, queue_redis, start_worker):
    """Comments posted while a scoring message still waits send none of their own; the one
    run it starts scores them all, each once."""
    with celery_broker(f"{queue_redis}/{BROKER_DB}"):
        assert post_comments(article, mixed_texts(60)) == [302] * 60
        broker = redis.Redis.from_url(f"{queue_redis}/{BROKER_DB}")
        assert broker.llen("celery") == 1
        start_worker(queue_redis)
        wait_until(lambda: pending_count() == 0, 120, "the run to score every comment")
    assert (
        Counter(SpamVerdict.objects.values_list("comment_id", flat=True)).most_common(1)[0][1] == 1
    )
    assert SpamVerdict.objects.count() == 60


def test_a_comment_posted_while_a_run_is_alive_sends_no_message_and_the_run_scores_it(
    article, rules, queue_redis
):
    """A worker's run marks itself alive: a comment committed meanwhile sends no message
    (kombu's publish is most of a queued post's Redis cost), and the run, which looks again
    before it ends, scores it. Once the run has ended, a comment sends its own again, and
    one committed while that message waits sends none."""
    from moderation.services.backlog import LINGER_SECONDS, MARK_SECONDS, comments_score_backlog

    with celery_broker(f"{queue_redis}/{BROKER_DB}"):
        broker = redis.Redis.from_url(f"{queue_redis}/{BROKER_DB}")
        assert comment_score_task.run_mark(MARK_SECONDS) and comment_score_task.busy()
        assert post_comments(article, ["Posted while a run is alive."]) == [302]
        assert broker.llen("celery") == 0 and pending_count() == 1
        started = time.monotonic()
        assert comments_score_backlog() == 1
        assert time.monotonic() - started >= LINGER_SECONDS  # it waited for more
        assert pending_count() == 0 and not comment_score_task.busy()
        assert post_comments(article, ["Posted once the run has ended."]) == [302]
        assert broker.llen("celery") == 1
        # That message, still waiting, reaches the next comment too.
        assert comment_score_task.busy()
        assert post_comments(article, ["Posted while a message waits."]) == [302]
        assert broker.llen("celery") == 1


def _busy_questions(broker) -> int:
    """How many times the broker was asked whether a run is alive (busy's one script, or
    the EXISTS it once was)."""
    stats = broker.info("commandstats")
    return sum(stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in ("evalsha", "exists"))


def test_the_web_trusts_a_runs_mark_while_it_lives_and_the_run_looks_until_then(
    article, rules, queue_redis, monkeypatch
):
    """Having seen a run's mark live on, the web asks the broker nothing more, and sends no
    message, for comments it commits while the mark surely lives: one question instead of
    one per comment. The run keeps its side: with nothing to do it looks until its mark
    has expired, so it scores every one of them and leaves none pending."""
    from django.db import connection as main_connection

    from moderation.services import backlog

    # Long enough for three posts on a slow machine: the promise must outlast them.
    monkeypatch.setattr(backlog, "MARK_SECONDS", 3.0)
    url = f"{queue_redis}/{BROKER_DB}"
    scored = []

    def run():
        try:
            scored.append(backlog.comments_score_backlog(linger=0))
        finally:
            from django.db import connection

            connection.close()

    with celery_broker(url):
        broker = redis.Redis.from_url(url)
        runner = threading.Thread(target=run)
        runner.start()
        wait_until(comment_score_task.busy, 5, "the run to mark itself alive")
        asked = _busy_questions(broker)
        statuses = post_comments(article, [f"Posted during the run's promise, {n}." for n in
                                           range(3)])  # fmt: skip
        assert statuses == [302] * 3
        assert _busy_questions(broker) == asked  # nothing asked
        assert broker.llen("celery") == 0  # nothing sent
        runner.join(15)
    main_connection.close()
    assert not runner.is_alive() and scored == [3]
    assert pending_count() == 0


def _ends_within(monkeypatch, seconds: float) -> None:
    """Fail a run that still looks for work `seconds` after this call, instead of letting
    it loop on."""
    from moderation.services import backlog

    started, real = time.monotonic(), backlog._waiting

    def waiting(skip):
        assert time.monotonic() - started < seconds, f"the run still looks after {seconds} s"
        return real(skip)

    monkeypatch.setattr(backlog, "_waiting", waiting)


def test_a_run_with_nothing_to_do_ends_once_its_mark_has_expired(
    article, rules, queue_redis, monkeypatch
):
    """A run with nothing to do stops renewing its mark and ends once it has surely expired,
    leaving no mark behind, rather than renewing it and looking for ever."""
    from moderation.services import backlog

    monkeypatch.setattr(backlog, "MARK_SECONDS", 0.6)
    monkeypatch.setattr(backlog, "RENEW_AFTER_SECONDS", 0.12)  # the real ratio, a fifth
    _ends_within(monkeypatch, 3)
    with celery_broker(f"{queue_redis}/{BROKER_DB}"):
        broker = redis.Redis.from_url(f"{queue_redis}/{BROKER_DB}")
        started = time.monotonic()
        assert backlog.comments_score_backlog(linger=0.3) == 0
        assert time.monotonic() - started >= 0.6
        assert not broker.exists(comment_score_task._run_key())


def test_a_run_on_a_broker_that_holds_no_marks_ends_after_its_linger(article, monkeypatch):
    """Only Redis holds a run's mark; on another broker the web sends a message for every
    comment, and a run has nothing to take away: it ends once it has lingered."""
    from moderation.services import backlog

    _ends_within(monkeypatch, 3)
    with celery_broker("memory://"):
        assert not comment_score_task.run_marks_kept()
        started = time.monotonic()
        assert backlog.comments_score_backlog(linger=0.2) == 0
        assert 0.2 <= time.monotonic() - started < 1


@pytest.mark.parametrize("marked", [True, False], ids=["marked", "marking-failed"])
def test_a_run_looks_until_its_mark_has_expired(article, rules, queue_redis, monkeypatch, marked):
    """A web may have seen the run's mark and been promised a look until it expires, so
    the run keeps looking until then, even with no linger. A mark that failed to be set
    counts too: a call that timed out may still have set it."""
    from moderation.services import backlog

    monkeypatch.setattr(backlog, "MARK_SECONDS", 0.6)
    if not marked:
        monkeypatch.setattr(comment_score_task, "run_mark", lambda seconds: False)
    with celery_broker(f"{queue_redis}/{BROKER_DB}"):
        started = time.monotonic()
        assert backlog.comments_score_backlog(linger=0) == 0
        assert time.monotonic() - started >= 0.6


def test_the_sweep_sends_one_message_for_a_whole_backlog(queue_redis, start_worker, article):
    """After an outage, comments left pending are swept with one message, not one each:
    the run it starts scores them all, oldest first."""
    from moderation import services

    broker = redis.Redis.from_url(f"{queue_redis}/{BROKER_DB}")
    with celery_broker(f"{queue_redis}/{BROKER_DB}"):
        for n in range(30):
            comment_submit(article=article, poster=Poster(name=f"Guest {n}"), text=f"Words {n}")
        broker.flushdb()  # the messages the outage lost
        assert pending_count() == 30
        assert services.pending_sweep(older_than=timedelta(0)) == 30
        assert broker.llen("celery") == 1
        start_worker(queue_redis)
        wait_until(lambda: pending_count() == 0, 120, "the swept comments to be scored")
    assert SpamVerdict.objects.count() == 30
