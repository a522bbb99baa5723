"""The fragment the live thread's script inserts: one comment's <li>, exactly as the page
shows it to the reader asking, and nothing the page would not show them."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import Comment, CommentStatus
from moderation.services.transitions import comment_transition
from tests.conftest import form_data

pytestmark = pytest.mark.django_db


def fragment(client, comment_id: int):
    return client.get(reverse("comments:fragment", args=[comment_id]))


def comment_body(html: str, comment_id: int) -> str:
    """The <article> of one comment in a page or fragment."""
    match = re.search(
        rf'<li id="c{comment_id}" class="([^"]*)"[^>]*>\n(<article .*?</article>)', html, re.S
    )
    assert match, f"comment {comment_id} not in the HTML"
    # Each answer masks the CSRF token afresh.
    return re.sub(r'(csrfmiddlewaretoken" value=")[^"]*', r"\1", match.group(1) + match.group(2))


def test_the_fragment_is_the_comment_as_the_page_shows_it(client, article, post):
    """A reply's fragment is its <li>, with the markup and depth the article page gives it."""
    root = post(article, "The first word.")
    reply = post(article, "<b>Bold</b> & a <script>x</script> reply.", reply_to=root.pk,
                 name="<Ann>")  # fmt: skip
    response = fragment(client, reply.pk)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert html.startswith(f'<li id="c{reply.pk}" class="comment depth-1"')
    assert html.rstrip().endswith("</li>")
    assert "&lt;Ann&gt;" in html and "<script>" not in html
    page = client.get(article.get_absolute_url()).content.decode()
    assert comment_body(html, reply.pk) == comment_body(page, reply.pk)


def test_the_fragment_is_private_and_only_read(client, article, post):
    """The answer depends on who asks: no shared cache keeps it; a POST is refused."""
    comment = post(article)
    response = fragment(client, comment.pk)
    assert "private" in response["Cache-Control"]
    assert client.post(reverse("comments:fragment", args=[comment.pk])).status_code == 405


@pytest.mark.parametrize(
    "status", [CommentStatus.HELD, CommentStatus.SPAM, CommentStatus.REMOVED,
               CommentStatus.DELETED, CommentStatus.PENDING],
)  # fmt: skip
def test_a_comment_the_page_hides_is_missing(client, article, post, moderator, status):
    """Hidden comments with no published replies are 404, to readers and moderators alike."""
    comment = post(article, status=status)
    assert fragment(client, comment.pk).status_code == 404
    client.force_login(moderator)
    assert fragment(client, comment.pk).status_code == 404


def test_a_hidden_comment_with_replies_is_its_placeholder(client, article, post):
    """A removed comment that keeps published replies comes back as the page's placeholder."""
    root = post(article, "Words a moderator removed.")
    post(article, reply_to=root.pk)
    comment_transition(comment_id=root.pk, to_status=CommentStatus.REMOVED, actor_label="test")
    html = fragment(client, root.pk).content.decode()
    assert "comment-placeholder" in html and "[removed]" in html
    assert "Words a moderator removed." not in html


def test_the_posters_own_pending_comment_is_theirs_alone(client, article, queued_scoring):
    """The guest who posted a comment being checked gets it with its status line; another
    browser gets a 404, as on the page."""
    client.post(reverse("comments:post"), form_data(article, comment="Mine, still being checked."))
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.PENDING
    html = fragment(client, comment.pk).content.decode()
    assert 'data-status="pending"' in html and "Mine, still being checked." in html
    client.cookies.clear()
    assert fragment(client, comment.pk).status_code == 404


def test_an_unpublished_articles_comment_is_missing(client, article, post):
    """Nothing of an article readers cannot see."""
    comment = post(article)
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() + timedelta(days=1))
    assert fragment(client, comment.pk).status_code == 404


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_fragment_costs_a_fixed_number_of_queries(client, article, post, moderator,
                                                      signed_in):  # fmt: skip
    """A few queries whatever the comment, its thread or the article's size."""
    if signed_in:
        client.force_login(moderator)
    root = post(article)
    reply = post(article, reply_to=root.pk)
    for _ in range(5):
        post(article, reply_to=reply.pk)
    fragment(client, root.pk)  # the first request reads what every later one finds cached
    counts = []
    for comment in (root, reply):
        with CaptureQueriesContext(connection) as queries:
            assert fragment(client, comment.pk).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= (7 if signed_in else 2)


def test_the_section_advertises_its_stream_to_every_reader(client, article, moderator):
    """The readers' page names the stream and the fragment and permalink patterns; a
    moderator's page (?moderate=1), whose comments carry forms of their own, does not."""
    html = client.get(article.get_absolute_url()).content.decode()
    live_url = reverse("comments:live", args=[article.pk])
    assert f'data-live-url="{live_url}"' in html
    assert 'data-live-fragment-url="/comments/987654321/fragment/"' in html
    assert 'data-live-threads="end"' in html
    assert "js/live.js" in html
    client.force_login(moderator)
    moderating = client.get(article.get_absolute_url() + "?moderate=1").content.decode()
    assert "data-live-url" not in moderating
