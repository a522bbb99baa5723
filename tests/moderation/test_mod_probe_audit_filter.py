"""The audit log narrowed by who decided, what changed and on which comment."""

import re

import pytest
from django.urls import reverse

from comments.models import CommentStatus
from moderation import services
from moderation.models import Ban, ModerationEvent

S = CommentStatus
pytestmark = pytest.mark.django_db


def _rows(response) -> list[str]:
    """The log's table rows, as text."""
    body = response.content.decode()
    table = body.split('<table class="audit">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]  # without the header
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]


@pytest.fixture
def decisions(article, post, make_user):
    """Anna removes one comment, Ben marks another spam and bans its author's address."""
    anna = make_user("anna", groups=["Moderators"])
    ben = make_user("ben", groups=["Moderators"])
    first = post(article, "First comment", status=S.HELD)
    second = post(article, "Second comment", status=S.HELD)
    services.comments_moderate(comment_ids=[first.pk], action="remove", actor=anna)
    services.comments_moderate(comment_ids=[second.pk], action="spam", actor=ben)
    services.ban_create(kind=Ban.Kind.IP, value="203.0.113.9", actor=ben, reason="spammer")
    return {"anna": anna, "ben": ben, "first": first, "second": second}


def test_the_log_lists_only_the_decisions_of_the_moderator_chosen(client, decisions):
    """Filtering by who shows that moderator's decisions only, and offers each one who acted."""
    client.force_login(decisions["anna"])
    response = client.get(reverse("moderation:log"), {"who": "ben"})
    assert response.status_code == 200
    rows = _rows(response)
    assert len(rows) == 2
    assert all(" ben " in f" {row} " for row in rows)
    assert '<option value="anna">anna</option>' in response.content.decode()


def test_the_log_lists_only_the_change_chosen(client, decisions):
    """Filtering by change shows comments moved to that status, or the bans placed."""
    client.force_login(decisions["anna"])
    removed = _rows(client.get(reverse("moderation:log"), {"change": "removed"}))
    assert len(removed) == 1
    assert f"#{decisions['first'].pk}" in removed[0]
    bans = _rows(client.get(reverse("moderation:log"), {"change": "ban"}))
    assert len(bans) == 1
    assert "spammer" in bans[0]


def test_the_log_lists_only_the_comment_chosen_and_says_when_nothing_matches(client, decisions):
    """A comment number narrows the log to that comment's history; no match is said so."""
    client.force_login(decisions["anna"])
    second = decisions["second"].pk
    rows = _rows(client.get(reverse("moderation:log"), {"comment": second}))
    assert rows
    assert all(f"#{second}" in row for row in rows)
    nothing = client.get(reverse("moderation:log"), {"comment": second, "who": "anna"})
    assert _rows(nothing) == ["No decisions match these filters."]


def test_a_filter_that_cannot_be_used_is_refused_in_view_and_lists_everything(client, decisions):
    """A comment number that is not one gets a 400 saying so above the unfiltered log."""
    client.force_login(decisions["anna"])
    response = client.get(reverse("moderation:log"), {"comment": "abc", "who": "nobody"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "The log was not filtered: all decisions are listed." in body
    assert len(_rows(response)) == 5  # 2 holds by "test", 2 decisions, 1 ban


def test_the_log_pages_keep_the_filter(client, decisions):
    """The link to the next page of a filtered log leads to the next page of the same filter."""
    anna, first = decisions["anna"], decisions["first"]
    ModerationEvent.objects.bulk_create(
        ModerationEvent(comment=first, actor=anna, actor_label="anna", from_status=S.HELD,
                        to_status=S.REMOVED)
        for _ in range(50)
    )  # fmt: skip
    client.force_login(anna)
    response = client.get(reverse("moderation:log"), {"who": "anna"})
    assert 'href="?who=anna&amp;page=2"' in response.content.decode()
    second = client.get(reverse("moderation:log"), {"who": "anna", "page": 2})
    assert _rows(second) == [row for row in _rows(second) if " anna " in f" {row} "]
    assert len(_rows(second)) == 1
