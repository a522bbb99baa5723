import pytest

from articles.services import article_create

pytestmark = pytest.mark.django_db


def test_authors_see_only_their_own_articles_in_the_admin(client, make_user, author):
    """An author in the admin lists and opens only the articles they write."""
    author.is_staff = True
    author.save()
    other = make_user("other", groups=["Authors"], is_staff=True)
    mine = article_create(title="Mine", body="x", authors=[author])
    theirs = article_create(title="Theirs", body="x", authors=[other])
    client.force_login(author)
    listing = client.get("/admin/articles/article/").content.decode()
    assert "Mine" in listing and "Theirs" not in listing
    assert client.get(f"/admin/articles/article/{mine.pk}/change/").status_code == 200
    assert client.get(f"/admin/articles/article/{theirs.pk}/change/").status_code == 302


def test_admin_save_renders_markdown_and_adds_the_author(client, author):
    """Saving in the admin renders the body and makes the saving author an author."""
    author.is_staff = True
    author.save()
    client.force_login(author)
    response = client.post(
        "/admin/articles/article/add/",
        {
            "title": "From admin",
            "slug": "from-admin",
            "body": "## Hi\n\n<script>x</script>",
            "status": "published",
            "published_at_0": "2026-11-01",
            "published_at_1": "10:00:00",
            "comments_open": "on",
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from articles.models import Article

    article = Article.objects.get(slug="from-admin")
    assert article.body_html == "<h2>Hi</h2>"
    assert list(article.authors.all()) == [author]
