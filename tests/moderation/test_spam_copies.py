"""Copies the site has judged: a distinctive text this site has marked spam is spam when
sent again, by anyone, and one a moderator approved is not asked about again; short common
replies count for neither."""

import pytest

from comments.models import Comment, CommentStatus
from moderation import scoring
from moderation.models import SpamVerdict
from moderation.services import comment_transition

S = CommentStatus
CAMPAIGN = "Check out my channel for the best remixes of this song, subscribe now"
SONG_LINK = "Our choir sang the grid song at the harbour: https://video.example/watch?v=Qx7harbour"


def test_a_distinctive_text_marked_spam_before_is_spam_on_its_own():
    verdict = scoring.score_submission(
        scoring.Submission(text=CAMPAIGN, spam_copies=2), scoring.Rules()
    )
    assert verdict.decision == scoring.SPAM
    reason = next(r for r in verdict.reasons if r.code == "spam_copy")
    assert reason.text == "a moderator marked this text spam here 2 times before"


def test_a_short_reply_marked_spam_before_counts_for_nothing():
    verdict = scoring.score_submission(
        scoring.Submission(text="nice song", spam_copies=3), scoring.Rules()
    )
    assert verdict.decision == scoring.PUBLISHED
    assert "spam_copy" not in {r.code for r in verdict.reasons}


def test_a_text_a_moderator_approved_before_is_not_held_for_a_doubt():
    """A model's doubt alone (0.5, the hold threshold) no longer holds it."""

    class Doubtful:
        version = "doubt"

        def predict_proba(self, texts, *, own_hosts=()):
            return [0.5 for _ in texts]

    rules = scoring.Rules()
    alone = scoring.score_submission(scoring.Submission(text=SONG_LINK), rules, Doubtful())
    again = scoring.score_submission(
        scoring.Submission(text=SONG_LINK, approved_copies=1), rules, Doubtful()
    )
    assert alone.decision == scoring.HELD
    assert again.decision == scoring.PUBLISHED
    assert "a moderator approved this text here 1 time before" in {r.text for r in again.reasons}
    short = scoring.score_submission(
        scoring.Submission(text="nice song", approved_copies=1), rules, Doubtful()
    )
    assert short.decision == scoring.HELD


def test_a_text_both_approved_and_marked_spam_counts_as_spam():
    verdict = scoring.score_submission(
        scoring.Submission(text=CAMPAIGN, spam_copies=1, approved_copies=1), scoring.Rules()
    )
    assert verdict.decision == scoring.SPAM
    assert "approved_copy" not in {r.code for r in verdict.reasons}


@pytest.mark.django_db
class TestThroughTheForm:
    def codes(self, comment):
        return {r["code"] for r in SpamVerdict.objects.get(comment=comment).reasons}

    def test_a_copy_of_a_text_marked_spam_is_spam_whoever_sends_it(
        self, article, post, submit, moderator
    ):
        """Inline, through the form and the judge: a moderator's spam decision teaches it."""
        from tests.conftest import form_data

        first = post(article, CAMPAIGN, name="First", status=S.HELD)
        assert comment_transition(comment_id=first.pk, to_status=S.SPAM, actor=moderator)
        submit(form_data(article, comment=CAMPAIGN, name="Second"), REMOTE_ADDR="198.51.100.4")
        copy = Comment.objects.get(user_name="Second")
        assert copy.status == S.SPAM
        assert "spam_copy" in self.codes(copy)

    def test_a_copy_of_a_text_only_the_scorer_marked_spam_is_no_spam_copy(
        self, article, post, submit
    ):
        """The scorer's own verdict may rest on the sender (a honeypot, a ban), not the words:
        one bot must not make a phrase spam for everyone who writes it after."""
        from tests.conftest import form_data

        post(article, CAMPAIGN, name="First", status=S.SPAM)
        submit(form_data(article, comment=CAMPAIGN, name="Second"), REMOTE_ADDR="198.51.100.4")
        copy = Comment.objects.get(user_name="Second")
        assert "spam_copy" not in self.codes(copy)

    def test_a_copy_of_a_published_text_is_no_spam_copy(self, article, post, submit):
        from tests.conftest import form_data

        post(article, CAMPAIGN, name="First", status=S.PUBLISHED)
        submit(form_data(article, comment=CAMPAIGN, name="Second"), REMOTE_ADDR="198.51.100.4")
        assert "spam_copy" not in self.codes(Comment.objects.get(user_name="Second"))

    def test_scored_by_a_worker_only_earlier_copies_count(self, article, post, moderator):
        """Scored again once stored (a queue, a rescore), a copy marked spam after it was
        sent does not count against it."""
        from moderation import selectors

        first = post(article, CAMPAIGN, name="First", status=S.HELD)
        later = post(article, CAMPAIGN, name="Later", status=S.HELD)
        assert comment_transition(comment_id=later.pk, to_status=S.SPAM, actor=moderator)
        assert selectors.submission_for(first).spam_copies == 0
        assert comment_transition(comment_id=first.pk, to_status=S.SPAM, actor=moderator)
        assert selectors.submission_for(later).spam_copies == 1

    def test_a_copy_of_a_text_a_moderator_approved_counts_as_approved(
        self, article, post, submit, moderator
    ):
        """Approved by a moderator (held, then published), not merely published."""
        from tests.conftest import form_data

        held = post(article, SONG_LINK, name="First", status=S.HELD)
        submit(form_data(article, comment=SONG_LINK, name="Second"), REMOTE_ADDR="198.51.100.4")
        assert "approved_copy" not in self.codes(Comment.objects.get(user_name="Second"))
        assert comment_transition(comment_id=held.pk, to_status=S.PUBLISHED, actor=moderator)
        submit(form_data(article, comment=SONG_LINK, name="Third"), REMOTE_ADDR="198.51.100.5")
        assert "approved_copy" in self.codes(Comment.objects.get(user_name="Third"))


def test_the_learning_curve_counts_copies_as_the_site_does():
    """bench/spam_learning.py: a copy of a text the moderator marked spam is marked spam,
    a copy of one they approved is published, and copies older than a week count for
    nothing."""
    from bench.spam_learning import site_stream
    from moderation.labelled import LabelledFile

    class Doubtful:
        version = "doubt"

        def predict_proba(self, texts, *, own_hosts=()):
            return [0.6 for _ in texts]

    plain = "My brother and I made a remix of this one last summer"
    texts = [plain, plain, SONG_LINK, SONG_LINK, plain]
    dates = [f"2014-11-{day:02d}T10:00:00" for day in (1, 2, 3, 4, 20)]
    site = LabelledFile(name="site", texts=texts, labels=[1, 1, 0, 0, 1], dates=dates)
    outcomes = site_stream(Doubtful(), site, half_labels=200, retrain_every=1000, report_rate=0.5)
    assert outcomes.decisions == [
        scoring.HELD, scoring.SPAM, scoring.HELD, scoring.PUBLISHED, scoring.HELD,
    ]  # fmt: skip
