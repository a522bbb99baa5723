"""A guest is a browser, and a browser that drops its cookie is a new voter: the votes one
address gives a comment are capped (PARLEY_VOTE_GUESTS_PER_ADDRESS), so clearing cookies
cannot stuff a comment's score."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}
HOME, ELSEWHERE = "198.51.100.20", "203.0.113.40"


def _guest(address: str) -> Client:
    """A browser with no cookies yet, at `address`."""
    return Client(REMOTE_ADDR=address)


def _ups(comment) -> int:
    return Comment.objects.get(pk=comment.pk).upvotes


def test_a_comment_takes_only_so_many_guest_votes_from_one_address(
    article, post, settings, make_user
):
    settings.PARLEY_VOTE_GUESTS_PER_ADDRESS = 2
    comment = post(article, "Worth a vote")
    url = reverse("comments:vote", args=[comment.pk])
    first, second = _guest(HOME), _guest(HOME)
    assert first.post(url, {"value": "up"}, **JSON).status_code == 200
    assert second.post(url, {"value": "up"}, **JSON).status_code == 200
    refused = _guest(HOME).post(url, {"value": "up"}, **JSON)
    assert refused.status_code == 429
    assert refused.json()["error"] == "address"
    assert "Log in to vote" in refused.json()["message"]
    assert _ups(comment) == 2
    # Without scripts the refusal is a page that says so, not a silent redirect; and the
    # page that asks to confirm a vote says so before, rather than offer a vote to refuse.
    page = _guest(HOME).post(url, {"value": "up"})
    assert page.status_code == 429 and "Log in to vote" in page.content.decode()
    asked = _guest(HOME).get(url, {"value": "up"})
    assert asked.status_code == 429 and "Log in to vote" in asked.content.decode()
    assert "Log in to vote" not in first.get(url, {"value": "down"}).content.decode()

    # The guests who voted may still change or withdraw their vote.
    assert first.post(url, {"value": "down"}, **JSON).json()["mine"] == -1
    assert second.post(url, {"value": "none"}, **JSON).json()["mine"] == 0
    # A withdrawn vote frees its place; another address and an account are not capped.
    assert _guest(HOME).post(url, {"value": "up"}, **JSON).status_code == 200
    assert _guest(ELSEWHERE).post(url, {"value": "up"}, **JSON).status_code == 200
    member = Client(REMOTE_ADDR=HOME)
    member.force_login(make_user("voter"))
    assert member.post(url, {"value": "up"}, **JSON).status_code == 200
    assert _ups(comment) == 3


def test_the_cap_counts_an_ipv6_reader_by_their_slash_64(article, post, settings):
    """One subscriber holds a whole /64 and could vote once from each of its addresses."""
    settings.PARLEY_VOTE_GUESTS_PER_ADDRESS = 1
    comment = post(article, "Another")
    url = reverse("comments:vote", args=[comment.pk])
    assert _guest("2001:db8:5:6::1").post(url, {"value": "up"}, **JSON).status_code == 200
    assert _guest("2001:db8:5:6::2").post(url, {"value": "up"}, **JSON).status_code == 429
    assert _guest("2001:db8:5:7::1").post(url, {"value": "up"}, **JSON).status_code == 200
