"""Votes: one per reader and comment, changed or withdrawn, never on one's own comment;
counts exact under concurrency; the "best" order; the page's constant query count."""

import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment, CommentStatus, Vote
from comments.models_votes import wilson_lower_bound
from comments.services import VoteRefused, comment_vote
from moderation.models import ModerationRules, Report
from moderation.services import report_create
from tests.conftest import TEN_YEARS

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def counts(comment):
    return Comment.objects.values_list("upvotes", "downvotes").get(pk=comment.pk)


def rules_set(**fields):
    rules, _ = ModerationRules.objects.get_or_create(pk=1)
    for name, value in fields.items():
        setattr(rules, name, value)
    rules.save()  # drops the cached rules


def vote_url(comment):
    return reverse("comments:vote", args=[comment.pk])


def page(client, article, query=""):
    response = client.get(article.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def entry(html, comment):
    return re.search(rf'<li id="c{comment.pk}"[^>]*>.*?</article>', html, re.S).group(0)


class TestVoteService:
    def test_one_vote_per_reader_and_comment(self, article, post):
        """Voting up twice counts once; another reader's vote counts too."""
        comment = post(article)
        comment_vote(comment_id=comment.pk, voter_key="user:1", value=1)
        again = comment_vote(comment_id=comment.pk, voter_key="user:1", value=1)
        comment_vote(comment_id=comment.pk, voter_key="user:2", value=1)
        assert (again.up, again.mine) == (1, 1)
        assert counts(comment) == (2, 0)
        assert Vote.objects.filter(comment=comment).count() == 2

    def test_a_vote_changes_and_is_withdrawn(self, article, post):
        """Up then down moves the vote; 0 withdraws it and leaves no row; the score follows."""
        comment = post(article)
        comment_vote(comment_id=comment.pk, voter_key="user:1", value=1)
        down = comment_vote(comment_id=comment.pk, voter_key="user:1", value=-1)
        assert (down.up, down.down, down.score, down.mine) == (0, 1, -1, -1)
        gone = comment_vote(comment_id=comment.pk, voter_key="user:1", value=0)
        assert (gone.up, gone.down, gone.mine) == (0, 0, 0)
        assert not Vote.objects.exists()
        assert Comment.objects.get(pk=comment.pk).best_score == 0

    def test_own_comment_is_refused(self, article, post, make_user):
        """The author's account, or the browser that posted it, cannot vote on it."""
        user = make_user()
        by_account = post(article, user=user)
        by_browser = post(article)
        with pytest.raises(VoteRefused) as refused:
            comment_vote(comment_id=by_account.pk, voter_key=f"user:{user.pk}", value=1,
                         user_id=user.pk)  # fmt: skip
        assert refused.value.reason == "own"
        with pytest.raises(VoteRefused):
            comment_vote(comment_id=by_browser.pk, voter_key="guest:x", value=1,
                         own_ids=frozenset({by_browser.pk}))  # fmt: skip
        assert counts(by_account) == counts(by_browser) == (0, 0)

    def test_down_votes_off_are_refused_up_votes_count(self, article, post):
        """With down votes turned off in the rules, a down vote is refused; up still counts."""
        rules_set(down_votes_allowed=False)
        comment = post(article)
        with pytest.raises(VoteRefused) as refused:
            comment_vote(comment_id=comment.pk, voter_key="user:1", value=-1)
        assert refused.value.reason == "down_off"
        comment_vote(comment_id=comment.pk, voter_key="user:1", value=1)
        assert counts(comment) == (1, 0)

    def test_a_comment_not_published_takes_no_vote(self, article, post):
        """A held comment is refused a vote."""
        comment = post(article, status=CommentStatus.HELD)
        with pytest.raises(VoteRefused) as refused:
            comment_vote(comment_id=comment.pk, voter_key="user:1", value=1)
        assert refused.value.reason == "not_published"

    def test_down_votes_report_once_and_hide_nothing(
        self, article, post, django_capture_on_commit_callbacks
    ):
        """At the rules' down votes the comment gets one system report (Reported tab) and
        stays published; more down votes add no second report."""
        rules_set(down_votes_to_report=2)
        comment = post(article)
        for voter in range(4):
            with django_capture_on_commit_callbacks(execute=True):
                comment_vote(comment_id=comment.pk, voter_key=f"user:{voter}", value=-1)
            assert Report.objects.filter(comment=comment).count() == (1 if voter >= 1 else 0)
        report = Report.objects.get(comment=comment)
        assert report.reporter_key == "votes" and report.resolved_at is None
        assert Comment.objects.get(pk=comment.pk).status == CommentStatus.PUBLISHED

    def test_the_votes_report_does_not_count_towards_holding(
        self, article, post, django_capture_on_commit_callbacks
    ):
        """Readers' reports hold a comment at the rules' number; the report down votes make
        is not one of them, so votes never hide a comment."""
        rules_set(down_votes_to_report=1, reports_to_hold=3)
        comment = post(article)
        with django_capture_on_commit_callbacks(execute=True):
            comment_vote(comment_id=comment.pk, voter_key="user:1", value=-1)
        for address in ("192.0.2.1", "192.0.2.2"):
            report_create(comment_id=comment.pk, user=None, ip_address=address, reason="other")
        assert Report.objects.filter(comment=comment, resolved_at__isnull=True).count() == 3
        assert Comment.objects.get(pk=comment.pk).status == CommentStatus.PUBLISHED
        report_create(comment_id=comment.pk, user=None, ip_address="192.0.2.3", reason="other")
        assert Comment.objects.get(pk=comment.pk).status == CommentStatus.HELD


def test_wilson_bound_weighs_evidence():
    """More votes at a slightly lower share beat one lone up vote; no votes score 0."""
    assert wilson_lower_bound(up=10, down=1) > wilson_lower_bound(up=1, down=0) > 0
    assert wilson_lower_bound(up=0, down=0) == 0
    assert wilson_lower_bound(up=0, down=5) == 0


class TestVoteViews:
    def test_no_script_vote_comes_back_to_the_comment_and_shows_it(self, client, article, post):
        """A plain form post counts the vote, sets the guest's voter cookie, redirects to
        the comment with a true message, and the page then shows the vote pressed."""
        comment = post(article)
        response = client.post(vote_url(comment), {"value": "up"})
        assert response.status_code == 302
        assert response["Location"] == reverse("comments:permalink", args=[comment.pk])
        assert "parley_voter" in response.cookies
        html = client.get(response["Location"], follow=True).content.decode()
        mine = entry(html, comment)
        # Said inside the comment the redirect lands on, not at the top of the page.
        assert "You voted up the comment by Reader." in mine
        assert html.count("You voted up the comment by Reader.") == 1
        assert 'data-score="1"' in mine
        assert re.search(r'value="none"[^>]*data-vote="up"[^>]*aria-pressed="true"', mine)
        assert counts(comment) == (1, 0)

    def test_script_vote_answers_json_and_withdraws(self, client, article, post):
        """With Accept: application/json the answer is the counts and the reader's vote."""
        comment = post(article)
        up = client.post(vote_url(comment), {"value": "up"}, **JSON)
        assert json.loads(up.content) == {"score": 1, "up": 1, "down": 0, "mine": 1}
        down = client.post(vote_url(comment), {"value": "down"}, **JSON)
        assert json.loads(down.content) == {"score": -1, "up": 0, "down": 1, "mine": -1}
        none = client.post(vote_url(comment), {"value": "none"}, **JSON)
        assert json.loads(none.content)["mine"] == 0

    def test_refusals_are_clear_4xx(self, client, article, post, make_user, rate_limit):
        """Own comment 403, unknown value 400, down votes off 409, over the limit 429."""
        user = make_user()
        client.force_login(user)
        own = post(article, user=user)
        other = post(article)
        response = client.post(vote_url(own), {"value": "up"}, **JSON)
        assert response.status_code == 403
        assert json.loads(response.content)["message"] == "You cannot vote on your own comment."
        assert client.post(vote_url(other), {"value": "sideways"}).status_code == 400
        rules_set(down_votes_allowed=False)
        assert client.post(vote_url(other), {"value": "down"}).status_code == 409
        rate_limit("vote", user=f"2/{TEN_YEARS}")
        assert client.post(vote_url(other), {"value": "up"}).status_code == 302
        assert client.post(vote_url(other), {"value": "none"}).status_code == 302
        limited = client.post(vote_url(other), {"value": "up"}, **JSON)
        assert limited.status_code == 429
        assert counts(other) == (0, 0)

    def test_the_confirmation_page_asks_only_for_a_vote_that_would_count(
        self, client, article, post, make_user
    ):
        """Without a script a vote button opens a page that asks to confirm it: on one's own
        comment, or a down vote where the site takes none, that page says why not (with the
        status the vote itself would get) instead of offering a button that is refused."""
        user = make_user()
        client.force_login(user)
        own, other = post(article, user=user), post(article)
        asked = client.get(vote_url(other), {"value": "up"})
        assert asked.status_code == 200 and 'name="value" value="up"' in asked.content.decode()
        refused = client.get(vote_url(own), {"value": "up"})
        html = refused.content.decode()
        assert refused.status_code == 403 and "You cannot vote on your own comment." in html
        assert 'name="value"' not in html
        rules_set(down_votes_allowed=False)
        refused = client.get(vote_url(other), {"value": "down"})
        assert refused.status_code == 409
        assert "This site does not take down votes." in refused.content.decode()

    def test_own_comment_shows_score_without_buttons(self, client, article, post, make_user):
        """The author sees their comment's score but no vote buttons on it."""
        user = make_user()
        client.force_login(user)
        own = post(article, user=user)
        mine = entry(page(client, article), own)
        assert 'class="comment-score"' in mine and "data-vote" not in mine


class TestBestOrder:
    def test_best_puts_the_higher_wilson_bound_first(self, client, article, post):
        """?corder=best orders threads by their first comment's bound, ties oldest first."""
        lone, crowd, silent = post(article), post(article), post(article)
        comment_vote(comment_id=lone.pk, voter_key="user:1", value=1)
        for voter in range(10):
            comment_vote(comment_id=crowd.pk, voter_key=f"user:{voter}", value=1)
        comment_vote(comment_id=crowd.pk, voter_key="user:99", value=-1)
        html = page(client, article, "?corder=best")
        order = [int(i) for i in re.findall(r'<li id="c(\d+)"', html)]
        assert order == [crowd.pk, lone.pk, silent.pk]
        assert '<strong aria-current="true">best first</strong>' in html

    def test_the_choice_is_remembered_and_the_rules_set_the_default(self, article, post):
        """The order link remembers the choice in a cookie; without one, the rules' default
        order applies."""
        first, second = post(article), post(article)
        comment_vote(comment_id=second.pk, voter_key="user:1", value=1)

        def ids(client):
            return [int(i) for i in re.findall(r'<li id="c(\d+)"', page(client, article))]

        reader = Client()
        assert ids(reader) == [first.pk, second.pk]
        chosen = reader.get(reverse("comments:order", args=[article.pk]) + "?corder=best")
        assert chosen["Location"] == f"{article.get_absolute_url()}?corder=best#comments"
        assert ids(reader) == [second.pk, first.pk]
        rules_set(default_order="best")
        assert ids(Client()) == [second.pk, first.pk]
        assert (
            reader.get(reverse("comments:order", args=[article.pk]) + "?corder=x").status_code
            == 400
        )


@pytest.mark.parametrize("signed_in", [False, True])
def test_own_votes_cost_one_query_whatever_the_comment_count(
    client, article, post, make_user, signed_in
):
    """With 5 and with 80 comments the page runs the same queries: none more for an
    anonymous reader (6), one for the reader's own votes when signed in."""
    user = make_user()
    if signed_in:
        client.force_login(user)
    key = f"user:{user.pk}"

    def add(n):
        for _ in range(n):
            comment = post(article)
            comment_vote(comment_id=comment.pk, voter_key=key, value=1)
            comment_vote(comment_id=comment.pk, voter_key="user:0", value=-1)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            html = page(client, article)
        votes = [q["sql"] for q in queries.captured_queries if "comments_vote" in q["sql"]]
        return len(queries), len(votes), html

    add(5)
    page(client, article)  # the first view may store site-wide defaults once
    small, small_votes, _ = count_queries()
    add(75)
    large, large_votes, html = count_queries()
    assert small == large
    assert small_votes == large_votes == (1 if signed_in else 0)
    if signed_in:
        assert html.count('aria-pressed="true"') == 50 + 0  # the page's 50 threads
    else:
        assert large == 6


def _vote_many(comment_id, worker, per_worker):
    try:
        for n in range(per_worker):
            comment_vote(comment_id=comment_id, voter_key=f"user:{worker}-{n}",
                         value=1 if n % 4 else -1)  # fmt: skip
    finally:
        connections.close_all()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_are_counted_exactly(article, post):
    """8 voters' threads x 24 votes each on one comment: the counts are exact."""
    # 24 each, not more: without the row lock, PostgreSQL lost about six votes in seven at
    # this size (three runs out of three), so a larger run only took longer.
    comment = post(article)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda worker: _vote_many(comment.pk, worker, 24), range(8)))
    up, down = counts(comment)
    assert (up, down) == (144, 48)
    assert Vote.objects.filter(comment=comment, value=1).count() == 144
    stored = Comment.objects.get(pk=comment.pk).best_score
    assert stored == pytest.approx(wilson_lower_bound(up=144, down=48))


def test_a_vote_tells_the_open_pages_once_committed(
    article, post, django_capture_on_commit_callbacks, monkeypatch
):
    """After the vote commits, the live thread hears the new counts (ids and counts only)."""
    sent = []
    monkeypatch.setattr(
        "comments.live._publish_now", lambda article_id, kind, payload: sent.append((kind, payload))
    )
    comment = post(article)
    with django_capture_on_commit_callbacks(execute=True):
        comment_vote(comment_id=comment.pk, voter_key="user:1", value=1)
        assert sent == []
    assert sent == [("score", json.dumps({"id": comment.pk, "score": 1, "up": 1, "down": 0},
                                         separators=(",", ":")))]  # fmt: skip
