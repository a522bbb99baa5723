"""A reader's report of a comment hidden after they opened the report form."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import CommentStatus
from moderation import services
from moderation.models import Report

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
    assert client.get(reverse("moderation:report", args=[comment.pk])).status_code == 200
    services.comments_moderate(comment_ids=[comment.pk], action=action, actor=moderator)

    response = client.post(
        reverse("moderation:report", args=[comment.pk]),
        {"reason": "spam", "note": "An advert for pills"},
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
