import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.db.models.signals import pre_save
from django.test.utils import CaptureQueriesContext

from comments.models import Comment, CommentStatus, Thread
from comments.services import CommentRejected, Poster, comment_submit, thread_recount
from comments.services.placing import GAP
from moderation.services import comment_transition

PUBLISHED, HELD = CommentStatus.PUBLISHED, CommentStatus.HELD


def thread_shape(root):
    """(id, parent, level, order) of every comment in root's thread, in display order."""
    return list(
        Comment.objects.filter(thread_id=root.pk)
        .order_by("order")
        .values_list("pk", "parent_id", "level", "order")
    )


@pytest.mark.django_db
class TestCommentSubmit:
    def test_new_comment_is_stored_pending_and_private(self, article, queued_scoring):
        """Without a verdict at hand (a queue scores it), a new comment is stored pending and
        not public, as its own thread, in one insert."""
        with CaptureQueriesContext(connection) as queries:
            comment = comment_submit(article=article, poster=Poster(name="Ann"), text="Hello")
        comment.refresh_from_db()
        assert comment.status == CommentStatus.PENDING
        assert comment.is_public is False
        assert comment.thread_id == comment.parent_id == comment.pk
        assert comment.level == 0 and comment.order == 1
        assert Thread.objects.get(pk=comment.pk).article == article
        assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
        assert comment.comment_html == "<p>Hello</p>"

    def test_scored_inline_it_is_stored_once_with_its_verdict_and_event(self, article):
        """Scoring inline, the verdict comes before the insert: the comment is stored with
        its final status, verdict and audit event in one transaction, and never updated."""
        from moderation.models import ModerationEvent, SpamVerdict
        from moderation.selectors import rules_get

        rules_get()  # the rules row is created on first use, in a transaction of its own
        with CaptureQueriesContext(connection) as queries:
            comment = comment_submit(article=article, poster=Poster(name="Ann"), text="Hello")
        sql = [q["sql"] for q in queries.captured_queries]
        comment.refresh_from_db()
        assert (comment.status, comment.is_public) == (CommentStatus.PUBLISHED, True)
        event = ModerationEvent.objects.get(comment=comment)
        assert (event.from_status, event.to_status, event.actor_label) == (
            "pending",
            "published",
            "scorer",
        )
        assert SpamVerdict.objects.get(comment=comment).decision == "published"
        assert sum(q.startswith(("BEGIN", "SAVEPOINT")) for q in sql) == 1
        assert not [q for q in sql if q.startswith("UPDATE") and "comments_comment" in q]
        article.refresh_from_db()
        assert article.comment_count == 1
        assert Thread.objects.get(pk=comment.pk).published_count == 1

    def test_a_reply_locks_its_thread_only_where_rows_can_be_locked(self, article, post):
        """PostgreSQL queues writers into a thread on the thread's row lock; SQLite's
        IMMEDIATE transaction already holds the one write lock, so no lock query is sent."""
        root = post(article, "root")
        with CaptureQueriesContext(connection) as queries:
            comment_submit(article=article, poster=Poster(name="Bo"), text="A reply",
                           reply_to=root.pk)  # fmt: skip
        locks = [q["sql"] for q in queries.captured_queries if "comments_thread" in q["sql"]
                 and q["sql"].startswith("SELECT")]  # fmt: skip
        if connection.features.has_select_for_update:
            assert len(locks) == 1 and "FOR UPDATE" in locks[0]
        else:
            assert locks == []

    def test_a_published_reply_tells_its_signal_what_nobody_need_read_again(
        self, article, post, django_capture_on_commit_callbacks
    ):
        """The status change of a new reply carries where it sits and whether its parent
        asked for replies: the live event and the reply notice read nothing after commit."""
        from moderation.live import PLACE_FIELDS
        from moderation.signals import comment_status_changed
        from readers.selectors import reply_notice_wanted

        parent = post(article, "A question worth answering")
        Comment.objects.filter(pk=parent.pk).update(followup=True)  # "notify me of replies"
        heard = []

        def receiver(sender, **kwargs):
            heard.append(kwargs)

        comment_status_changed.connect(receiver)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                reply = comment_submit(article=article, poster=Poster(name="Bo"),
                                       text="An answer to it", reply_to=parent.pk)  # fmt: skip
        finally:
            comment_status_changed.disconnect(receiver)
        assert reply.status == PUBLISHED
        (told,) = heard
        assert told["parent_followup"] is True
        assert {name: told[name] for name in PLACE_FIELDS} == {
            "article_id": article.pk, "thread_id": parent.pk, "parent_id": parent.pk,
            "edited_at": None,
        }  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            wanted = reply_notice_wanted(
                parent_id=parent.pk, comment_id=reply.pk, parent_followup=told["parent_followup"]
            )
        assert wanted is True and queries.captured_queries == []

    def test_scored_inline_a_held_comment_is_stored_held_and_counted_nowhere(self, article):
        """A verdict of held is stored as held: not public, not in any count."""
        from moderation.models import ModerationEvent

        comment = comment_submit(
            article=article, poster=Poster(name="Fast"), text="hi", meta={"form_seconds": 1}
        )
        comment.refresh_from_db()
        assert (comment.status, comment.is_public) == (CommentStatus.HELD, False)
        assert ModerationEvent.objects.get(comment=comment).to_status == "held"
        article.refresh_from_db()
        assert article.comment_count == 0
        assert Thread.objects.get(pk=comment.pk).listed is False

    def test_replies_are_placed_in_pre_order(self, article, post):
        """A reply lands after its parent's existing subtree: appended GAP past the thread's
        last position, or inside the thread in the middle of the gap there, moving no one."""
        root = post(article, "root")
        first = post(article, "first", reply_to=root.pk)
        second = post(article, "second", reply_to=root.pk)
        with CaptureQueriesContext(connection) as queries:
            nested = post(article, "nested", reply_to=first.pk)
        assert thread_shape(root) == [
            (root.pk, root.pk, 0, 1),
            (first.pk, root.pk, 1, 1 + GAP),
            (nested.pk, first.pk, 2, 1 + GAP + GAP // 2),
            (second.pk, root.pk, 1, 1 + 2 * GAP),
        ]
        assert not [q for q in queries.captured_queries if '"order" = (' in q["sql"]]

    def test_a_used_up_gap_moves_what_follows_by_a_gap_at_once(self, article, post):
        """Replies into one spot halve its gap each time; when none is left, the comments
        after it move GAP on, once, and the thread stays in pre-order."""
        root = post(article, "root")
        first = post(article, "first", reply_to=root.pk)
        last = post(article, "last", reply_to=root.pk)
        replies = []
        with CaptureQueriesContext(connection) as queries:
            for n in range(GAP.bit_length() + 1):
                replies.append(post(article, f"reply {n}", reply_to=first.pk))
        moves = [q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and
                 '"order" = (' in q["sql"]]  # fmt: skip
        assert len(moves) == 1
        shape = thread_shape(root)
        assert [pk for pk, *_ in shape] == [root.pk, first.pk, *[r.pk for r in replies], last.pk]
        orders = [order for *_, order in shape]
        assert orders == sorted(set(orders))
        assert orders[-1] == 1 + 2 * GAP + GAP  # the last one moved, once

    def test_reply_past_the_depth_limit_attaches_beside_the_deepest(self, article, post, settings):
        """Replying at the deepest level attaches the reply to the same parent, same level."""
        settings.PARLEY_THREAD_DEPTH = 3
        root = post(article)
        level1 = post(article, reply_to=root.pk)
        level2 = post(article, reply_to=level1.pk)
        beside = post(article, "too deep", reply_to=level2.pk)
        assert (beside.parent_id, beside.level) == (level1.pk, 2)
        assert Comment.objects.filter(thread_id=root.pk).count() == 4

    def test_reply_to_a_comment_on_another_article_is_rejected(self, make_article, article, post):
        """A reply_to pointing at another article's comment stores nothing."""
        elsewhere = post(make_article())
        before = Comment.objects.count()
        with pytest.raises(CommentRejected) as rejected:
            comment_submit(
                article=article, poster=Poster(name="X"), text="t", reply_to=elsewhere.pk
            )
        assert rejected.value.field == "reply_to"
        assert Comment.objects.count() == before

    def test_reply_to_a_missing_comment_is_rejected(self, article):
        """A reply_to that does not exist stores nothing and names the field."""
        with pytest.raises(CommentRejected):
            comment_submit(article=article, poster=Poster(name="X"), text="t", reply_to=999999)
        assert Comment.objects.count() == 0

    def test_reply_to_a_held_comment_of_someone_else_is_rejected(self, article, post):
        """Readers cannot reply to a comment they cannot see."""
        held = post(article, status=HELD)
        with pytest.raises(CommentRejected):
            comment_submit(article=article, poster=Poster(name="X"), text="t", reply_to=held.pk)

    def test_reply_to_own_pending_comment_is_allowed(self, article):
        """A guest may reply to their own comment while it awaits moderation."""
        mine = comment_submit(article=article, poster=Poster(name="Me"), text="first")
        reply = comment_submit(
            article=article,
            poster=Poster(name="Me"),
            text="addendum",
            reply_to=mine.pk,
            own_ids=frozenset({mine.pk}),
        )
        assert reply.parent_id == mine.pk

    def test_closed_or_unpublished_articles_refuse_comments(self, make_article):
        """No comment is stored on a closed or draft article."""
        for article in (make_article(comments_open=False), make_article(publish=False)):
            with pytest.raises(CommentRejected):
                comment_submit(article=article, poster=Poster(name="X"), text="t")
        assert Comment.objects.count() == 0

    def test_identical_resubmission_returns_the_first_comment(self, article, make_user):
        """A double submit by the same person stores one row."""
        user = make_user()
        first = comment_submit(article=article, poster=Poster.for_user(user), text="Same")
        again = comment_submit(article=article, poster=Poster.for_user(user), text="Same")
        assert again.pk == first.pk
        assert Comment.objects.count() == 1

    def test_same_browser_double_submit_stores_one_row(self, article):
        """A guest's double click (same browser key, no cookie back yet) stores one row."""
        poster = Poster(name="Quick Quinn", browser_key="browser-a")
        first = comment_submit(article=article, poster=poster, text="Sent twice")
        again = comment_submit(article=article, poster=poster, text="Sent twice")
        assert again.pk == first.pk
        assert Comment.objects.count() == 1

    def test_signed_in_poster_uses_account_name(self, article, make_user):
        """A signed-in user's comment carries their account, display name and verified
        address."""
        user = make_user("sam", first_name="Sam", last_name="Lee", email="sam@example.com")
        EmailAddress.objects.create(user=user, email="sam@example.com", primary=True, verified=True)
        comment = comment_submit(article=article, poster=Poster.for_user(user), text="Hi")
        assert (comment.user_id, comment.user_name, comment.user_email) == (
            user.pk,
            "Sam Lee",
            "sam@example.com",
        )


@pytest.mark.django_db
class TestNoTakeoverByCopying:
    """Copying a guest's name and words must never hand over their comment."""

    def test_a_copy_from_another_browser_is_a_comment_of_its_own(self, article):
        """Same name, same text, another browser: a new comment, not the victim's."""
        victim = comment_submit(
            article=article,
            poster=Poster(name="Vic Victim", browser_key="victim-browser"),
            text="My genuine words",
        )
        copy = comment_submit(
            article=article,
            poster=Poster(name="Vic Victim", browser_key="attacker-browser"),
            text="My genuine words",
        )
        assert copy.pk != victim.pk
        assert Comment.objects.count() == 2

    def test_a_copy_with_no_proof_at_all_is_a_comment_of_its_own(self, article):
        """A poster with no account, no own-comments cookie and no browser key gets nothing back."""
        victim = comment_submit(article=article, poster=Poster(name="Vic"), text="Words")
        copy = comment_submit(article=article, poster=Poster(name="Vic"), text="Words")
        assert copy.pk != victim.pk

    def test_a_copied_reply_is_a_reply_of_its_own(self, article, post):
        """The same holds for replies: a copied reply does not return the original."""
        parent = post(article, "Parent")
        victim = comment_submit(
            article=article,
            poster=Poster(name="Vic", browser_key="victim-browser"),
            text="Reply words",
            reply_to=parent.pk,
        )
        copy = comment_submit(
            article=article,
            poster=Poster(name="Vic", browser_key="attacker-browser"),
            text="Reply words",
            reply_to=parent.pk,
        )
        assert copy.pk != victim.pk

    def test_the_signed_own_comments_cookie_proves_a_duplicate(self, article):
        """A retry from a browser whose cookie lists the first comment gets that comment."""
        first = comment_submit(
            article=article, poster=Poster(name="Ola", browser_key="one"), text="Retry me"
        )
        again = comment_submit(
            article=article,
            poster=Poster(name="Ola", browser_key="rotated"),
            text="Retry me",
            own_ids=frozenset({first.pk}),
        )
        assert again.pk == first.pk


@pytest.mark.django_db
class TestXtdFaultsStayFixed:
    def test_saving_a_public_parent_does_not_republish_held_replies(self, article, post):
        """xtd fault 1: a parent's save() used to copy its visibility onto held replies."""
        parent = post(article, "parent")
        held = post(article, "held reply", reply_to=parent.pk, status=HELD)
        parent.comment = "edited parent"
        parent.save()
        held.refresh_from_db()
        assert held.status == HELD and held.is_public is False

    def test_xtd_pre_save_receiver_is_disconnected(self):
        """xtd's publish_or_unpublish_on_pre_save is not connected to Parley's model."""
        from django_comments_xtd.models import publish_or_unpublish_on_pre_save

        receivers = pre_save._live_receivers(Comment)
        receivers = receivers[0] if isinstance(receivers, tuple) else receivers
        assert publish_or_unpublish_on_pre_save not in list(receivers)

    def test_approving_a_parent_leaves_held_replies_held(self, article, post):
        """xtd fault 1 via moderation: approving a held parent does not approve its replies."""
        parent = post(article, "parent")
        reply = post(article, "reply", reply_to=parent.pk, status=HELD)
        comment_transition(comment_id=parent.pk, to_status=HELD)
        comment_transition(comment_id=parent.pk, to_status=PUBLISHED)
        reply.refresh_from_db()
        assert reply.status == HELD and reply.is_public is False

    def test_nested_count_does_not_drift_on_resave(self, article, post):
        """xtd fault 2: re-saving comments leaves nested_count equal to published descendants."""
        root = post(article)
        child = post(article, reply_to=root.pk)
        grandchild = post(article, reply_to=child.pk)
        for comment in (child, grandchild, child, root):
            comment.refresh_from_db()
            comment.save()
        root.refresh_from_db()
        child.refresh_from_db()
        assert (root.nested_count, child.nested_count) == (2, 1)

    def test_unpublishing_only_decrements_ancestors(self, article, post):
        """xtd fault 2: hiding a reply changes its ancestors' counts, never a sibling's."""
        root = post(article)
        branch_a = post(article, reply_to=root.pk)
        post(article, reply_to=branch_a.pk)
        branch_b = post(article, reply_to=root.pk)
        leaf_b = post(article, reply_to=branch_b.pk)
        comment_transition(comment_id=leaf_b.pk, to_status=HELD)
        counts = dict(Comment.objects.filter(thread_id=root.pk).values_list("pk", "nested_count"))
        assert counts[root.pk] == 3
        assert counts[branch_a.pk] == 1
        assert counts[branch_b.pk] == 0

    def test_held_replies_are_not_counted(self, article, post):
        """xtd fault 2: a held reply never counts as a published descendant."""
        root = post(article)
        post(article, reply_to=root.pk, status=HELD)
        root.refresh_from_db()
        assert root.nested_count == 0
        assert Thread.objects.get(pk=root.pk).published_count == 1


@pytest.mark.django_db
def test_thread_recount_lists_a_hidden_root_with_public_replies(article, post):
    """A held root stays listed while a published reply hangs under it."""
    root = post(article)
    post(article, reply_to=root.pk)
    comment_transition(comment_id=root.pk, to_status=HELD)
    thread = Thread.objects.get(pk=root.pk)
    assert (thread.listed, thread.published_count) == (True, 1)
    Comment.objects.filter(thread_id=root.pk).update(nested_count=42)
    thread_recount(thread_id=root.pk)
    root.refresh_from_db()
    assert root.nested_count == 1


@pytest.mark.django_db
def test_incremental_thread_counts_match_a_full_recount(article, post):
    """After a random run of status changes, the counts kept step by step equal a recount."""
    import random

    from django.core.management import call_command

    rng = random.Random(5)
    statuses = [CommentStatus.PUBLISHED, HELD, CommentStatus.SPAM, CommentStatus.REMOVED]
    comments = [post(article, "root")]
    for n in range(25):
        comments.append(post(article, f"c{n}", reply_to=rng.choice(comments).pk))
    for _ in range(60):
        target = rng.choice(comments)
        target.refresh_from_db()
        choice = rng.choice([s for s in statuses if s != target.status])
        comment_transition(comment_id=target.pk, to_status=choice)

    def snapshot():
        counts = dict(Comment.objects.values_list("pk", "nested_count"))
        threads = list(Thread.objects.values_list("pk", "listed", "published_count"))
        return counts, threads

    kept = snapshot()
    call_command("recount_threads")
    assert snapshot() == kept


@pytest.mark.django_db
class TestPostingCost:
    """What storing a comment costs, pinned where a saving leaves the result unchanged."""

    def test_a_root_published_as_stored_starts_its_thread_counted(self, article):
        """Scoring inline, a top-level comment published as it is stored starts its thread
        listed and counted in the thread's one INSERT (never updated afterwards), with the
        counts a full recount gives, and later moves count from there."""
        from moderation.selectors import rules_get

        rules_get()  # the rules row is created on first use, in a transaction of its own
        with CaptureQueriesContext(connection) as queries:
            comment = comment_submit(article=article, poster=Poster(name="Ann"), text="Hello")
        thread_writes = [
            q["sql"].split(None, 1)[0]
            for q in queries.captured_queries
            if '"comments_thread"' in q["sql"] and not q["sql"].startswith("SELECT")
        ]
        assert thread_writes == ["INSERT"]
        thread = Thread.objects.get(pk=comment.pk)
        assert (thread.listed, thread.published_count) == (True, 1)
        assert thread.last_published_at is not None
        thread_recount(thread_id=comment.pk)
        thread.refresh_from_db()
        assert (thread.listed, thread.published_count) == (True, 1)
        article.refresh_from_db()
        assert article.comment_count == 1

        comment_transition(comment_id=comment.pk, to_status=CommentStatus.REMOVED)
        thread.refresh_from_db()
        article.refresh_from_db()
        assert (thread.listed, thread.published_count, article.comment_count) == (False, 0, 0)

    def test_a_held_root_starts_its_thread_unlisted(self, article):
        """A top-level comment held as it is stored starts an unlisted thread counting
        nothing, and publishing it later lists and counts it."""
        comment = comment_submit(
            article=article, poster=Poster(name="Fast"), text="hi", meta={"form_seconds": 1}
        )
        thread = Thread.objects.get(pk=comment.pk)
        assert (thread.listed, thread.published_count, thread.last_published_at) == (
            False, 0, None,
        )  # fmt: skip
        comment_transition(comment_id=comment.pk, to_status=PUBLISHED)
        thread.refresh_from_db()
        assert (thread.listed, thread.published_count) == (True, 1)

    def test_a_published_root_costs_ten_queries_and_one_more_to_lock(self, article):
        """Storing a top-level comment scored inline: the transaction, the copies, three
        comment rows, its thread, the article's count, the verdict and the event; PostgreSQL
        adds the article's row lock."""
        # Warm: the rules, the content type and the spam model are read once per process.
        comment_submit(article=article, poster=Poster(name="Ann"), text="First")
        with CaptureQueriesContext(connection) as queries:
            comment = comment_submit(article=article, poster=Poster(name="Bo"), text="Hello")
        assert comment.status == PUBLISHED
        assert len(queries) == 10 + connection.features.has_select_for_update

    def test_a_reply_reads_only_what_placing_it_needs_of_its_parent(self, article, post):
        """A reply reads its parent's position, owner and status, not the whole comment
        (its text and HTML); replying to a top-level comment, whose subtree is its whole
        thread, it reads the thread's last position alone. It is placed and told of the
        parent's follow-up as before."""
        root = post(article, "The root's own words")
        Comment.objects.filter(pk=root.pk).update(followup=True)
        with CaptureQueriesContext(connection) as queries:
            reply = comment_submit(
                article=article, poster=Poster(name="Bo"), text="A reply", reply_to=root.pk
            )
        selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
        assert not [sql for sql in selects if '"comment_html"' in sql]
        assert not [sql for sql in selects if "MIN(" in sql]
        assert (reply.parent_id, reply.thread_id, reply.level, reply.order) == (
            root.pk, root.pk, 1, 1 + GAP,
        )  # fmt: skip
        assert reply.parent_followup is True

    def test_a_deep_reply_counts_into_its_ancestors_without_reading_them(
        self, article, post, settings
    ):
        """A reply four levels down, published as it is stored, counts into each of its
        ancestors in one statement: found by position, not by reading the parent chain."""
        settings.PARLEY_THREAD_DEPTH = 6
        root = post(article, "root")
        chain = [root]
        for text in ("first", "second", "third"):
            chain.append(post(article, text, reply_to=chain[-1].pk))
        beside = post(article, "beside", reply_to=chain[1].pk)  # not an ancestor
        with CaptureQueriesContext(connection) as queries:
            reply = comment_submit(
                article=article, poster=Poster(name="Cy"), text="Deep", reply_to=chain[-1].pk
            )
        assert (reply.status, reply.level) == (PUBLISHED, 4)
        ancestor_reads = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith('SELECT "django_comments_xtd_xtdcomment"."parent_id"')
        ]
        assert ancestor_reads == []
        counted = [q for q in queries.captured_queries if '"nested_count" = (' in q["sql"]]
        assert len(counted) == 1
        nested = dict(Comment.objects.filter(thread_id=root.pk).values_list("pk", "nested_count"))
        assert [nested[comment.pk] for comment in chain] == [5, 4, 2, 1]  # "beside" too
        assert nested[beside.pk] == 0 and nested[reply.pk] == 0
        assert Thread.objects.get(pk=root.pk).published_count == 6


@pytest.mark.django_db
class TestArticleForPosting:
    def test_only_a_published_article_is_found(self, make_article):
        """The form's post finds a published article; a draft, one scheduled for later or
        a missing one is not found."""
        from datetime import timedelta

        from django.utils import timezone

        from articles.models import Article
        from articles.selectors import article_for_posting

        published, draft, later = make_article(), make_article(publish=False), make_article()
        Article.objects.filter(pk=later.pk).update(
            status=Article.Status.SCHEDULED, published_at=timezone.now() + timedelta(hours=1)
        )
        found = article_for_posting(article_id=published.pk)
        assert found == published and found.accepts_comments
        assert article_for_posting(article_id=draft.pk) is None
        assert article_for_posting(article_id=later.pk) is None
        assert article_for_posting(article_id=later.pk + 1000) is None

    def test_it_is_one_query_by_key_reading_no_body(self, article):
        """One query by the article's key, without its body or the published filter's
        conditions (checked on the row instead: the same test, cheaper to build)."""
        from articles.selectors import article_for_posting

        with CaptureQueriesContext(connection) as queries:
            found = article_for_posting(article_id=article.pk)
        (sql,) = [q["sql"] for q in queries.captured_queries]
        assert found.slug == article.slug
        assert '"body"' not in sql and '"published_at" <=' not in sql
        assert "ORDER BY" not in sql
