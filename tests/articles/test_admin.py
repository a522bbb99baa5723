from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, ArticleUpdate
from articles.services import article_create, update_publish
from comments.models import Comment, Thread, text_fingerprint
from readers.models import Follow

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
    article = Article.objects.get(slug="from-admin")
    assert article.body_html == "<h2>Hi</h2>"
    assert list(article.authors.all()) == [author]


# -- Changes made in the admin go through the services ------------------------------------


@pytest.fixture
def staff_client(client, make_user, settings):
    """A superuser in the admin, with the anonymous page cache on."""
    settings.PARLEY_PAGE_CACHE_SECONDS = 60
    client.force_login(make_user("boss", is_staff=True, is_superuser=True))
    return client


def anonymous_page(article):
    return Client().get(f"/articles/{article.slug}/")


def article_admin_form(article, *, new_update="", update_at=None, **changes):
    """The admin change form of `article` as a browser would send it back."""
    published = timezone.localtime(article.published_at)
    data = {
        "title": article.title,
        "slug": article.slug,
        "authors": [user.pk for user in article.authors.all()],
        "standfirst": article.standfirst,
        "body": article.body,
        "status": article.status,
        "published_at_0": published.strftime("%Y-%m-%d"),
        "published_at_1": published.strftime("%H:%M:%S"),
        "comments_open": "on",
        "updates-TOTAL_FORMS": "1" if new_update else "0",
        "updates-INITIAL_FORMS": "0",
    }
    if new_update:
        # Dated when the article was published, unless the test says when.
        update_at = timezone.localtime(update_at) if update_at else published
        data |= {
            "updates-0-published_at_0": update_at.strftime("%Y-%m-%d"),
            "updates-0-published_at_1": update_at.strftime("%H:%M:%S"),
            "updates-0-body": new_update,
        }
    return data | changes


def test_an_update_added_in_the_admin_reaches_followers_and_the_cached_page(
    staff_client, article, django_capture_on_commit_callbacks
):
    """An update posted from the admin is announced like one posted on the article page."""
    Follow.objects.create(
        article=article, email="fan@example.com", confirmed_at=timezone.now() - timedelta(days=1)
    )
    assert anonymous_page(article)["X-Parley-Cache"] == "miss"
    assert anonymous_page(article)["X-Parley-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/admin/articles/article/{article.pk}/change/",
            article_admin_form(article, new_update="The **admin** correction."),
        )
    assert response.status_code == 302, response.context and [
        response.context["adminform"].form.errors,
        [f.formset.errors for f in response.context["inline_admin_formsets"]],
    ]
    update = ArticleUpdate.objects.get(article=article)
    assert update.body_html == "<p>The <strong>admin</strong> correction.</p>"
    assert update.author.username == "boss"
    assert [message.to for message in mail.outbox] == [["fan@example.com"]]
    page = anonymous_page(article)
    assert page["X-Parley-Cache"] == "miss"
    assert "The <strong>admin</strong> correction." in page.content.decode()


def test_an_update_dated_in_the_future_in_the_admin_is_scheduled(
    staff_client, article, django_capture_on_commit_callbacks
):
    """Neither shown nor emailed before its date; then shown, and emailed once, whether
    beat's task or the notifications sweep gets there first."""
    from articles.services import updates_publish_due
    from readers.services import notifications_sweep

    Follow.objects.create(
        article=article, email="fan@example.com", confirmed_at=timezone.now() - timedelta(days=1)
    )
    anonymous_page(article)
    later = timezone.now() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/admin/articles/article/{article.pk}/change/",
            article_admin_form(article, new_update="Coming **soon**.", update_at=later),
        )
    assert response.status_code == 302
    update = ArticleUpdate.objects.get(article=article)
    assert update.scheduled
    assert "Coming <strong>soon</strong>." not in anonymous_page(article).content.decode()
    feed = Client().get(f"/articles/{article.slug}/updates.atom")
    assert feed.status_code == 200 and "Coming" not in feed.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert updates_publish_due() == []
    assert notifications_sweep() == 0 and mail.outbox == []
    # Its date comes.
    ArticleUpdate.objects.filter(pk=update.pk).update(
        published_at=timezone.now() - timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert updates_publish_due() == [update.pk]
        assert updates_publish_due() == []
    assert "Coming <strong>soon</strong>." in anonymous_page(article).content.decode()
    assert [message.to for message in mail.outbox] == [["fan@example.com"]]
    assert notifications_sweep() == 0 and len(mail.outbox) == 1
    update.refresh_from_db()
    assert not update.scheduled


def test_the_sweep_announces_a_scheduled_update_that_beat_missed(staff_client, article):
    """Without beat's task, the notifications sweep emails a scheduled update once due."""
    from articles.services import update_publish
    from readers.services import notifications_sweep

    Follow.objects.create(
        article=article, email="fan@example.com", confirmed_at=timezone.now() - timedelta(days=1)
    )
    update = update_publish(
        article=article, author=None, body="Later.", when=timezone.now() + timedelta(hours=1)
    )
    assert notifications_sweep() == 0
    ArticleUpdate.objects.filter(pk=update.pk).update(
        published_at=timezone.now() - timedelta(minutes=1)
    )
    assert notifications_sweep() == 1 and notifications_sweep() == 0


def test_unpublishing_or_moving_an_article_in_the_admin_drops_its_cached_page(
    staff_client, article, django_capture_on_commit_callbacks
):
    """A cached page must not outlive the article's publication or its old address."""
    anonymous_page(article)
    assert anonymous_page(article)["X-Parley-Cache"] == "hit"
    old_slug = article.slug
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            f"/admin/articles/article/{article.pk}/change/",
            article_admin_form(article, slug="moved", status="draft"),
        )
    assert Client().get(f"/articles/{old_slug}/").status_code == 404
    assert Client().get("/articles/moved/").status_code == 404


def test_a_comment_edited_in_the_admin_shows_at_once_and_cannot_be_deleted_there(
    staff_client, article, post, django_capture_on_commit_callbacks
):
    """Staff edits re-render the comment and refresh the page; deleting rows is refused
    (it would strand the thread's counts), so removal goes through moderation."""
    comment = post(article, "Orignal wording")
    assert "Orignal wording" in anonymous_page(article).content.decode()
    assert anonymous_page(article)["X-Parley-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/admin/comments/comment/{comment.pk}/change/",
            {
                "user_name": "Reader",
                "user_email": "",
                "user_url": "",
                "comment": "Original *wording*",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    comment.refresh_from_db()
    assert comment.comment_html == "<p>Original <em>wording</em></p>"
    assert comment.text_hash == text_fingerprint("Original *wording*")
    html = anonymous_page(article).content.decode()
    assert "Original <em>wording</em>" in html and "Orignal" not in html
    delete_url = f"/admin/comments/comment/{comment.pk}/delete/"
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


@pytest.mark.parametrize("way", ["delete page", "delete selected"])
def test_a_superuser_deletes_an_article_with_its_comments_through_the_service(
    staff_client, article, post, django_capture_on_commit_callbacks, way
):
    """Deleting an article with comments lists them without asking for a permission nobody
    has on them; the article goes with its comments and threads, and its cached page."""
    comment = post(article, "Words that go with it")
    assert anonymous_page(article)["X-Parley-Cache"] == "miss"
    assert anonymous_page(article)["X-Parley-Cache"] == "hit"
    if way == "delete page":
        url, data = f"/admin/articles/article/{article.pk}/delete/", {}
    else:
        url = "/admin/articles/article/"
        data = {"action": "delete_selected", "_selected_action": [article.pk]}
    confirmation = staff_client.post(url, data) if data else staff_client.get(url)
    assert confirmation.status_code == 200
    assert not confirmation.context["perms_lacking"]
    assert "Words that go with it" in confirmation.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, data | {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert not Thread.objects.filter(article_id=article.pk).exists()
    assert anonymous_page(article).status_code == 404


def test_an_articles_admin_page_reads_the_same_queries_however_many_updates(
    admin_client, make_article, author
):
    """Each update's inline form names its article and offers the users to sign it: both
    read once for the page, not once per update."""
    admin_client.get("/admin/")  # the session and the admin's one-off reads
    counts = []
    for size in (2, 12):
        article = make_article(title=f"Running story {size}", authors=[author])
        for number in range(size):
            update_publish(article=article, author=author, body=f"Update {number}")
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(f"/admin/articles/article/{article.pk}/change/")
        assert response.status_code == 200
        # Each update's "author" box, and the article's "authors" one.
        assert response.content.decode().count(f'value="{author.pk}" selected') == size + 1
        counts.append(len(queries))
    assert counts[0] == counts[1]
