"""The author area: writing, previewing and publishing articles, closing comments, updates."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleUpdate
from articles.services import article_create, article_edit, article_set_comments_open
from core.roles import AUTHORS_GROUP
from tests.support import article_state

pytestmark = pytest.mark.django_db

ARTICLE_FORM = {
    "title": "Edited title",
    "standfirst": "Edited standfirst.",
    "body": "## Edited\n\nEdited body.",
    "comments_open": "on",
    "comments_close_after_days": "",
}

# (url name, HTTP method, POST data, whether it acts on a published article)
ARTICLE_ACTIONS = [
    ("author_edit", "get", None, False),
    ("author_edit", "post", ARTICLE_FORM, False),
    ("author_preview", "get", None, False),
    ("author_publish", "post", {}, False),
    ("author_comments", "post", {"action": "close"}, False),
    ("update_new", "post", {"body": "An update."}, True),
]
GENERAL_ACTIONS = [
    ("author_dashboard", "get", None),
    ("author_new", "get", None),
    ("author_new", "post", ARTICLE_FORM),
]
POST_ONLY = ["author_publish", "author_comments", "update_new"]


def url_for(name: str, article: Article | None = None) -> str:
    if article is None:
        return reverse(f"articles:{name}")
    if name == "update_new":
        return reverse("articles:update_new", args=[article.slug])
    return reverse(f"articles:{name}", args=[article.pk])


def send(client, method: str, url: str, data):
    return client.post(url, data) if method == "post" else client.get(url)


@pytest.fixture
def other_author(make_user):
    return make_user("other-author", groups=[AUTHORS_GROUP])


@pytest.fixture
def reader(make_user):
    return make_user("reader")


@pytest.fixture
def superuser(make_user):
    return make_user("boss", is_superuser=True, is_staff=True)


@pytest.fixture
def target(make_article, author):
    """The article an action is tried on: a draft, or a published article for updates."""

    def make(published: bool) -> Article:
        return make_article(title="Ada's piece", publish=published, authors=[author])

    return make


# ---------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "method", "data", "published"), ARTICLE_ACTIONS)
def test_anonymous_is_sent_to_log_in_from_every_article_action(
    client, target, name, method, data, published
):
    """Anonymous visitors to any author URL are redirected to log in and come back after."""
    article = target(published)
    url = url_for(name, article)
    response = send(client, method, url, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]
    assert article_state(article)["status"] == article.status


@pytest.mark.parametrize(("name", "method", "data"), GENERAL_ACTIONS)
def test_anonymous_is_sent_to_log_in_from_the_author_area(client, name, method, data):
    """Anonymous visitors to the dashboard or the new-article form are sent to log in."""
    response = send(client, method, url_for(name), data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Article.objects.exists()


@pytest.mark.parametrize(("name", "method", "data"), GENERAL_ACTIONS)
def test_a_reader_is_refused_the_author_area(client, reader, name, method, data):
    """A signed-in reader gets 403 on the dashboard and the new-article form."""
    client.force_login(reader)
    assert send(client, method, url_for(name), data).status_code == 403
    assert not Article.objects.exists()


@pytest.mark.parametrize("who", ["reader", "other_author"])
@pytest.mark.parametrize(("name", "method", "data", "published"), ARTICLE_ACTIONS)
def test_only_its_authors_may_act_on_an_article(
    request, client, target, who, name, method, data, published
):
    """A reader outside the Authors group, or an author of other articles, gets 403 on every
    article action, and the article is unchanged."""
    article = target(published)
    before = article_state(article)
    client.force_login(request.getfixturevalue(who))
    assert send(client, method, url_for(name, article), data).status_code == 403
    assert article_state(article) == before


@pytest.mark.parametrize("name", ["author_edit", "update_new"])
def test_an_author_who_lost_the_article_meanwhile_gets_their_text_back(
    client, target, author, name
):
    """Taken off the article (or out of the Authors group) while writing, the author's save
    is refused with a 403 that hands back what they wrote, labelled as their text, instead
    of losing an article's or an update's worth of writing."""
    article = target(name == "update_new")
    client.force_login(author)
    article.authors.clear()
    text = "## A long piece\n\nHours of writing."
    data = {**ARTICLE_FORM, "body": text} if name == "author_edit" else {"body": text}
    refused = client.post(url_for(name, article), data)
    html = refused.content.decode()
    assert refused.status_code == 403
    assert "Here is what you wrote, so nothing is lost." in html
    assert "Hours of writing." in html and ">Your text</label>" in html


def test_an_authors_text_sent_without_its_security_token_is_handed_back(target, author):
    """A save refused for its CSRF token (the page was open in another session) hands back
    the article's text, as a refused comment is, not only a comment's."""
    article = target(False)
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    text = "## A long piece\n\nHours of writing."
    refused = client.post(url_for("author_edit", article), {**ARTICLE_FORM, "body": text})
    html = refused.content.decode()
    assert refused.status_code == 403
    assert "Hours of writing." in html and ">Your text</label>" in html


@pytest.mark.parametrize("who", ["author", "superuser"])
@pytest.mark.parametrize(("name", "method", "data", "published"), ARTICLE_ACTIONS)
def test_the_articles_author_and_a_superuser_may_act(
    request, client, target, who, name, method, data, published
):
    """The article's own author and any superuser get the page (200) or a redirect after a write."""
    article = target(published)
    before = article_state(article)
    client.force_login(request.getfixturevalue(who))
    response = send(client, method, url_for(name, article), data)
    assert response.status_code == (200 if method == "get" else 302)
    if method == "post":
        assert not response["Location"].startswith(reverse("account_login"))
        assert article_state(article) != before


@pytest.mark.parametrize("who", ["author", "superuser"])
@pytest.mark.parametrize(("name", "method", "data"), GENERAL_ACTIONS)
def test_authors_and_superusers_reach_the_author_area(request, client, who, name, method, data):
    """Authors and superusers open the dashboard and the form, and can save a new draft."""
    client.force_login(request.getfixturevalue(who))
    response = send(client, method, url_for(name), data)
    assert response.status_code == (200 if method == "get" else 302)


@pytest.mark.parametrize(("name", "method", "data", "published"), ARTICLE_ACTIONS)
def test_a_missing_article_is_404(client, author, name, method, data, published):
    """An article id (or slug) that does not exist is a 404, not an error."""
    client.force_login(author)
    if name == "update_new":
        url = reverse("articles:update_new", args=["no-such-article"])
    else:
        url = reverse(f"articles:{name}", args=[999999])
    assert send(client, method, url, data).status_code == 404


@pytest.mark.parametrize("name", POST_ONLY)
def test_state_changing_urls_refuse_get(client, author, target, name):
    """Publishing, closing comments and posting updates answer GET with 405."""
    article = target(name == "update_new")
    client.force_login(author)
    assert client.get(url_for(name, article)).status_code == 405
    assert article_state(article)["status"] == article.status


def test_state_changing_urls_need_a_csrf_token(author, target):
    """A POST without the CSRF token is refused by Django's middleware."""
    article = target(False)
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    assert client.post(url_for("author_publish", article)).status_code == 403
    assert article_state(article)["status"] == Article.Status.DRAFT


def test_write_link_shows_only_for_authors(client, author, reader, superuser):
    """The "Write" link in the header shows for authors and superusers, not for readers."""
    link = f'href="{reverse("articles:author_dashboard")}"'
    client.force_login(reader)
    assert link not in client.get("/").content.decode()
    for user in (author, superuser):
        client.force_login(user)
        assert link in client.get("/").content.decode()


# ---------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------
def test_dashboard_lists_only_the_authors_articles_with_their_state(
    client, author, other_author, make_article
):
    """An author's dashboard shows their drafts and published articles, not other authors'."""
    make_article(title="My draft", publish=False, authors=[author])
    make_article(title="My published piece", authors=[author], comments_open=False)
    make_article(title="Someone else's", authors=[other_author])
    client.force_login(author)
    html = client.get(url_for("author_dashboard")).content.decode()
    assert "My draft" in html and "My published piece" in html
    assert "Someone else&#x27;s" not in html and "Someone else's" not in html
    assert "Draft" in html and "Published" in html
    assert "Reopen comments" in html and "Close comments" in html


def test_superuser_dashboard_lists_every_article(client, superuser, author, other_author):
    """A superuser's dashboard lists every author's articles."""
    article_create(title="First author's", body="x", authors=[author])
    article_create(title="Second author's", body="x", authors=[other_author], publish=True)
    client.force_login(superuser)
    html = client.get(url_for("author_dashboard")).content.decode()
    assert "First author" in html and "Second author" in html


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------
def test_a_new_article_is_a_draft_by_its_writer(client, author, reader):
    """Saving the new-article form makes a draft by the writer, invisible to readers."""
    client.force_login(author)
    response = client.post(
        url_for("author_new"),
        ARTICLE_FORM | {"title": "Fresh draft", "comments_close_after_days": "7"},
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url_for("author_edit", article)
    assert article.status == Article.Status.DRAFT and article.published_at is None
    assert list(article.authors.all()) == [author]
    assert article.slug == "fresh-draft" and article.comments_close_after_days == 7
    assert article.body_html == "<h2>Edited</h2>\n<p>Edited body.</p>"
    client.force_login(reader)
    assert client.get(article.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_editing_renders_the_body_again_and_strips_scripts(client, author, target):
    """Saving an edit stores the new text and its sanitized HTML, without any script."""
    article = target(False)
    client.force_login(author)
    body = 'New *text*.\n\n<script>alert("x")</script>\n\n[link](javascript:alert(1))'
    response = client.post(url_for("author_edit", article), ARTICLE_FORM | {"body": body})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == body and "<em>text</em>" in article.body_html
    assert "<script" not in article.body_html and "alert" not in article.body_html
    assert "javascript:" not in article.body_html
    assert article.title == "Edited title" and article.standfirst == "Edited standfirst."


def test_a_drafts_slug_follows_its_title_but_a_published_slug_stays(author):
    """Renaming a draft moves its slug; renaming a published article keeps its address."""
    draft = article_create(title="Working title", body="x", authors=[author])
    published = article_create(title="Printed title", body="x", authors=[author], publish=True)
    fields = {"standfirst": "", "body": "x", "comments_open": True, "comments_close_after_days": 3}
    article_edit(article=draft, title="Final title", **fields)
    article_edit(article=published, title="Corrected title", **fields)
    assert Article.objects.get(pk=draft.pk).slug == "final-title"
    published.refresh_from_db()
    assert published.slug == "printed-title" and published.title == "Corrected title"
    assert published.comments_close_after_days == 3


def test_the_edit_form_shows_the_saved_text(client, author, target):
    """The edit form opens filled with the article's current text."""
    article = target(True)
    client.force_login(author)
    html = client.get(url_for("author_edit", article)).content.decode()
    assert "Ada&#x27;s piece" in html and "## Heading" in html
    assert 'name="preview"' in html and 'name="save"' in html


def test_preview_renders_the_markdown_without_saving(client, author, target):
    """The Preview button shows the rendered, sanitized text and keeps the database as it was."""
    article = target(True)
    before = article_state(article)
    client.force_login(author)
    body = "## Previewed\n\n<script>alert(1)</script>Plain *words*."
    response = client.post(
        url_for("author_edit", article), ARTICLE_FORM | {"body": body, "preview": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h2>Previewed</h2>" in html and "<em>words</em>" in html
    assert "<script>alert(1)" not in html
    assert "## Previewed" in html  # the typed text stays in the form
    assert article_state(article) == before


def test_preview_of_a_new_article_creates_nothing(client, author):
    """Previewing a new article does not create it."""
    client.force_login(author)
    response = client.post(url_for("author_new"), ARTICLE_FORM | {"preview": "1"})
    assert response.status_code == 200
    assert "<h2>Edited</h2>" in response.content.decode()
    assert not Article.objects.exists()


def test_invalid_article_form_is_a_400_that_keeps_the_text(client, author, target):
    """A missing title or a negative day count re-renders with errors and the typed text (400)."""
    article = target(False)
    client.force_login(author)
    data = ARTICLE_FORM | {
        "title": "",
        "body": "Kept words, typed with care.",
        "comments_close_after_days": "-3",
    }
    response = client.post(url_for("author_edit", article), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Give the article a title." in html and 'class="field-error"' in html
    assert "Kept words, typed with care." in html
    assert article_state(article)["body"] == "## Heading\n\nText."
    response = client.post(url_for("author_new"), data)
    assert response.status_code == 400 and Article.objects.count() == 1


def test_draft_preview_page_shows_the_article_without_comments(client, author, target):
    """The preview page renders a draft as readers will see it, with no comment section."""
    article = target(False)
    client.force_login(author)
    response = client.get(url_for("author_preview", article))
    html = response.content.decode()
    assert response.status_code == 200
    assert "articles/article_detail.html" in [t.name for t in response.templates]
    assert "Ada&#x27;s piece" in html and "<h2>Heading</h2>" in html
    assert 'id="comments"' not in html and 'id="commentform"' not in html
    assert "Preview: readers cannot see this article yet." in html


# ---------------------------------------------------------------------------
# Publishing and comments
# ---------------------------------------------------------------------------
def test_publishing_makes_the_article_public(client, author, target):
    """Publish puts a draft at its public URL and on the front page."""
    article = target(False)
    client.force_login(author)
    response = client.post(url_for("author_publish", article))
    assert response.status_code == 302
    assert response["Location"] == url_for("author_dashboard")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.published_at is not None
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 200
    assert "Ada&#x27;s piece" in client.get("/").content.decode()


def test_publishing_twice_keeps_the_first_date(client, author, target):
    """Publishing an article that is already published does not move its date."""
    article = target(True)
    first = article.published_at
    client.force_login(author)
    client.post(url_for("author_publish", article))
    article.refresh_from_db()
    assert article.published_at == first


def test_closing_and_reopening_comments(client, author, target):
    """Close stops comments and the page says so without a form; reopen brings the form back."""
    article = target(True)
    client.force_login(author)
    client.post(url_for("author_comments", article), {"action": "close"})
    article.refresh_from_db()
    assert not article.accepts_comments
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Comments are closed." in html and 'id="commentform"' not in html

    client.post(url_for("author_comments", article), {"action": "open"})
    article.refresh_from_db()
    assert article.accepts_comments
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Comments are closed." not in html and 'id="commentform"' in html


def test_reopening_comments_on_a_draft_says_when_they_open(client, author, target):
    """A draft's comments reopened are not "open": the message says they will be once it is
    published, as the dashboard does."""
    draft = target(False)
    client.force_login(author)
    client.post(url_for("author_comments", draft), {"action": "close"})
    response = client.post(url_for("author_comments", draft), {"action": "open"}, follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert said[-1] == f"Comments on “{draft.title}” will be open once it is published."
    assert not any(line.endswith("are open.") for line in said)


def test_an_unknown_comments_action_is_a_400(client, author, target):
    """A comments action other than close or open is a 400 and changes nothing."""
    article = target(True)
    client.force_login(author)
    response = client.post(url_for("author_comments", article), {"action": "delete"})
    assert response.status_code == 400
    assert Article.objects.get(pk=article.pk).comments_open


def test_comments_close_by_themselves_after_the_articles_days(author):
    """An article closing comments after 1 day, published 2 days ago, accepts no comments."""
    article = article_create(
        title="Old news",
        body="x",
        authors=[author],
        publish=True,
        published_at=timezone.now() - timedelta(days=2),
        comments_close_after_days=1,
    )
    assert article.comments_close_at < timezone.now()
    assert not article.accepts_comments
    article_set_comments_open(article=article, is_open=True)
    assert not article.accepts_comments


def test_site_setting_closes_comments_unless_the_article_says_otherwise(settings, author):
    """PARLEY_CLOSE_COMMENTS_AFTER_DAYS applies when the article is empty; 0 means never."""
    two_days_ago = timezone.now() - timedelta(days=2)
    uses_site = article_create(
        title="Site default", body="x", authors=[author], publish=True, published_at=two_days_ago
    )
    never = article_create(
        title="Never closes",
        body="x",
        authors=[author],
        publish=True,
        published_at=two_days_ago,
        comments_close_after_days=0,
    )
    settings.PARLEY_CLOSE_COMMENTS_AFTER_DAYS = 0
    assert uses_site.accepts_comments and never.accepts_comments
    settings.PARLEY_CLOSE_COMMENTS_AFTER_DAYS = 1
    assert not uses_site.accepts_comments
    assert never.accepts_comments and never.comments_close_at is None
    settings.PARLEY_CLOSE_COMMENTS_AFTER_DAYS = 3
    assert uses_site.accepts_comments


# ---------------------------------------------------------------------------
# Updates
# ---------------------------------------------------------------------------
def test_update_form_shows_only_to_the_articles_authors(
    client, target, author, other_author, reader, superuser
):
    """ "Post an update" appears for the article's authors and superusers, nobody else."""
    article = target(True)
    url = article.get_absolute_url()
    assert "Post an update" not in client.get(url).content.decode()
    for user in (reader, other_author):
        client.force_login(user)
        assert "Post an update" not in client.get(url).content.decode()
    for user in (author, superuser):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert "Post an update" in html and "Update (Markdown)" in html
        assert "Publish update" in html


def test_posting_an_update_puts_it_on_the_timeline_newest_first(
    client, author, target, django_capture_on_commit_callbacks
):
    """A posted update redirects to its anchor and tops the timeline; followers hear on commit."""
    article = target(True)
    client.force_login(author)
    client.post(url_for("update_new", article), {"body": "First *news*."})
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url_for("update_new", article), {"body": "Second news."})
    update = ArticleUpdate.objects.get(body="Second news.")
    assert len(callbacks) == 2  # tell followers; drop the cached page
    assert update.author == author and update.article == article
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#update-{update.pk}"
    html = client.get(response["Location"]).content.decode()
    assert "Your update is published." in html
    assert f'id="update-{update.pk}"' in html and "Update, <time" in html
    assert html.index("Second news.") < html.index("First <em>news</em>.")


def test_an_empty_update_is_a_400_with_the_error_shown(client, author, target):
    """Posting a blank update re-renders the article page with the error and saves nothing."""
    article = target(True)
    client.force_login(author)
    response = client.post(url_for("update_new", article), {"body": "   "})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Write the update before publishing it." in html and "Post an update" in html
    assert not ArticleUpdate.objects.exists()


def test_updates_cannot_be_posted_on_a_draft(client, author, target):
    """A draft has no public page, so posting an update to it is a 404."""
    article = target(False)
    client.force_login(author)
    assert client.post(url_for("update_new", article), {"body": "Too early."}).status_code == 404
    assert not ArticleUpdate.objects.exists()


def test_the_article_page_costs_no_extra_query_for_anonymous_readers(client, target):
    """Working out who may post an update adds no query for anonymous readers."""
    article = target(True)
    url = article.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert not any("auth_user_groups" in q["sql"] for q in queries.captured_queries)


def test_an_unknown_comments_action_is_the_sites_400_page_even_with_debug_on(
    client, author, target, settings
):
    """`make run` serves with DEBUG on: a bad close/open request gets the site's 400 page
    saying what to choose, not Django's technical page."""
    settings.DEBUG = True
    client.force_login(author)
    response = client.post(url_for("author_comments", target(False)), {"action": "delete"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose to close or open the comments." in html and "Traceback" not in html


def test_the_dashboard_names_the_time_zone_of_a_publication_time(
    client, author, make_article, settings
):
    """A published article's time on the dashboard carries its zone, as a scheduled one's
    does: the site's zone may not be the author's."""
    settings.TIME_ZONE = "Europe/London"
    article = make_article(title="Out in London", authors=[author])
    client.force_login(author)
    html = client.get(url_for("author_dashboard")).content.decode()
    zone = timezone.localtime(article.published_at).strftime("%Z")  # GMT or BST
    assert f"{zone}</time>" in html
