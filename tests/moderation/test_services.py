"""The moderation services: transitions and their effects, scoring, reports, undo, digests."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from comments.models import Comment, CommentStatus, Thread
from comments.services import Poster, comment_submit
from core.roles import MODERATORS_GROUP
from moderation import scoring, services
from moderation.models import (
    Ban,
    HeldDigest,
    ModerationEvent,
    ModerationRules,
    Report,
    SpamVerdict,
    TrainingExample,
)
from moderation.services import ALLOWED_TRANSITIONS, TransitionNotAllowed, comment_transition
from tests.support import moderator_address_verified

S = CommentStatus
pytestmark = pytest.mark.django_db


def is_on_page(article, text):
    return text in Client().get(article.get_absolute_url()).content.decode()


class HoldingWhileSending:
    """A mail backend during whose send a reader's comment is held."""

    article = None

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        services.comment_score(comment_id=pending(self.article, "held while sending").pk)
        return len(messages)


class RefusingToSend:
    """A mail backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def pending(article, text="Thanks, the part about storage was clear.", **poster):
    """A comment stored pending, as with a queue (no judging as it is stored)."""
    poster.setdefault("name", "Pending Pat")
    with override_settings(PARLEY_COMMENT_JUDGE=""):
        return comment_submit(article=article, poster=Poster(**poster), text=text)


class TestTransitions:
    @pytest.mark.parametrize(
        ("from_status", "to_status"),
        [(f, t) for f, targets in ALLOWED_TRANSITIONS.items() for t in sorted(targets)],
    )
    def test_every_allowed_transition_sets_visibility_and_audits(
        self, article, post, from_status, to_status, moderator
    ):
        """Each allowed move mirrors is_public/is_removed, shows or hides, and is audited."""
        comment = post(article, f"text {from_status} {to_status}", status=from_status)
        assert comment_transition(comment_id=comment.pk, to_status=to_status, actor=moderator)
        comment.refresh_from_db()
        assert comment.status == to_status
        assert comment.is_public is (to_status == S.PUBLISHED)
        assert comment.is_removed is (to_status == S.REMOVED)
        assert is_on_page(article, comment.comment) is (to_status == S.PUBLISHED)
        event = ModerationEvent.objects.filter(comment=comment).first()
        assert (event.from_status, event.to_status, event.actor) == (
            from_status,
            to_status,
            moderator,
        )

    def test_removed_never_goes_back_to_pending_and_deleted_is_final(self, article, post):
        """Only an author's edit returns a comment to pending (spam the scorer marked
        included: readers.selectors), never a removed one; deletion is final."""
        comment = post(article, status=S.REMOVED)
        with pytest.raises(TransitionNotAllowed):
            comment_transition(comment_id=comment.pk, to_status=S.PENDING)
        deleted = post(article, status=S.DELETED)
        for status in (S.PUBLISHED, S.HELD, S.PENDING):
            with pytest.raises(TransitionNotAllowed):
                comment_transition(comment_id=deleted.pk, to_status=status)

    def test_only_from_makes_repeats_harmless(self, article):
        """A compare-and-set move happens once; a second identical call changes nothing."""
        comment = pending(article)
        first = comment_transition(
            comment_id=comment.pk, to_status=S.PUBLISHED, only_from=[S.PENDING]
        )
        second = comment_transition(comment_id=comment.pk, to_status=S.SPAM, only_from=[S.PENDING])
        assert second is None
        assert list(ModerationEvent.objects.filter(comment=comment)) == [first]
        assert (first.from_status, first.to_status) == (S.PENDING, S.PUBLISHED)

    def test_held_parent_keeps_public_replies_under_a_placeholder(self, article, post):
        """Holding a parent hides it; its published replies stay, under a placeholder."""
        parent = post(article, "parent words")
        post(article, "reply words", reply_to=parent.pk)
        comment_transition(comment_id=parent.pk, to_status=S.HELD)
        html = Client().get(article.get_absolute_url()).content.decode()
        assert "parent words" not in html and "reply words" in html
        assert "[awaiting moderation]" in html

    def test_removed_or_spam_parent_shows_removed_placeholder(self, article, post):
        """A removed parent with published replies leaves "[removed]"; without replies, nothing."""
        parent = post(article, "removed words")
        post(article, "surviving reply", reply_to=parent.pk)
        lone = post(article, "lonely words")
        comment_transition(comment_id=parent.pk, to_status=S.REMOVED)
        comment_transition(comment_id=lone.pk, to_status=S.SPAM)
        html = Client().get(article.get_absolute_url()).content.decode()
        assert "[removed]" in html and "surviving reply" in html
        assert "removed words" not in html and "lonely words" not in html
        assert html.count("[removed]") == 1

    def test_a_thread_with_nothing_public_is_not_listed(self, article, post):
        """A thread whose every comment is hidden disappears from the page entirely."""
        root = post(article)
        reply = post(article, reply_to=root.pk)
        comment_transition(comment_id=reply.pk, to_status=S.SPAM)
        comment_transition(comment_id=root.pk, to_status=S.SPAM)
        assert Thread.objects.get(pk=root.pk).listed is False

    def test_moderator_decisions_become_training_labels_and_resolve_reports(
        self, article, post, moderator
    ):
        """Approve labels not-spam, spam labels spam, and a decision closes open reports."""
        comment = post(article, "label me", status=S.HELD)
        Report.objects.create(comment=comment, reporter_key="ip:x", reason="spam")
        comment_transition(comment_id=comment.pk, to_status=S.PUBLISHED, actor=moderator)
        example = TrainingExample.objects.get(comment=comment)
        assert (example.text, example.is_spam) == ("label me", False)
        assert Report.objects.get().resolved_at is not None
        comment_transition(comment_id=comment.pk, to_status=S.SPAM, actor=moderator)
        assert TrainingExample.objects.get(comment=comment).is_spam is True
        assert TrainingExample.objects.count() == 1

    def test_scorer_decisions_are_not_training_labels(self, article):
        """Only people's decisions teach the model."""
        services.comment_score(comment_id=pending(article).pk)
        assert TrainingExample.objects.count() == 0


class TestScoring:
    def test_a_clean_comment_is_published_with_a_stored_verdict(self, article):
        """Scoring publishes a clean comment and stores the verdict with its reasons."""
        comment = pending(article)
        verdict = services.comment_score(comment_id=comment.pk)
        comment.refresh_from_db()
        assert comment.status == S.PUBLISHED
        stored = SpamVerdict.objects.get(comment=comment)
        assert (stored.decision, stored.score, stored.acted) == ("published", verdict.score, True)
        assert stored.elapsed_ms is not None and stored.elapsed_ms >= 0
        assert any("model" in r["reason"] for r in stored.reasons)
        assert ModerationEvent.objects.get(comment=comment).actor_label == "scorer"

    def test_spammy_comment_is_marked_spam_with_reasons(self, article):
        """A disallowed keyword sends a comment to spam, saying why."""
        ModerationRules.objects.update_or_create(
            pk=1, defaults={"disallowed_keywords": "crypto giveaway"}
        )
        comment = pending(article, "Free crypto giveaway here")
        services.comment_score(comment_id=comment.pk)
        comment.refresh_from_db()
        assert comment.status == S.SPAM
        reasons = SpamVerdict.objects.get(comment=comment).reasons
        assert "matches disallowed keyword 'crypto giveaway'" in [r["reason"] for r in reasons]

    def test_second_delivery_changes_nothing(self, article):
        """Scoring a comment twice writes one verdict and one event."""
        comment = pending(article)
        services.comment_score(comment_id=comment.pk)
        assert services.comment_score(comment_id=comment.pk) is None
        assert SpamVerdict.objects.filter(comment=comment).count() == 1
        assert ModerationEvent.objects.filter(comment=comment).count() == 1

    def test_a_failing_scorer_holds_the_comment(self, article, monkeypatch):
        """If the scorer raises, the comment is held (never published) and the reason says so."""

        def broken(*args, **kwargs):
            raise RuntimeError("model file corrupt")

        monkeypatch.setattr(scoring, "score_submission", broken)
        comment = pending(article)
        services.comment_score(comment_id=comment.pk)
        comment.refresh_from_db()
        assert comment.status == S.HELD
        stored = SpamVerdict.objects.get(comment=comment)
        assert stored.reasons[0]["code"] == "scorer_error"
        assert stored.elapsed_ms is None  # a failure's time is no scoring time

    def test_log_only_records_the_verdict_and_publishes(self, article):
        """In log-only mode a spam verdict is recorded but the comment is published."""
        ModerationRules.objects.update_or_create(
            pk=1, defaults={"log_only": True, "disallowed_keywords": "casino"}
        )
        comment = pending(article, "casino casino")
        services.comment_score(comment_id=comment.pk)
        comment.refresh_from_db()
        verdict = SpamVerdict.objects.get(comment=comment)
        assert comment.status == S.PUBLISHED
        assert (verdict.decision, verdict.acted) == ("spam", False)

    def test_author_history_and_duplicates_feed_the_scorer(self, article, post):
        """A returning author with a confirmed address is trusted; the same text posted
        again by the same poster counts against it, by someone else not."""
        post(
            article,
            "An earlier approved comment",
            name="Regular",
            email="reg@example.com",
            email_verified=True,
        )
        text = "Read my new blog post about the grid now"
        with override_settings(PARLEY_COMMENT_JUDGE=""):
            first, again, copied = (
                comment_submit(article=article, poster=Poster(name=name), text=text, ip_address=ip)
                for name, ip in (("Someone", "192.0.2.7"), ("Someone", "192.0.2.7"),
                                 ("Other", "198.51.100.3"))
            )  # fmt: skip
        for comment in (first, again, copied):
            services.comment_score(comment_id=comment.pk)
        # The same address sending it again is held; another reader quoting it is not.
        again.refresh_from_db()
        copied.refresh_from_db()
        assert again.status == S.HELD
        assert "duplicate" in {r["code"] for r in SpamVerdict.objects.get(comment=again).reasons}
        assert "duplicate" not in {
            r["code"] for r in SpamVerdict.objects.get(comment=copied).reasons
        }
        trusted = pending(
            article, "Back again", name="Regular", email="REG@example.com", email_verified=True
        )
        services.comment_score(comment_id=trusted.pk)
        reasons = [r["reason"] for r in SpamVerdict.objects.get(comment=trusted).reasons]
        assert "trusted author: 1 approved comment" in reasons

    def test_scored_as_posted_a_copy_counts_only_from_the_same_address(self, article, submit):
        """Inline, through the form: the same long text again from the same address is held
        as a repeat; from another address it is not a repeat."""
        from tests.conftest import form_data

        text = "Read my new blog post about the grid now, link in my name"
        for name, address in (("Ann", "192.0.2.8"), ("Bo", "192.0.2.8"), ("Cy", "198.51.100.9")):
            submit(form_data(article, comment=text, name=name), REMOTE_ADDR=address)
        codes = {
            comment.user_name: {r["code"] for r in SpamVerdict.objects.get(comment=comment).reasons}
            for comment in Comment.objects.all()
        }
        assert "duplicate" not in codes["Ann"] and "duplicate" in codes["Bo"]
        assert "duplicate" not in codes["Cy"]

    def test_a_regulars_email_typed_without_proof_is_a_first_comment(self, article, post):
        """Knowing a trusted regular's address gains nothing: without proof the post is
        scored as a first comment, with no trust and no history."""
        for n in range(3):
            post(article, f"Approved {n}", name="Regular", email="reg@example.com",
                 email_verified=True)  # fmt: skip
        impostor = pending(article, "Totally me", name="Regular", email="reg@example.com")
        services.comment_score(comment_id=impostor.pk)
        codes = [r["code"] for r in SpamVerdict.objects.get(comment=impostor).reasons]
        assert "first_comment" in codes and "trusted" not in codes

    def test_an_unproven_guest_is_a_new_author_every_time(self, article, post):
        """Spam history does not follow a typed name and email either: no proof, no history."""
        post(article, "Old spam", name="Sam", email="sam@example.com", status=S.SPAM)
        again = pending(article, "Hello there", name="Sam", email="sam@example.com")
        services.comment_score(comment_id=again.pk)
        codes = [r["code"] for r in SpamVerdict.objects.get(comment=again).reasons]
        assert "author_spam" not in codes and "first_comment" in codes

    def test_account_history_counts_without_an_email(self, article, post, make_user):
        """An account is proof enough: its approved comments make it trusted."""
        user = make_user("regular_account")
        post(article, "Approved once", user=user, name="regular_account")
        again = pending(article, "And again", user=user, name="regular_account")
        services.comment_score(comment_id=again.pk)
        codes = [r["code"] for r in SpamVerdict.objects.get(comment=again).reasons]
        assert "trusted" in codes

    def test_too_fast_form_is_held(self, article):
        """A form sent a second after it was shown is held for a look."""
        with override_settings(PARLEY_COMMENT_JUDGE=""):
            comment = comment_submit(
                article=article, poster=Poster(name="Bot"), text="hi", meta={"form_seconds": 1}
            )
        services.comment_score(comment_id=comment.pk)
        comment.refresh_from_db()
        assert comment.status == S.HELD

    def test_sweep_scores_comments_left_pending(self, article):
        """The sweep picks up comments pending longer than the age, and only those."""
        old = pending(article, "old one")
        Comment.objects.filter(pk=old.pk).update(submit_date=timezone.now() - timedelta(minutes=5))
        fresh = pending(article, "fresh one")
        assert services.pending_sweep(older_than=timedelta(minutes=2), inline=True) == 1
        old.refresh_from_db()
        fresh.refresh_from_db()
        assert (old.status, fresh.status) == (S.PUBLISHED, S.PENDING)


class TestBrokerDown:
    def test_posting_with_the_broker_unreachable_keeps_the_comment_pending(
        self, article, submit, settings
    ):
        """With the broker refusing connections the post still succeeds, fast, and the
        comment waits as pending (shown to its poster) for the sweep."""
        from tests.conftest import celery_broker, form_data

        with celery_broker("redis://127.0.0.1:1/0"):  # nothing listens on port 1
            started = time.monotonic()
            response = submit(form_data(article, comment="Written while Redis was down"))
            elapsed = time.monotonic() - started
        comment = Comment.objects.get()
        assert response.status_code == 302
        assert comment.status == S.PENDING
        assert elapsed < 5
        assert (
            "Written while Redis was down"
            not in Client().get(article.get_absolute_url()).content.decode()
        )


class TestReports:
    def test_reports_hold_a_comment_at_the_threshold(self, article, post, make_user):
        """N distinct readers' reports hold a published comment; one reader counts once."""
        comment = post(article, "questionable words")
        readers = [make_user() for _ in range(3)]
        assert services.report_create(
            comment_id=comment.pk, user=readers[0], ip_address=None, reason="spam"
        )
        assert not services.report_create(
            comment_id=comment.pk, user=readers[0], ip_address=None, reason="abuse"
        )
        services.report_create(
            comment_id=comment.pk, user=None, ip_address="198.51.100.7", reason="spam"
        )
        comment.refresh_from_db()
        assert comment.status == S.PUBLISHED
        services.report_create(
            comment_id=comment.pk, user=readers[1], ip_address=None, reason="abuse"
        )
        comment.refresh_from_db()
        assert comment.status == S.HELD
        event = ModerationEvent.objects.filter(comment=comment).first()
        assert event.actor_label == "readers" and event.reasons[0]["reason"] == "3 reader reports"

    def test_a_banned_readers_reports_are_kept_but_hide_nothing(
        self, article, post, make_user, moderator
    ):
        """Reports from a banned account or a shadow-banned address are recorded for
        moderators, but count towards no hold: a banned troll cannot hide others' words."""
        comment = post(article, "an unpopular but fair opinion")
        troll = make_user()
        services.ban_create(kind=Ban.Kind.ACCOUNT, user=troll, actor=moderator, reason="abuse")
        services.ban_create(
            kind=Ban.Kind.IP, value="198.51.100.66", actor=moderator, reason="abuse", shadow=True
        )
        readers = [make_user() for _ in range(2)]
        for user, address in ((troll, None), (None, "198.51.100.66"), (readers[0], None)):
            assert services.report_create(
                comment_id=comment.pk, user=user, ip_address=address, reason="abuse"
            )
        comment.refresh_from_db()
        assert comment.status == S.PUBLISHED
        assert Report.objects.filter(comment=comment).count() == 3
        assert Report.objects.filter(comment=comment, counts=False).count() == 2
        queue = Client()
        queue.force_login(moderator)
        page = queue.get("/moderation/reported/").content.decode()
        assert page.count("from a banned reader: it counts towards no hold") == 2
        services.report_create(
            comment_id=comment.pk, user=readers[1], ip_address=None, reason="abuse"
        )
        services.report_create(
            comment_id=comment.pk, user=None, ip_address="203.0.113.40", reason="abuse"
        )
        comment.refresh_from_db()
        assert comment.status == S.HELD
        event = ModerationEvent.objects.filter(comment=comment).first()
        assert event.reasons[0]["reason"] == "3 reader reports"

    def test_guest_reporter_ip_is_stored_as_a_keyed_hash(self, article, post):
        """A guest's IP is never stored in clear."""
        comment = post(article)
        services.report_create(
            comment_id=comment.pk, user=None, ip_address="203.0.113.5", reason="spam"
        )
        key = Report.objects.get().reporter_key
        assert key.startswith("ip:") and "203.0.113.5" not in key


class TestUndo:
    def test_a_moderator_decision_can_be_undone_once_within_the_window(
        self, article, post, moderator
    ):
        """Undo restores the previous status through the same service, once."""
        comment = post(article, status=S.HELD)
        [event_id] = services.comments_moderate(
            comment_ids=[comment.pk], action="spam", actor=moderator
        )
        assert services.event_undo(event_id=event_id, actor=moderator)
        comment.refresh_from_db()
        assert comment.status == S.HELD
        with pytest.raises(services.UndoNotAllowed):
            services.event_undo(event_id=event_id, actor=moderator)

    def test_old_or_superseded_decisions_cannot_be_undone(self, article, post, moderator, settings):
        """Past the window, or after the comment moved on, undo is refused with a reason."""
        comment = post(article, status=S.HELD)
        [first] = services.comments_moderate(
            comment_ids=[comment.pk], action="approve", actor=moderator
        )
        services.comments_moderate(comment_ids=[comment.pk], action="remove", actor=moderator)
        with pytest.raises(services.UndoNotAllowed, match="changed since"):
            services.event_undo(event_id=first, actor=moderator)
        [last] = list(
            ModerationEvent.objects.filter(comment=comment).values_list("pk", flat=True)[:1]
        )
        ModerationEvent.objects.filter(pk=last).update(
            created_at=timezone.now() - timedelta(hours=2)
        )
        with pytest.raises(services.UndoNotAllowed, match="30 minutes"):
            services.event_undo(event_id=last, actor=moderator)

    def test_scorer_decisions_are_not_undone(self, article):
        """Undo is for people's decisions; the scorer's are changed by acting on the comment."""
        comment = pending(article)
        services.comment_score(comment_id=comment.pk)
        event = ModerationEvent.objects.get(comment=comment)
        with pytest.raises(services.UndoNotAllowed):
            services.event_undo(event_id=event.pk, actor=None)


class TestHeldDigest:
    def test_moderators_get_one_digest_for_a_batch_of_held_comments(
        self, article, make_user, moderator
    ):
        """Held comments are batched into one email per moderator, at their verified
        address; readers get nothing, and neither does an address a moderator never proved."""
        moderator_address_verified(moderator)
        make_user("reader", email="reader@example.com")
        make_user("unproven-mod", email="typo@example.com", groups=[MODERATORS_GROUP])
        ModerationRules.objects.update_or_create(pk=1, defaults={"hold_all": True})
        for n in range(3):
            services.comment_score(comment_id=pending(article, f"held {n}").pk)
        assert services.held_digest_send() == 3
        assert [m.to for m in mail.outbox] == [["mod@example.com"]]
        assert "3 comments held for review" in mail.outbox[0].subject
        assert "held 2" in mail.outbox[0].body and "/moderation/" in mail.outbox[0].body
        assert mail.outbox[0].alternatives[0][1] == "text/html"
        assert services.held_digest_send() == 0
        assert HeldDigest.objects.count() == 1

    def test_a_comment_held_while_a_digest_is_sent_is_in_the_next_one(
        self, article, moderator, settings, monkeypatch
    ):
        """Sending takes the mail server's time; a comment held meanwhile was not read by
        that digest, so the next one lists it."""
        moderator_address_verified(moderator)
        ModerationRules.objects.update_or_create(pk=1, defaults={"hold_all": True})
        services.comment_score(comment_id=pending(article, "held first").pk)
        monkeypatch.setattr(HoldingWhileSending, "article", article)
        settings.EMAIL_BACKEND = f"{__name__}.HoldingWhileSending"
        assert services.held_digest_send() == 1
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert services.held_digest_send() == 1
        assert "held while sending" in mail.outbox[-1].body

    def test_a_hold_committed_after_a_digest_read_the_queue_is_in_the_next_one(
        self, article, moderator
    ):
        """A scoring batch decides a hold, then commits: a digest that read the queue in
        between did not see it, though its hold is older than that digest."""
        moderator_address_verified(moderator)
        ModerationRules.objects.update_or_create(pk=1, defaults={"hold_all": True})
        services.comment_score(comment_id=pending(article, "held and listed").pk)
        assert services.held_digest_send() == 1
        first = HeldDigest.objects.get()
        late = pending(article, "held before that digest read, committed after")
        services.comment_score(comment_id=late.pk)
        Comment.objects.filter(pk=late.pk).update(
            status_changed_at=first.sent_at - timedelta(seconds=1)
        )
        assert services.held_digest_send() == 1
        assert "committed after" in mail.outbox[-1].body
        assert services.held_digest_send() == 0

    def test_a_wave_of_holds_is_counted_whole_and_listed_once(self, article, moderator):
        """The email lists the first 200 and says how many more; none is lost or repeated."""
        moderator_address_verified(moderator)
        ids = [pending(article, f"wave comment number {n}").pk for n in range(203)]
        Comment.objects.filter(pk__in=ids).update(
            status=CommentStatus.HELD, status_changed_at=timezone.now()
        )
        assert services.held_digest_send() == 203
        (email,) = mail.outbox
        assert email.subject == "[Parley] 203 comments held for review"
        assert "203 comments are waiting for a moderator" in email.body
        assert email.body.count("wave comment number") == 200
        assert "And 3 more held comments." in email.body
        assert services.held_digest_send() == 0

    def test_a_digest_that_could_not_be_sent_is_sent_by_the_next(
        self, article, moderator, settings
    ):
        moderator_address_verified(moderator)
        ModerationRules.objects.update_or_create(pk=1, defaults={"hold_all": True})
        services.comment_score(comment_id=pending(article, "held while mail is down").pk)
        settings.EMAIL_BACKEND = f"{__name__}.RefusingToSend"
        with pytest.raises(ConnectionRefusedError):
            services.held_digest_send()
        assert not HeldDigest.objects.exists()
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert services.held_digest_send() == 1
        assert "held while mail is down" in mail.outbox[-1].body

    def test_holding_schedules_one_digest_per_window(
        self, article, moderator, django_capture_on_commit_callbacks
    ):
        """A burst of holds schedules one digest that covers them all."""
        moderator_address_verified(moderator)
        ModerationRules.objects.update_or_create(pk=1, defaults={"hold_all": True})
        with django_capture_on_commit_callbacks(execute=True):
            for n in range(4):
                services.comment_score(comment_id=pending(article, f"held {n}").pk)
        assert len(mail.outbox) == 1
        assert "4 comments" in mail.outbox[0].subject
        assert services.held_digest_send() == 0
