"""A batch of comments moves together (moderation.services.transitions.comments_status_move):
statuses, verdicts, events and thread counts in a few statements for the whole batch, one page
refresh per article and one signal per comment after the commit, and the same rows, counts and
audit trail as moving each comment on its own (comment_status_move)."""

from functools import partial

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from comments.models import Comment, CommentStatus, Thread
from comments.services import Poster, comment_submit
from moderation.models import ModerationEvent, SpamVerdict
from moderation.scoring import Verdict
from moderation.services import comment_score
from moderation.services.scoring import comments_score_batch
from moderation.services.transition_effects import page_refresh
from moderation.services.transitions import (
    StatusMove,
    TransitionNotAllowed,
    comment_lock,
    comments_lock,
    comments_status_move,
)
from moderation.signals import comment_status_changed

pytestmark = pytest.mark.django_db
S = CommentStatus
SPAM = "BUY CHEAP PILLS NOW!!! http://pills.example http://pills.example/2 http://x.example"


def _world(make_article, post, spam=SPAM) -> tuple[list[Article], list[Comment]]:
    """Two articles with published threads three levels deep, and pending comments at every
    level of them (one of them `spam`), in a fixed order."""
    first, second = make_article(), make_article()
    root = post(first, "A first root.")
    reply = post(first, "A reply to it.", reply_to=root.pk)
    # Its author asked to hear of replies.
    Comment.objects.filter(pk=reply.pk).update(followup=True)
    deeper = post(first, "A reply to the reply.", reply_to=reply.pk)
    other = post(second, "A root on the other article.")
    pending = [
        post(first, "Pending under the root.", reply_to=root.pk, status=S.PENDING),
        post(first, "Pending under the reply.", reply_to=reply.pk, status=S.PENDING),
        post(first, "Pending under the deeper one.", reply_to=deeper.pk, status=S.PENDING),
        post(first, "Another under the deeper one.", reply_to=deeper.pk, status=S.PENDING),
        post(first, spam, reply_to=deeper.pk, status=S.PENDING),
        post(first, "A new root, pending.", status=S.PENDING),
        post(second, "Pending on the other article.", reply_to=other.pk, status=S.PENDING),
        post(second, "A new root on the other article.", status=S.PENDING),
    ]
    return [first, second], [root, reply, deeper, other, *pending]


def _state(articles: list[Article], comments: list[Comment]) -> list:
    """Everything a move changes, by position in the world (not by id)."""
    ids = [comment.pk for comment in comments]
    rows = Comment.objects.in_bulk(ids)
    threads = {thread.pk: thread for thread in Thread.objects.filter(pk__in=rows.keys())}
    counts = Article.objects.filter(pk__in=[a.pk for a in articles]).order_by("pk")
    state = [list(counts.values_list("comment_count", flat=True))]
    for pk in ids:
        row = rows[pk]
        thread = threads.get(pk)
        events = ModerationEvent.objects.filter(comment_id=pk, actor_label="scorer")
        verdicts = SpamVerdict.objects.filter(comment_id=pk)
        state.append(
            (
                row.status,
                row.is_public,
                row.is_removed,
                row.nested_count,
                thread and (thread.published_count, thread.listed),
                [(e.from_status, e.to_status, [r["code"] for r in e.reasons]) for e in events],
                [(v.decision, v.acted, [r["code"] for r in v.reasons]) for v in verdicts],
            )
        )
    return state


def test_a_batch_ends_with_the_rows_and_counts_of_moving_one_by_one(make_article, post):
    """Statuses, published-descendant counts, article and thread counts, verdicts and events
    are those that scoring each comment on its own leaves."""
    batch_articles, batch = _world(make_article, post)
    # Another text: a copy of the first world's spam would be judged by that copy.
    single_articles, singles = _world(make_article, post, SPAM.replace("NOW", "TODAY"))

    assert comments_score_batch(comment_ids=[c.pk for c in batch[4:]]) == (8, [])
    for comment in singles[4:]:
        comment_score(comment_id=comment.pk)

    after_batch = _state(batch_articles, batch)
    assert after_batch == _state(single_articles, singles)
    # The world moved: the published replies counted into every ancestor, the spam did not.
    assert after_batch[0] == [3 + 5, 1 + 2]
    assert [row[3] for row in after_batch[1:4]] == [2 + 4, 1 + 3, 2]
    assert after_batch[1 + 8][0] in (S.SPAM, S.HELD)


def test_the_batch_moves_in_statements_per_batch_not_per_comment(article, post):
    """Moving twenty comments costs as many queries as moving two."""
    parent = post(article, "A root to reply to.")
    reply = post(article, "A reply to reply to.", reply_to=parent.pk)
    pending = [
        post(article, f"Reply {n}.", reply_to=(parent, reply)[n % 2].pk, status=S.PENDING)
        for n in range(22)
    ]
    verdict = Verdict(score=0.1, decision=S.PUBLISHED, reasons=())

    def move(comments):
        locked = comments_lock(comment_ids=[c.pk for c in comments])
        moves = [StatusMove(c, S.PUBLISHED, verdict=verdict) for c in locked]
        with CaptureQueriesContext(connection) as queries:
            comments_status_move(moves, actor_label="scorer")
        return len(queries)

    assert move(pending[2:]) <= move(pending[:2])
    parent.refresh_from_db()
    reply.refresh_from_db()
    assert (parent.nested_count, reply.nested_count) == (1 + 22, 11)
    assert SpamVerdict.objects.filter(comment__in=pending).count() == 22
    assert ModerationEvent.objects.filter(comment__in=pending, to_status=S.PUBLISHED).count() == 22


def test_each_comment_is_signalled_and_each_article_refreshed_once_after_commit(
    make_article, post, django_capture_on_commit_callbacks
):
    """One comment_status_changed per comment, as moving it alone sends it, with the parent's
    wish to hear of replies read on the way; one page refresh per article."""
    articles, world = _world(make_article, post)
    pending = world[4:]
    heard = []

    def receiver(sender, **kwargs):
        heard.append(kwargs)

    comment_status_changed.connect(receiver, dispatch_uid="test.batch")
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            comments_score_batch(comment_ids=[c.pk for c in pending])
    finally:
        comment_status_changed.disconnect(dispatch_uid="test.batch")

    # Page refreshes run before the answer (core.after_response.on_commit_before_answer).
    callbacks = [getattr(c, "callback", c) for c in callbacks]
    refreshes = [c for c in callbacks if isinstance(c, partial) and c.func is page_refresh]
    assert sorted(c.args[0] for c in refreshes) == sorted(a.pk for a in articles)
    assert [signal["comment_id"] for signal in heard] == [c.pk for c in pending]
    statuses = dict(
        Comment.objects.filter(pk__in=[c.pk for c in pending]).values_list("pk", "status")
    )
    for signal, comment in zip(heard, pending, strict=True):
        assert (signal["from_status"], signal["to_status"]) == (S.PENDING, statuses[comment.pk])
        assert (signal["parent_id"], signal["thread_id"], signal["article_id"]) == (
            comment.parent_id, comment.thread_id, comment.article_id
        )  # fmt: skip
        if signal["to_status"] == S.PUBLISHED and comment.parent_id != comment.pk:
            parent_followup = Comment.objects.get(pk=comment.parent_id).followup
            assert signal["parent_followup"] is parent_followup
    # The reply whose parent asked to hear of replies says so.
    assert heard[1]["parent_followup"] is True


def test_a_move_not_allowed_moves_none_of_the_batch(article, post):
    """Every move is checked before any is made."""
    waiting = post(article, "Still pending.", status=S.PENDING)
    deleted = post(article, "Deleted by its author.", status=S.DELETED)
    with pytest.raises(TransitionNotAllowed):
        comments_status_move(
            [
                StatusMove(comments_lock(comment_ids=[waiting.pk])[0], S.PUBLISHED),
                StatusMove(comments_lock(comment_ids=[deleted.pk])[0], S.PUBLISHED),
            ],
            actor_label="test",
        )
    assert Comment.objects.get(pk=waiting.pk).status == S.PENDING
    assert not ModerationEvent.objects.filter(comment_id=waiting.pk, to_status=S.PUBLISHED)


def _fail_verdicts_for(comment_id: int) -> None:
    """Make the database refuse a verdict for one comment (a trigger: the real failure)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION test_verdict_refused() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.comment_id = {comment_id} THEN RAISE EXCEPTION 'refused'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER test_verdict_refused BEFORE INSERT ON moderation_spamverdict "
                "FOR EACH ROW EXECUTE FUNCTION test_verdict_refused()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER test_verdict_refused BEFORE INSERT ON moderation_spamverdict "
                f"WHEN NEW.comment_id = {comment_id} BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )


def test_a_comment_the_database_fails_on_does_not_lose_the_others(
    article, post, django_capture_on_commit_callbacks
):
    """The batch's move is rolled back and each comment moves alone: only the one the
    database refuses stays pending, and only the moved ones are signalled."""
    parent = post(article, "A root to reply to.")
    pending = [post(article, f"Reply {n}.", reply_to=parent.pk, status=S.PENDING) for n in range(4)]
    refused = pending[2].pk
    _fail_verdicts_for(refused)
    heard = []

    def receiver(sender, **kwargs):
        heard.append(kwargs["comment_id"])

    comment_status_changed.connect(receiver, dispatch_uid="test.batch.failure")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert comments_score_batch(comment_ids=[c.pk for c in pending]) == (3, [refused])
    finally:
        comment_status_changed.disconnect(dispatch_uid="test.batch.failure")

    statuses = dict(
        Comment.objects.filter(pk__in=[c.pk for c in pending]).values_list("pk", "status")
    )
    assert statuses.pop(refused) == S.PENDING
    assert set(statuses.values()) == {S.PUBLISHED}
    assert sorted(heard) == sorted(statuses)
    assert SpamVerdict.objects.filter(comment__in=pending).count() == 3
    assert ModerationEvent.objects.filter(comment__in=pending, actor_label="scorer").count() == 3
    parent.refresh_from_db()
    assert parent.nested_count == 3


def test_copies_by_the_same_poster_count_in_a_batch_as_one_by_one(article, queued_scoring):
    """The batch reads its posters' earlier copies at once; each comment's count is the one
    scoring it alone reads."""
    text = "The grid needs storage before winter, and the price of waiting is higher than {}."

    def send(words, address):
        return comment_submit(
            article=article,
            poster=Poster(name="Reader"),
            text=text.format(words),
            ip_address=address,
        ).pk

    batch = [send(w, "192.0.2.7") for w in ("building", "building", "talking", "building")]
    singles = [send(w, "192.0.2.8") for w in ("building", "building", "talking", "building")]
    assert comments_score_batch(comment_ids=batch) == (4, [])
    for comment_id in singles:
        comment_score(comment_id=comment_id)

    def copies(comment_id):
        reasons = SpamVerdict.objects.get(comment_id=comment_id).reasons
        return [r.get("details", r) for r in reasons if r["code"] == "duplicate"]

    assert [copies(pk) for pk in batch] == [copies(pk) for pk in singles]
    assert copies(batch[3]) and not copies(batch[0]) and not copies(batch[2])


def test_a_locked_comment_loads_what_else_of_its_article_is_read(make_article, post):
    """The lock reads only each article's slug (what the page refresh after the commit
    needs); any other field of the article a caller reads is loaded from the database, never
    an empty stand-in."""
    first, second = make_article(), make_article()
    comments = [post(first, "On the first."), post(second, "On the second.")]
    with transaction.atomic():
        alone = comment_lock(comment_id=comments[0].pk)
        batch = comments_lock(comment_ids=[c.pk for c in comments])
        assert [c.article.slug for c in (alone, *batch)] == [first.slug, first.slug, second.slug]
        with CaptureQueriesContext(connection) as queries:
            titles = [c.article.title for c in (alone, *batch)]
            opens = [c.article.comments_open for c in (alone, *batch)]
    assert titles == [first.title, first.title, second.title]
    assert all(titles) and opens == [True, True, True]
    assert len(queries) == 6  # one per article and field read, as Django loads deferred fields
