"""Atom and RSS feeds, parsed with a real XML parser: published items only."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from articles.services import update_publish
from comments.models import CommentStatus

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def atom_titles(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return [entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")]


def rss_titles(client, url):
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [item.find("title").text for item in root.iter("item")]


def test_articles_feeds_list_only_published_articles(client, make_article):
    """Both article feeds list published articles and never drafts."""
    make_article(title="Out now")
    make_article(title="Still a draft", publish=False)
    assert atom_titles(client, "/feeds/articles.atom") == ["Out now"]
    assert rss_titles(client, "/feeds/articles.rss") == ["Out now"]


def test_updates_feed_lists_the_article_updates(client, article, author):
    """An article's update feed lists its updates, newest first."""
    update_publish(
        article=article,
        author=author,
        body="first",
        when=timezone.now() - timezone.timedelta(days=1),
    )
    update_publish(article=article, author=author, body="second")
    titles = atom_titles(client, f"/articles/{article.slug}/updates.atom")
    assert len(titles) == 2 and all(t.startswith("Update, ") for t in titles)
    assert len(rss_titles(client, f"/articles/{article.slug}/updates.rss")) == 2


@pytest.mark.parametrize(
    "hidden", [CommentStatus.HELD, CommentStatus.SPAM, CommentStatus.PENDING, CommentStatus.REMOVED]
)
def test_comments_feed_lists_only_published_comments(client, article, post, hidden):
    """Held, spam, pending and removed comments never appear in the comments feed."""
    post(article, "public words", name="Visible")
    post(article, "hidden words", name="Hidden", status=hidden)
    assert atom_titles(client, f"/articles/{article.slug}/comments.atom") == ["Comment by Visible"]
    body = client.get(f"/articles/{article.slug}/comments.rss").content.decode()
    assert "public words" in body and "hidden words" not in body


def test_draft_article_feeds_are_404(client, make_article):
    """A draft has no update or comment feed."""
    draft = make_article(publish=False)
    for kind in ("updates.atom", "comments.rss"):
        assert client.get(f"/articles/{draft.slug}/{kind}").status_code == 404


def test_pages_link_their_feeds(client, article):
    """Pages advertise their feeds with <link rel="alternate">."""
    home = client.get("/").content.decode()
    assert 'rel="alternate" type="application/atom+xml"' in home and "/feeds/articles.atom" in home
    page = client.get(article.get_absolute_url()).content.decode()
    assert (
        f"/articles/{article.slug}/comments.atom" in page
        and f"/articles/{article.slug}/updates.atom" in page
    )


def test_control_characters_never_break_a_feed(client, article, post):
    """Text with control characters (stored before cleaning, or by hand) still makes valid XML."""
    from comments.models import Comment

    comment = post(article, "visible text")
    Comment.objects.filter(pk=comment.pk).update(
        user_name="Bell\x07Name", comment_html="<p>form\x0cfeed</p>"
    )
    assert atom_titles(client, f"/articles/{article.slug}/comments.atom") == ["Comment by BellName"]
    assert "formfeed" in client.get(f"/articles/{article.slug}/comments.rss").content.decode()


@pytest.mark.parametrize("kind", ["rss", "atom"])
@pytest.mark.parametrize("feed", ["comments", "updates"])
def test_an_article_title_with_control_characters_never_breaks_its_feeds(
    client, make_article, feed, kind
):
    """An article's own feeds name its title in their description too: a title saved with a
    control character (the author form takes one) still gives valid XML, not a server error."""
    article = make_article(title="Vertical\x0btab")
    response = client.get(f"/articles/{article.slug}/{feed}.{kind}")
    assert response.status_code == 200
    assert "Verticaltab" in ET.tostring(ET.fromstring(response.content), encoding="unicode")
