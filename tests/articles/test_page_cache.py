"""The anonymous article page from the cache: served without queries, dropped exactly when
what it shows changes, never served to a reader it is personal to."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.services import update_publish
from comments.models import CommentStatus
from moderation.services import comments_moderate
from tests.conftest import form_data
from tests.support import form_fields

pytestmark = pytest.mark.django_db
S = CommentStatus


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PARLEY_PAGE_CACHE_SECONDS = 60


def get(client, article, query=""):
    return client.get(article.get_absolute_url() + query)


def test_second_anonymous_view_is_a_hit_without_queries(article, post):
    """The first anonymous view fills the cache; the next is served from it, query-free."""
    post(article, "cached words")
    assert get(Client(), article)["X-Parley-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        response = get(Client(), article)
    assert response["X-Parley-Cache"] == "hit" and len(queries) == 0
    assert "cached words" in response.content.decode()


def test_pages_stored_under_another_secret_key_are_not_served(article, settings):
    """The shared page carries a comment form signed with SECRET_KEY. After a restart with
    a new key, pages stored before are not served: their forms would fail the check, and
    their readers be told a form they never touched was tampered with."""
    get(Client(), article)
    assert get(Client(), article)["X-Parley-Cache"] == "hit"
    settings.SECRET_KEY = "a-new-key-" + "k" * 50
    response = get(Client(), article)
    assert response["X-Parley-Cache"] == "miss"
    fields = form_fields(response.content.decode())
    posted = Client().post(
        "/comments/post/", {**fields, "comment": "Signed anew", "name": "Ann", "reply_to": "0"}
    )
    assert posted.status_code == 302


def test_a_published_comment_drops_the_cached_page(article, submit):
    """Publishing a comment changes the page, so the next reader sees it at once."""
    get(Client(), article)
    submit(form_data(article, comment="Fresh remark"), using=Client())
    response = get(Client(), article)
    assert response["X-Parley-Cache"] == "miss"
    assert "Fresh remark" in response.content.decode()


def test_a_held_comment_leaves_the_cached_page_alone(article, submit):
    """A comment nobody else can see yet does not cost the cache anything."""
    from moderation.models import ModerationRules

    ModerationRules.objects.update_or_create(pk=1, defaults={"hold_all": True})
    get(Client(), article)
    submit(form_data(article, comment="Not yet public"), using=Client())
    assert get(Client(), article)["X-Parley-Cache"] == "hit"


def test_an_update_and_a_moderation_decision_drop_the_cached_page(
    article, author, post, moderator, django_capture_on_commit_callbacks
):
    """A new update, or a moderator approving a comment, refreshes the page."""
    held = post(article, "Approved later", status=S.HELD)
    get(Client(), article)
    with django_capture_on_commit_callbacks(execute=True):
        update_publish(article=article, author=author, body="Timeline news")
    page = get(Client(), article)
    assert page["X-Parley-Cache"] == "miss" and "Timeline news" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        comments_moderate(comment_ids=[held.pk], action="approve", actor=moderator)
    page = get(Client(), article)
    assert page["X-Parley-Cache"] == "miss" and "Approved later" in page.content.decode()


def test_personal_pages_are_never_served_from_or_stored_in_the_cache(article, submit, make_user):
    """A poster (own-comment cookie), a signed-in reader, and pending messages bypass it."""
    get(Client(), article)
    poster = Client()
    submit(form_data(article, comment="Mine"), using=poster)
    poster.get(article.get_absolute_url())  # reads the "thank you" message
    assert "X-Parley-Cache" not in get(poster, article)
    signed_in = Client()
    signed_in.force_login(make_user())
    assert "X-Parley-Cache" not in get(signed_in, article)


def test_pages_and_orders_are_cached_separately(article, post, settings):
    """cpage and corder select different cached pages; other query strings do not matter."""
    settings.PARLEY_THREADS_PER_PAGE = 1
    post(article, "thread one")
    post(article, "thread two")
    get(Client(), article)
    assert "thread two" in get(Client(), article, "?cpage=2").content.decode()
    assert get(Client(), article, "?utm_source=x")["X-Parley-Cache"] == "hit"
    newest = get(Client(), article, "?corder=newest").content.decode()
    assert "thread two" in newest and "thread one" not in newest


def test_a_conversation_view_is_not_served_as_its_whole_thread(article, post):
    """?thread=&context= (a reply in its conversation) is kept apart from ?thread= alone:
    one reader's query must not hide the thread's other branches from everyone after."""
    root = post(article, "the root")
    answered = post(article, "the answered branch", reply_to=root.pk)
    post(article, "the other branch", reply_to=root.pk)
    in_context = get(Client(), article, f"?thread={root.pk}&context={answered.pk}")
    assert "the other branch" not in in_context.content.decode()
    whole = get(Client(), article, f"?thread={root.pk}")
    assert whole["X-Parley-Cache"] == "miss"
    assert "the other branch" in whole.content.decode()
