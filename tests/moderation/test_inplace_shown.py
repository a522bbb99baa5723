"""The article page's moderation buttons decide on what that page showed: its words, as
loaded (an edit since is refused), and no reports (approving there leaves them open for a
moderator in the Reported tab, whoever approves: perhaps the article's own author)."""

import re

import pytest
from django.urls import reverse

from comments.models import CommentStatus
from moderation.models import ModerationRules, Report
from moderation.services import report_create
from readers.services.ownership import comment_edit

S = CommentStatus
pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def moderation_form(client, article, comment) -> dict[str, str]:
    """The hidden fields of the comment's moderation form, as the browser sends them."""
    html = client.get(article.get_absolute_url() + "?moderate=1").content.decode()
    form = re.search(rf'<form id="moderate-c{comment.pk}".*?</form>', html, re.S).group(0)
    return dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', form))


def held_by_reports(post, article, make_user, text="Words readers objected to"):
    ModerationRules.objects.update_or_create(pk=1, defaults={"reports_to_hold": 2})
    comment = post(article, text)
    for reader in (make_user(), make_user()):
        report_create(comment_id=comment.pk, user=reader, ip_address=None, reason="abuse")
    comment.refresh_from_db()
    assert comment.status == S.HELD
    return comment


def open_reports(comment) -> int:
    return Report.objects.filter(comment=comment, resolved_at__isnull=True).count()


def test_an_author_approving_on_their_article_leaves_readers_reports_open(
    client, make_article, post, author, make_user
):
    """The page shows no reports: the comment is published, the reports stay open for a
    moderator, and the author is told so."""
    ModerationRules.objects.update_or_create(pk=1, defaults={"authors_moderate_own_articles": True})
    article = make_article(authors=[author])
    comment = held_by_reports(post, article, make_user)
    client.force_login(author)
    fields = moderation_form(client, article, comment)

    response = client.post(
        reverse("moderation:inplace", args=[comment.pk]), {**fields, "action": "approve"}, **JSON
    )

    comment.refresh_from_db()
    assert comment.status == S.PUBLISHED
    assert open_reports(comment) == 2
    assert response.json()["message"] == (
        "Approved: the comment by Reader is published. 2 open reports on it were not shown "
        "here: they stay in the Reported tab for a moderator to read."
    )


def test_approving_without_open_reports_says_only_that(client, article, post, moderator):
    comment = post(article, "Held words", status=S.HELD)
    client.force_login(moderator)
    fields = moderation_form(client, article, comment)

    response = client.post(
        reverse("moderation:inplace", args=[comment.pk]), {**fields, "action": "approve"}, **JSON
    )

    assert response.json()["message"] == "Approved: the comment by Reader is published."


def test_approving_words_edited_after_the_page_was_loaded_changes_nothing(
    client, article, post, moderator, make_user
):
    """Held by readers' reports (an edit keeps it held), edited after the moderator's page
    was loaded: approving the old words does not publish the new ones."""
    comment = held_by_reports(post, article, make_user)
    client.force_login(moderator)
    fields = moderation_form(client, article, comment)
    comment_edit(comment=comment, text="Other words, unread")
    comment.refresh_from_db()
    assert comment.status == S.HELD

    response = client.post(
        reverse("moderation:inplace", args=[comment.pk]),
        {**fields, "action": "approve"},
        follow=True,
    )

    comment.refresh_from_db()
    assert comment.status == S.HELD
    html = response.content.decode()
    assert "Nothing changed: the comment by Reader was edited after this page was loaded." in html


def test_the_form_of_an_edited_comment_carries_its_edit(
    client, article, post, moderator, make_user
):
    """A page loaded after the edit sends the edit's version: approving from it works."""
    comment = held_by_reports(post, article, make_user)
    comment_edit(comment=comment, text="Edited before the page was loaded")
    client.force_login(moderator)
    fields = moderation_form(client, article, comment)
    assert fields["words_seen"]

    client.post(
        reverse("moderation:inplace", args=[comment.pk]), {**fields, "action": "approve"}, **JSON
    )

    comment.refresh_from_db()
    assert comment.status == S.PUBLISHED


def comment_words_and_form(html: str, comment) -> tuple[str, dict[str, str]]:
    """A comment's words and its moderation form's hidden fields, in a page or fragment."""
    words = re.search(
        rf'<li id="c{comment.pk}".*?<div class="comment-content"[^>]*>(.*?)</div>', html, re.S
    ).group(1)
    form = re.search(rf'<form id="moderate-c{comment.pk}".*?</form>', html, re.S).group(0)
    return words, dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', form))


def test_a_refused_decision_on_edited_words_leads_to_them_held_with_a_form_for_them(
    client, article, post, moderator, make_user
):
    """Approve pressed on words edited since the page was loaded: the JSON answer says so,
    and names the moderator's fragment of the comment, which shows it held with its new
    words and a form naming those words as the ones seen; approving from that form
    publishes them."""
    comment = held_by_reports(post, article, make_user)
    client.force_login(moderator)
    fields = moderation_form(client, article, comment)
    comment_edit(comment=comment, text="Other words, unread")

    response = client.post(
        reverse("moderation:inplace", args=[comment.pk]), {**fields, "action": "approve"}, **JSON
    )

    assert response.status_code == 409
    answer = response.json()
    assert answer["status"] == "held"
    assert answer["message"] == (
        "Nothing changed: the comment by Reader was edited after this page was loaded. Its "
        "words as they are now are shown: read them before you decide."
    )
    fragment = client.get(answer["fragment"])
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert 'data-moderation-status="held"' in html
    words, form = comment_words_and_form(html, comment)
    assert "Other words, unread" in words
    assert form["words_seen"] and form["words_seen"] != fields["words_seen"]
    assert form["seen"] == "held"
    response = client.post(
        reverse("moderation:inplace", args=[comment.pk]), {**form, "action": "approve"}, **JSON
    )
    assert response.status_code == 200
    comment.refresh_from_db()
    assert comment.status == S.PUBLISHED


def test_the_moderators_fragment_is_the_comment_as_the_moderators_page_shows_it(
    client, article, post, moderator
):
    """A held comment's fragment with ?moderate=1 is its markup on the moderator's view of
    the page (CSRF tokens aside), not a 404."""
    comment = post(article, "Held words", status=S.HELD)
    client.force_login(moderator)
    fragment = client.get(reverse("comments:fragment", args=[comment.pk]) + "?moderate=1")
    page = client.get(article.get_absolute_url() + "?moderate=1").content.decode()

    def body(html):
        start = html.index(f'<li id="c{comment.pk}"')
        end = html.index("</article>", start)
        return re.sub(r'(csrfmiddlewaretoken" value=")[^"]*', r"\1", html[start:end])

    assert fragment.status_code == 200
    assert body(fragment.content.decode()) == body(page)


@pytest.mark.parametrize("who", ["guest", "reader", "author"])
def test_the_moderators_fragment_shows_nothing_more_to_others(
    client, make_article, post, author, make_user, who
):
    """Asked with ?moderate=1 by a guest, a reader, or an article's author the rules do not
    let moderate: a held comment is as missing as without it (404), a published one has
    no moderation form."""
    article = make_article(authors=[author])
    held = post(article, "Held words", status=S.HELD)
    published = post(article, "Published words")
    if who != "guest":
        client.force_login(author if who == "author" else make_user())
    url = reverse("comments:fragment", args=[held.pk]) + "?moderate=1"
    assert client.get(url).status_code == 404
    url = reverse("comments:fragment", args=[published.pk]) + "?moderate=1"
    html = client.get(url).content.decode()
    assert "Published words" in html and "comment-moderate-form" not in html
