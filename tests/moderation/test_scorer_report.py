"""The scorer's report on itself: its figures, who may read it, and what it costs."""

import re
import sys
import types
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import CommentStatus
from comments.services import Poster, comment_submit
from moderation import selectors_scorer, services
from moderation.models import SpamModel, SpamVerdict
from moderation.selectors_scorer import Rate
from moderation.services import comment_transition

S = CommentStatus
pytestmark = pytest.mark.django_db
URL = reverse("moderation:scorer")


def moderate(comment, action, moderator) -> int:
    """A moderator's action on one comment; the id of the event it wrote."""
    [event_id] = services.comments_moderate(
        comment_ids=[comment.pk], action=action, actor=moderator
    )
    return event_id


def figures(days=30, **kwargs):
    return next(w for w in selectors_scorer.window_figures(**kwargs) if w.days == days)


@pytest.fixture
def no_starter(monkeypatch):
    """No starter model shipped (its file removed): starter_summary has nothing to show."""
    from moderation import starter

    monkeypatch.setattr(starter, "starter_model", lambda: None)


class TestFigures:
    def test_overturns_approvals_and_holds_are_counted_by_kind(self, scorer_decides, moderator):
        """Published then removed or spammed, and spam then approved, are overturns; a held
        comment approved counts as approved; moderators' other moves count as neither."""
        published = [scorer_decides(S.PUBLISHED, days_ago=2) for _ in range(4)]
        spam = [scorer_decides(S.SPAM, days_ago=2) for _ in range(2)]
        held = [scorer_decides(S.HELD, days_ago=2) for _ in range(3)]
        moderate(published[0], "remove", moderator)
        moderate(published[1], "spam", moderator)
        moderate(published[2], "hold", moderator)  # a second look is not an overturn
        moderate(spam[0], "not_spam", moderator)
        moderate(held[0], "approve", moderator)
        moderate(held[1], "remove", moderator)

        window = figures()
        assert window.scored == 9
        assert window.published_overturned == Rate(2, 4)
        assert window.spam_overturned == Rate(1, 2)
        assert window.held_approved == Rate(1, 3)
        assert window.sent_to_moderator == Rate(3, 9)
        assert window.published_overturned.percent == "50.0%"

    def test_undone_moderator_decisions_do_not_count(self, scorer_decides, moderator):
        """A moderator's overturn that was undone is no overturn."""
        published = scorer_decides(S.PUBLISHED, days_ago=1)
        spam = scorer_decides(S.SPAM, days_ago=1)
        for comment, action in ((published, "remove"), (spam, "not_spam")):
            services.event_undo(event_id=moderate(comment, action, moderator), actor=moderator)

        window = figures()
        assert window.published_overturned == Rate(0, 1)
        assert window.spam_overturned == Rate(0, 1)

    def test_system_moves_are_not_moderators_overturns(self, scorer_decides):
        """A move without a moderator behind it (readers' reports, the system) overturns
        nothing."""
        published = scorer_decides(S.PUBLISHED, days_ago=1)
        comment_transition(comment_id=published.pk, to_status=S.REMOVED, actor_label="system")
        assert figures().published_overturned == Rate(0, 1)

    def test_a_comment_scored_again_answers_for_its_new_verdict(self, scorer_decides, moderator):
        """After its author's edit a comment is scored again: a moderator's removal then
        overturns nothing the scorer published before the edit."""
        comment = scorer_decides(S.PUBLISHED, days_ago=2)
        comment_transition(comment_id=comment.pk, to_status=S.PENDING, actor_label="author")
        scorer_decides(S.HELD, days_ago=1, comment=comment)
        moderate(comment, "remove", moderator)

        window = figures()
        assert window.published_overturned == Rate(0, 1)
        assert window.held_approved == Rate(0, 1)

    def test_window_boundaries(self, scorer_decides):
        """A decision counts in the windows whose days it falls within, and in no other."""
        now = timezone.now()
        second = timedelta(seconds=1)
        scorer_decides(S.PUBLISHED, at=now - timedelta(days=30) + second)
        scorer_decides(S.HELD, at=now - timedelta(days=30) - second)
        scorer_decides(S.SPAM, at=now - timedelta(days=90) + second)
        scorer_decides(S.SPAM, at=now - timedelta(days=90) - second)

        last_30, last_90 = selectors_scorer.window_figures(now=now)
        assert (last_30.days, last_90.days) == (30, 90)
        assert last_30.scored == 1 and last_30.published_overturned == Rate(0, 1)
        assert last_90.scored == 3 and last_90.sent_to_moderator == Rate(1, 3)
        assert last_90.spam_overturned == Rate(0, 1)

    def test_log_only_verdicts_are_counted_apart(self, scorer_decides):
        """Verdicts recorded in log-only mode decided nothing: they are no automatic
        decisions, but they are counted, and their timing counts."""
        scorer_decides(S.SPAM, days_ago=1, acted=False, elapsed_ms=2.0)
        window = figures()
        assert (window.scored, window.log_only, window.timed) == (0, 1, 1)
        assert window.sent_to_moderator == Rate(0, 0)
        assert window.sent_to_moderator.percent == ""

    def test_timing_percentiles_are_nearest_rank_over_timed_verdicts(self, scorer_decides):
        """p50 and p99 over the verdicts with a time; untimed ones (a failed scorer) are left
        out, and so are verdicts older than the window."""
        for ms in range(1, 101):
            scorer_decides(S.PUBLISHED, days_ago=1, elapsed_ms=float(ms))
        scorer_decides(S.HELD, days_ago=1, elapsed_ms=None)
        scorer_decides(S.PUBLISHED, days_ago=40, elapsed_ms=5000.0)

        last_30, last_90 = selectors_scorer.window_figures()
        assert last_30.timed == 100
        assert last_30.percentiles_ms == {"p50": 50.0, "p99": 99.0}
        assert last_90.percentiles_ms == {"p50": 51.0, "p99": 100.0}

    def test_an_empty_window_has_no_figures(self, db):
        """With nothing scored, every count is zero and no percentile is made up."""
        window = figures()
        assert window.scored == window.timed == 0
        assert window.percentiles_ms == {}


def test_a_comment_judged_as_it_is_stored_records_the_scorers_time(article):
    """Scoring inline (no queue), the verdict stored with the new comment carries its time."""
    comment = comment_submit(article=article, poster=Poster(name="Reader"), text="Nice piece.")
    assert SpamVerdict.objects.get(comment=comment).elapsed_ms >= 0


def test_daily_verdicts_fill_every_day_and_count_overturns_on_the_decision_day(
    scorer_decides, moderator
):
    """One row per day, today last; a day with nothing is zeros; an overturn counts on the
    day the scorer decided, and held comments are not in the overturn rate."""
    today = timezone.localdate()
    removed = scorer_decides(S.PUBLISHED, days_ago=3)
    scorer_decides(S.PUBLISHED, days_ago=3)
    scorer_decides(S.HELD, days_ago=3)
    scorer_decides(S.SPAM, days_ago=0)
    scorer_decides(S.SPAM, days_ago=45)
    moderate(removed, "remove", moderator)

    days = selectors_scorer.daily_verdicts()
    assert len(days) == selectors_scorer.CHART_DAYS
    assert days[-1].day == today and days[0].day == today - timedelta(days=29)
    by_day = {day.day: day for day in days}
    three_ago = by_day[timezone.localtime(timezone.now() - timedelta(days=3)).date()]
    assert (three_ago.published, three_ago.held, three_ago.spam) == (2, 1, 0)
    assert (three_ago.overturned, three_ago.decided, three_ago.overturn_percent) == (1, 2, "50.0%")
    assert by_day[today].spam == 1
    assert sum(day.published + day.held + day.spam for day in days) == 4  # not 45 days ago


class TestModels:
    def test_site_models_with_and_without_cross_validation(self, db, no_starter):
        """Every trained model is listed, newest first; one trained before the figures were
        kept shows none."""
        SpamModel.objects.create(version="v1", n_labels=120, parameters=b"", notes={})
        cv = {"folds": 5, "precision": 0.97, "recall": 0.93, "f1": 0.95, "roc_auc": 0.99}
        SpamModel.objects.create(version="v2", n_labels=300, parameters=b"", notes={"cv": cv})

        newest, oldest = selectors_scorer.model_figures()
        assert (newest.version, newest.cv, oldest.version, oldest.cv) == ("v2", cv, "v1", None)
        assert newest.cv_cells == ["5", "0.970", "0.930", "0.950", "0.990"]

    def test_the_starter_model_comes_first(self, db, monkeypatch):
        """The starter model's summary heads the list."""
        summary = {"version": "starter-1", "n_labels": 4000, "trained_on": "a corpus", "cv": None}
        starter = types.ModuleType("moderation.starter")
        starter.starter_summary = lambda: summary
        monkeypatch.setitem(sys.modules, "moderation.starter", starter)
        SpamModel.objects.create(version="v1", n_labels=120, parameters=b"", notes={})

        first, second = selectors_scorer.model_figures()
        assert (first.version, first.starter, first.trained, first.cv) == (
            "starter-1",
            True,
            "a corpus",
            None,
        )
        assert second.version == "v1"

    def test_no_starter_model_means_no_starter_row(self, db, no_starter):
        """Without a starter model the list holds the site's models only."""
        assert selectors_scorer.model_figures() == []


class TestPage:
    def test_anonymous_users_are_sent_to_log_in(self, client):
        """The page sends anonymous users to the login page."""
        response = client.get(URL)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    @pytest.mark.parametrize("role", ["reader", "author"])
    def test_readers_and_authors_get_403(self, client, make_user, author, role):
        """Signed-in users without the moderate permission get 403, as on the queue."""
        client.force_login(author if role == "author" else make_user())
        assert client.get(URL).status_code == 403

    def test_empty_windows_say_so(self, client, moderator, no_starter):
        """With nothing scored the page says so instead of showing 0% figures."""
        client.force_login(moderator)
        html = client.get(URL).content.decode()
        assert "No scored comments in the last 30 days." in html
        assert "No scored comments in the last 90 days." in html
        assert "%" not in html.split("Day by day")[0]

    def test_figures_chart_and_models_are_shown(
        self, client, moderator, scorer_decides, no_starter
    ):
        """A moderator reads the overturns, the timing, the chart with its table and the
        models, and the queue's navigation links to the page."""
        removed = scorer_decides(S.PUBLISHED, days_ago=1, elapsed_ms=1.5)
        scorer_decides(S.PUBLISHED, days_ago=1, elapsed_ms=2.5)
        moderate(removed, "remove", moderator)
        SpamModel.objects.create(version="v1", n_labels=120, parameters=b"", notes={})
        client.force_login(moderator)

        html = client.get(URL).content.decode()
        assert "1 of 2 (50.0%)" in html
        assert "The scorer marked no comment as spam." in html
        assert "median 1.50 ms, 99th percentile 2.50 ms, over 2 timed verdicts" in html
        assert html.count('class="bar bar-published"') == 1
        assert '<title id="chart-title">' in html and "<details" in html
        # The description names the chart's first and last days (its last is today).
        today = timezone.localdate()
        assert re.search(
            rf"one per day from \d+ \w+ to {today.day} {today:%B} {today.year}, count", html
        )
        assert "not measured" in html
        assert "style=" not in html  # the Content-Security-Policy refuses inline styles
        queue = client.get(reverse("moderation:queue")).content.decode()
        assert f'href="{URL}"' in queue

    def test_query_count_does_not_grow_with_comments(
        self, client, moderator, scorer_decides, no_starter
    ):
        """The page costs the same queries for one decision as for many over many days."""
        client.force_login(moderator)
        scorer_decides(S.PUBLISHED, days_ago=1, elapsed_ms=1.0)
        client.get(URL)  # the session and the permission checks settle
        with CaptureQueriesContext(connection) as few:
            client.get(URL)
        for n in range(40):
            comment = scorer_decides(
                [S.PUBLISHED, S.HELD, S.SPAM][n % 3], days_ago=n * 2, elapsed_ms=float(n)
            )
            if n % 4 == 0 and comment.status != S.HELD:
                moderate(comment, "remove", moderator)
        SpamModel.objects.create(version="v1", n_labels=1, parameters=b"", notes={})
        SpamModel.objects.create(version="v2", n_labels=2, parameters=b"", notes={})
        with CaptureQueriesContext(connection) as many:
            client.get(URL)
        assert len(many) == len(few), [q["sql"][:80] for q in many]
        assert SpamVerdict.objects.count() == 41
