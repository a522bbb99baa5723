"""A reader's report of a comment hidden after they opened the report form, and one sent for
a hidden comment's id without it."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import Comment, CommentStatus
from moderation import services
from moderation.models import Report
from moderation.services import comment_transition
from tests.conftest import form_data

HIDDEN_NOTE = "That comment is already hidden from readers"

S = CommentStatus
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action", ["remove", "spam", "hold"])
def test_reporting_a_comment_hidden_meanwhile_says_so_on_its_article(
    client, make_user, moderator, article, post, action
):
    """The report sent after a moderator hid the comment leads back to the article's comments
    saying it is already hidden, not to "page not found"; no report is recorded."""
    comment = post(article, "Buy pills at pills.example")
    client.force_login(make_user())
    shown = client.get(reverse("moderation:report", args=[comment.pk]))
    assert shown.status_code == 200
    services.comments_moderate(comment_ids=[comment.pk], action=action, actor=moderator)

    response = client.post(
        reverse("moderation:report", args=[comment.pk]),
        {"reason": "spam", "note": "An advert for pills", "seen": seen_in(shown)},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comments"
    page = client.get(response["Location"]).content.decode()
    assert (
        'section-notice" role="status">That comment is already hidden from readers: there is '
        "nothing to report.</p>"
    ) in page
    assert not Report.objects.filter(comment=comment).exists()


def test_a_comment_on_an_article_readers_cannot_see_is_still_not_found(
    client, make_user, article, post
):
    """Nothing is said about a comment readers cannot see the article of: still a 404."""
    comment = post(article, status=S.HELD)
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() + timedelta(days=1))
    client.force_login(make_user())
    response = client.post(reverse("moderation:report", args=[comment.pk]), {"reason": "spam"})
    assert response.status_code == 404


def seen_in(page) -> str:
    """The report form's signed note of the comment it was shown for."""
    return re.search(r'name="seen" value="([^"]+)"', page.content.decode()).group(1)


def report_answer(client, comment_id: int, **extra):
    return client.post(
        reverse("moderation:report", args=[comment_id]), {"reason": "spam", **extra}, follow=True
    )


@pytest.mark.parametrize("status", [S.HELD, S.REMOVED, S.SPAM])
def test_a_hidden_comment_s_id_answers_as_no_comment_to_a_stranger(
    client, make_user, article, post, status
):
    """Without having been shown the form for it, a reader guessing a hidden comment's id
    gets the same 404 as for an id no comment has, and no report is recorded."""
    hidden = post(article, "Held words", status=status)
    client.force_login(make_user())
    missing = report_answer(client, hidden.pk + 1000)
    answer = report_answer(client, hidden.pk)
    assert (answer.status_code, missing.status_code) == (404, 404)
    assert HIDDEN_NOTE not in answer.content.decode()
    assert not Report.objects.exists()


def test_a_form_shown_for_another_comment_tells_nothing(client, article, post):
    """The signed note of one comment's form does not unlock another id."""
    shown = post(article, "Published words")
    hidden = post(article, "Held words", status=S.HELD)
    seen = seen_in(client.get(reverse("moderation:report", args=[shown.pk])))
    assert report_answer(client, hidden.pk, seen=seen).status_code == 404


def test_its_author_s_browser_and_a_moderator_are_told_it_is_hidden(
    client, article, submit, moderator
):
    """The guest's browser that posted it, and a moderator, may know it: they are told."""
    submit(form_data(article, comment="My own words"))
    own = Comment.objects.get()
    comment_transition(comment_id=own.pk, to_status=S.HELD, actor_label="test")
    assert HIDDEN_NOTE in report_answer(client, own.pk).content.decode()
    staff = Client()
    staff.force_login(moderator)
    assert HIDDEN_NOTE in report_answer(staff, own.pk).content.decode()
    assert not Report.objects.exists()
