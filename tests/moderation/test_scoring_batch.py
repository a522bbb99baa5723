"""A worker's backlog is scored a batch at a time (moderation.services.scoring.
comments_score_batch): the batch is read and locked in one query, its articles' slugs in
another, and the model reads all its texts in one call; each comment still moves through
comment_status_move, with its verdict and event, exactly as comment_score would move it."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models.sql.query import Query
from django.test.utils import CaptureQueriesContext

from comments.models import Comment, CommentStatus
from comments.services import Poster, comment_submit
from moderation.model_cache import spam_models
from moderation.models import ModerationEvent, SpamVerdict
from moderation.services import comment_score
from moderation.services.scoring import comments_score_batch

pytestmark = pytest.mark.django_db
SPAM = "BUY CHEAP PILLS NOW!!! http://pills.example http://pills.example/2 http://x.example"


def _filters_built():
    """Watch for the ORM building a filter (a query not compiled), still building it."""
    return mock.patch.object(Query, "build_filter", autospec=True, side_effect=Query.build_filter)


@pytest.fixture
def pending(article, queued_scoring):
    def make(text, n=0):
        return comment_submit(
            article=article,
            poster=Poster(name=f"Reader {n}", browser_key=f"browser-{n}"),
            text=text,
            ip_address=f"192.0.2.{n + 1}",
        )

    return make


def test_a_batch_ends_as_scoring_one_by_one_ends(pending, django_capture_on_commit_callbacks):
    texts = [SPAM] + [f"A fair point about storage, number {n}." for n in range(5)]
    batch = [pending(text, n).pk for n, text in enumerate(texts)]
    # The spam in other words: a copy of a text already marked spam is judged by that copy.
    texts[0] = SPAM.replace("NOW", "TODAY")
    singles = [pending(text, n + 10).pk for n, text in enumerate(texts)]

    with django_capture_on_commit_callbacks(execute=True):
        scored, failed = comments_score_batch(comment_ids=batch)
    for comment_id in singles:
        comment_score(comment_id=comment_id)

    assert (scored, failed) == (len(texts), [])
    for mine, theirs in zip(batch, singles, strict=True):
        a, b = SpamVerdict.objects.get(comment_id=mine), SpamVerdict.objects.get(comment_id=theirs)
        assert (a.decision, a.model_version) == (b.decision, b.model_version)
        # The model's arithmetic over a matrix of texts may differ in the last bit.
        assert a.score == pytest.approx(b.score, abs=1e-12)
        assert [r["code"] for r in a.reasons] == [r["code"] for r in b.reasons]
        assert Comment.objects.get(pk=mine).status == a.decision
        event = ModerationEvent.objects.get(comment_id=mine)
        assert (event.from_status, event.to_status, event.actor_label) == (
            CommentStatus.PENDING, a.decision, "scorer"
        )  # fmt: skip
    assert Comment.objects.get(pk=batch[0]).status != CommentStatus.PUBLISHED
    assert Comment.objects.get(pk=batch[1]).status == CommentStatus.PUBLISHED


def test_the_batch_reads_and_locks_its_comments_and_slugs_once(pending, article):
    one = [pending("A first reply about the grid.", 0).pk]
    ten = [pending(f"Another reply about the grid, {n}.", n + 1).pk for n in range(10)]
    with CaptureQueriesContext(connection) as single:
        comments_score_batch(comment_ids=one)
    with CaptureQueriesContext(connection) as batch:
        comments_score_batch(comment_ids=ten)
    # What one comment costs, ten times over, less the comment read and the slug read that
    # the batch makes once rather than once per comment.
    assert len(batch) <= 10 * len(single) - 2 * 9
    assert Comment.objects.filter(pk__in=ten, status=CommentStatus.PUBLISHED).count() == 10


def test_the_page_of_a_scored_comment_is_dropped(
    pending, article, django_capture_on_commit_callbacks
):
    key = f"parley:page:{article.slug}:version"
    cache.set(key, "before", None)
    comment_id = pending("A plain reply that gets published.").pk
    with django_capture_on_commit_callbacks(execute=True):
        comments_score_batch(comment_ids=[comment_id])
    assert Comment.objects.get(pk=comment_id).status == CommentStatus.PUBLISHED
    assert cache.get(key) != "before"  # dropped: the next lookup makes a new version


def test_comments_no_longer_pending_are_left_alone(pending):
    done = pending("Already decided by a moderator.").pk
    Comment.objects.filter(pk=done).update(status=CommentStatus.HELD)
    waiting = pending("Still waiting for the scorer.", 1).pk

    assert comments_score_batch(comment_ids=[done, waiting]) == (1, [])
    assert Comment.objects.get(pk=done).status == CommentStatus.HELD
    assert not SpamVerdict.objects.filter(comment_id=done).exists()
    assert SpamVerdict.objects.filter(comment_id=waiting).exists()


def test_a_model_that_fails_to_load_holds_the_batch(pending, monkeypatch):
    """As with one comment: a scorer failure holds, never publishes, and says why."""

    def broken(rules):
        raise RuntimeError("model file corrupt")

    monkeypatch.setattr(spam_models, "current", broken)
    ids = [pending(f"A reply about the grid, {n}.", n).pk for n in range(3)]

    assert comments_score_batch(comment_ids=ids) == (3, [])
    for comment_id in ids:
        assert Comment.objects.get(pk=comment_id).status == CommentStatus.HELD
        assert SpamVerdict.objects.get(comment_id=comment_id).reasons[0]["code"] == "scorer_error"


def test_copies_a_moderator_judged_are_read_once_per_batch(pending, post, article, moderator):
    """A flood of one text: each comment's earlier copies and how moderators judged them are
    read once for the batch, not once per comment (that was ~2 ms of ORM per comment)."""
    from moderation.services import comment_transition

    campaign = "Subscribe to my channel for the loudest remixes of every single song here"
    first = post(article, campaign, name="First", status=CommentStatus.HELD).pk
    assert comment_transition(comment_id=first, to_status=CommentStatus.SPAM, actor=moderator)
    flood = [pending(campaign, n).pk for n in range(1, 11)]

    with CaptureQueriesContext(connection) as batch:
        assert comments_score_batch(comment_ids=flood) == (10, [])
    labels = [q["sql"] for q in batch.captured_queries if "trainingexample" in q["sql"]]
    assert len(labels) == 1, labels
    for comment_id in flood:
        verdict = SpamVerdict.objects.get(comment_id=comment_id)
        assert verdict.decision == CommentStatus.SPAM
        assert "spam_copy" in {r["code"] for r in verdict.reasons}


def test_a_batch_counts_the_copies_one_comment_scored_alone_counts(article, queued_scoring):
    """Past COPIES_FETCHED copies, a batch counts what comment_submit and a rescore read (the
    newest COPIES_FETCHED), not every copy in the window: the two paths agree."""
    from comments.services import COPIES_FETCHED

    repeated = "I keep sending this same long sentence about the grid and its storage plans"

    def send(n):
        # One address, a new browser each time (so no copy is refused as a double post).
        return comment_submit(
            article=article, poster=Poster(name="Repeater", browser_key=f"browser-{n}"),
            text=repeated, ip_address="192.0.2.77",
        ).pk  # fmt: skip

    for n in range(COPIES_FETCHED + 4):
        send(n)
    batched, alone = send(100), send(101)
    comments_score_batch(comment_ids=[batched])
    comment_score(comment_id=alone)

    def counted(comment_id):
        verdict = SpamVerdict.objects.get(comment_id=comment_id)
        return next(r["params"]["count"] for r in verdict.reasons if r["code"] == "duplicate")

    assert counted(batched) == counted(alone) == COPIES_FETCHED


@pytest.mark.parametrize("how", ["batch", "one"])
def test_the_model_reads_the_texts_before_the_write_transaction(pending, how, monkeypatch):
    """On SQLite a write transaction holds the whole database, and the model's features are
    most of a verdict's time: the worker asks the model before the transaction opens, as the
    web does for a post (comment_judge_prepare), so posts do not wait on it."""
    from moderation.blending import BlendedModel

    ids = [pending(f"A reply about the grid, {n}.", n).pk for n in range(3)]
    outer = len(connection.atomic_blocks)
    depths = []
    real = BlendedModel.predict_proba

    def predict(self, texts, *, own_hosts=()):
        depths.append(len(connection.atomic_blocks))
        return real(self, texts, own_hosts=own_hosts)

    monkeypatch.setattr(BlendedModel, "predict_proba", predict)
    spam_models.forget()
    if how == "batch":
        assert comments_score_batch(comment_ids=ids) == (3, [])
    else:
        assert comment_score(comment_id=ids[0]) is not None
    assert depths == [outer]  # one call, for every text, outside the scoring transaction
    assert SpamVerdict.objects.filter(comment_id__in=ids).count() == (3 if how == "batch" else 1)


def test_a_batch_builds_no_query_once_its_size_was_compiled(pending):
    """A worker scores batches of one or two comments far more often than deep ones, and
    building the queries cost it more than running them: once a batch of a size has run,
    the next batch of that size reads, locks and moves its comments without building any."""
    from core.db import MOST_KEYS_COMPILED
    from moderation.services.backlog import BATCH

    assert BATCH <= MOST_KEYS_COMPILED  # every batch a run takes is compiled

    def pair(n):
        return [pending(f"A reply about the storage plans, number {n}.", n).pk,
                pending(SPAM.replace("NOW", f"NOW {n}"), n + 1).pk]  # fmt: skip

    comments_score_batch(comment_ids=pair(0))
    fair, spam = pair(2)
    with _filters_built() as build_filter:
        assert comments_score_batch(comment_ids=[fair, spam]) == (2, [])
    build_filter.assert_not_called()
    flags = dict(Comment.objects.filter(pk__in=[fair, spam]).values_list("pk", "is_public"))
    statuses = dict(Comment.objects.filter(pk__in=[fair, spam]).values_list("pk", "status"))
    assert statuses[fair] == CommentStatus.PUBLISHED and flags[fair] is True
    assert statuses[spam] != CommentStatus.PUBLISHED and flags[spam] is False
    stamped = Comment.objects.filter(pk__in=[fair, spam], status_changed_at__isnull=False)
    assert stamped.count() == 2


def test_one_comment_scored_from_its_message_builds_no_query_once_compiled(pending):
    """On a quiet site every comment is scored from its own message (no run is alive to
    take it): it is read, locked and moved as a batch of one is, without building a query,
    and ends as the batch would have left it."""
    comment_score(comment_id=pending("A first reply about the storage plans.", 0).pk)
    reply = pending("A second reply about the storage plans.", 1).pk
    with _filters_built() as build_filter:
        verdict = comment_score(comment_id=reply)
    build_filter.assert_not_called()
    assert verdict.decision == CommentStatus.PUBLISHED
    row = Comment.objects.filter(pk=reply).values("status", "is_public").get()
    assert row == {"status": CommentStatus.PUBLISHED, "is_public": True}
    assert comment_score(comment_id=reply) is None  # no longer pending: left alone


@pytest.mark.parametrize("count", [1, 2, 20])
def test_the_queries_of_a_batch_all_compile(count):
    """None of them falls back to the ORM for good (a lookup the compiler cannot place would,
    silently): on either database, for every status a comment can be moved to."""
    from moderation import selectors
    from moderation.services import scoring, transitions

    reads = [transitions._threads_lock, transitions._comments_lock, transitions._slugs_read,
             scoring._pending_texts_read, selectors._copies_read]  # fmt: skip
    writes = [write for status in CommentStatus for write in transitions._status_write(status)]
    for query in [*reads, *writes]:
        assert query._for(count)._compile(connection) is not None, query._build
