"""A guest's own article page, built around a kept shell (articles/page_shell.py): the same
bytes as the page rendered whole, for every kind of guest it answers, with fewer queries;
kept through comments, dropped by the article's own changes; everyone else rendered whole."""

import re

import pytest
import redis
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from articles.page_shell import SECTION_MESSAGE_TAGS
from articles.services import update_publish
from comments.notices import NOTE_TAG, NOTICE_TAG
from readers.forms import FOLLOW_NOTICE_TAG
from readers.services import reader_data_erase, user_display_name_set
from tests.conftest import form_data
from tests.support import RedisServer, redis_cache_config

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
SIGNED = re.compile(r'name="(timestamp|security_hash)" value="[^"]*"')


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PARLEY_PAGE_CACHE_SECONDS = 60


def posted(submit, article, **fields):
    """Post as a new guest: the client, holding the cookies the post set, and where it
    was sent."""
    client = Client()
    response = submit(form_data(article, **fields), using=client)
    assert response.status_code == 302, response.content[:300]
    return client, response["Location"].split("#")[0]


def visit(client: Client, address: str, *, whole: bool = False):
    """The page for a copy of this client's cookies (a message cookie is read once), built
    around the shell or, with `whole`, rendered whole."""
    copy = Client()
    copy.cookies = type(client.cookies)(client.cookies)
    if whole:
        with override_settings(PARLEY_PAGE_CACHE_SECONDS=0):
            return copy.get(address)
    return copy.get(address)


def per_render_out(html: str) -> str:
    """The page without what differs between any two renders: the CSRF fields, once they are
    checked to carry this browser's one secret (each is masked anew), and the comment form's
    signature of the second it was shown."""
    secrets = {_unmask_cipher_token(token) for token in TOKEN.findall(html)}
    assert len(secrets) == 1 and len(secrets.pop()) == 32
    html = TOKEN.sub('name="csrfmiddlewaretoken" value=""', html)
    return SIGNED.sub(r'name="\1" value=""', html)


def assert_same_as_whole(client, address, *, label):
    built = visit(client, address)
    assert getattr(built, "page_shell", None) == label
    whole = visit(client, address, whole=True)
    assert not hasattr(whole, "page_shell")
    assert per_render_out(built.content.decode()) == per_render_out(whole.content.decode())
    for header in ("Content-Type", "Content-Language", "Vary", "Cache-Control"):
        assert built.get(header) == whole.get(header), header
    assert set(built.cookies) == set(whole.cookies)
    return built


def test_a_posters_landing_page_is_the_whole_page_byte_for_byte(article, post, submit):
    """After a comment, with its confirmation, the poster's mark and saved details: the
    page from the shell is the page rendered whole, first built and then kept."""
    post(article, "An earlier reader's words")
    client, address = posted(submit, article, comment="My own words", remember="on",
                             email="me@example.org")  # fmt: skip
    assert {"parley_own", "parley_commenter", "messages"} <= set(client.cookies)
    first = assert_same_as_whole(client, address, label="miss")
    assert "My own words" in first.content.decode()
    assert 'value="me@example.org"' in first.content.decode()  # the saved details
    assert_same_as_whole(client, address, label="hit")


def test_a_reply_landing_on_its_thread_address_is_the_whole_page(article, post, submit):
    """A reply is sent to ?thread=…&context=…: the address is spliced in (Log in, the
    language switcher), so one shell serves every thread of the article."""
    parent = post(article, "A parent comment")
    client, address = posted(submit, article, comment="My reply", reply_to=str(parent.pk))
    assert "?thread=" in address and "&context=" in address
    built = assert_same_as_whole(client, address, label="miss")
    html = built.content.decode()
    assert f"?next={address.replace('?', '%3F').replace('=', '%3D').replace('&', '%26')}" in html
    assert f'name="next" value="{address.replace("&", "&amp;")}"' in html
    _, other = posted(submit, article, comment="Another reply", reply_to=str(parent.pk))
    assert_same_as_whole(client, other, label="hit")


def test_a_guest_with_an_order_of_their_own_on_a_later_page_gets_the_whole_page(
    article, post, submit, settings
):
    """The order cookie and a second page change only the section."""
    settings.PARLEY_THREADS_PER_PAGE = 2
    for number in range(5):
        post(article, f"Thread {number}")
    client, _ = posted(submit, article, comment="Mine")
    client.cookies["parley_corder"] = "newest"
    assert_same_as_whole(client, f"{article.get_absolute_url()}?cpage=2", label="miss")


def test_a_reply_link_without_javascript_is_the_whole_page(article, post, submit):
    """?replyto= (a "Reply" link followed with scripts off) changes only the section's form."""
    parent = post(article, "Answer me")
    client, _ = posted(submit, article, comment="Mine")
    page = assert_same_as_whole(
        client, f"{article.get_absolute_url()}?replyto={parent.pk}", label="miss"
    )
    assert f'name="reply_to" value="{parent.pk}"' in page.content.decode()


def test_comments_keep_the_shell_and_the_articles_own_changes_drop_it(
    article, post, submit, make_user, django_capture_on_commit_callbacks
):
    """A new comment is on the page at once from the kept shell; a new update rebuilds it."""
    client, address = posted(submit, article, comment="Mine")
    assert visit(client, address).page_shell == "miss"
    post(article, "Published since")
    page = visit(client, address)
    assert page.page_shell == "hit" and "Published since" in page.content.decode()
    author = make_user("writer")
    article.authors.add(author)
    with django_capture_on_commit_callbacks(execute=True):
        update_publish(article=article, author=author, body="A correction to the story.")
    page = assert_same_as_whole(client, address, label="miss")
    assert "A correction to the story." in page.content.decode()


def test_an_authors_new_name_drops_the_shell_and_is_on_the_page_at_once(
    article, submit, make_user, django_capture_on_commit_callbacks
):
    """The byline is in the shell: renaming its author rebuilds it."""
    author = make_user("writer")
    article.authors.add(author)
    client, address = posted(submit, article, comment="Mine")
    assert visit(client, address).page_shell == "miss"
    with django_capture_on_commit_callbacks(execute=True):
        user_display_name_set(user=author, first_name="Renamed", last_name="Writer")
    page = assert_same_as_whole(client, address, label="miss")
    assert "By Renamed Writer" in page.content.decode()


def test_an_author_who_erases_their_account_leaves_the_byline_at_once(
    article, submit, make_user, django_capture_on_commit_callbacks
):
    """Erasing an author's account takes their name off the byline: the shell is rebuilt.
    The article has a second author, so it is still found by its authors afterwards: the
    erased one's articles must be found before the account goes."""
    author = make_user("leaver", first_name="Gone", last_name="Author")
    staying = make_user("stayer", first_name="Still", last_name="Here")
    article.authors.add(author, staying)
    client, address = posted(submit, article, comment="Mine")
    assert "Gone Author" in visit(client, address).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        reader_data_erase(user=author)
    page = assert_same_as_whole(client, address, label="miss").content.decode()
    assert "Gone Author" not in page
    assert "Still Here" in page


def test_from_the_shell_the_page_asks_the_anonymous_pages_queries_at_any_size(
    article, post, submit
):
    """As many queries as the anonymous page rendered, however many comments there are."""
    client, address = posted(submit, article, comment="Mine")
    counts = []
    for more in (1, 15):
        for number in range(more):
            post(article, f"Words {more} {number}")
        visit(client, address)
        with CaptureQueriesContext(connection) as kept:
            assert visit(client, address).page_shell == "hit"
        with (
            override_settings(PARLEY_PAGE_CACHE_SECONDS=0),
            CaptureQueriesContext(connection) as anonymous,
        ):
            Client().get(address)
        counts.append((len(kept), len(anonymous)))
    assert counts[0] == counts[1] and counts[0][0] <= counts[0][1], counts


@pytest.mark.parametrize(
    "case",
    ["signed in", "another message", "a follow notice", "a parameter of its own",
     "parameters reordered"],
)  # fmt: skip
def test_everyone_else_gets_the_page_rendered_whole(case, article, post, submit, make_user):
    """A session (an account), a message shown outside the section, or an address the
    shell's key does not write as asked: the whole page, as before."""
    parent = post(article, "A parent")
    client, address = posted(submit, article, comment="Mine", reply_to=str(parent.pk))
    if case == "signed in":
        client.force_login(make_user("member"))
    elif case in ("another message", "a follow notice"):
        # Queued for this browser as a view queues them; the follow box shows its own.
        tags = FOLLOW_NOTICE_TAG if case == "a follow notice" else ""
        storage = CookieStorage(HttpRequest())
        storage.add(messages.INFO, "Something else happened", extra_tags=tags)
        response = HttpResponse()
        storage.update(response)
        client.cookies["messages"] = response.cookies["messages"].value
    elif case == "a parameter of its own":
        address += "&utm_source=mail"
    else:
        path, query = address.split("?")
        address = f"{path}?{'&'.join(reversed(query.split('&')))}"
    page = visit(client, address)
    assert page.status_code == 200 and not hasattr(page, "page_shell")
    if case == "another message":
        assert (
            '<p class="message message-info">Something else happened</p>' in page.content.decode()
        )
    if case == "a follow notice":
        html = page.content.decode()
        assert "Something else happened" in html[html.index('id="follow"') :]


def test_the_shell_knows_the_tags_of_the_messages_the_comment_section_shows():
    """The comment section's own messages are the only ones a shell is built without."""
    assert {NOTICE_TAG, NOTE_TAG} == SECTION_MESSAGE_TAGS
    assert FOLLOW_NOTICE_TAG not in SECTION_MESSAGE_TAGS


@pytest.fixture(scope="module")
def private_redis():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


def test_on_the_redis_cache_the_shell_is_kept_and_filled_in_alike(
    private_redis, settings, article, post, submit
):
    """Production's cache (django-redis): the shell is stored, read back and filled in to
    the same bytes as the page rendered whole."""
    settings.CACHES = redis_cache_config(private_redis.url, timeout=2)
    post(article, "Already here")
    client, address = posted(submit, article, comment="Mine, on Redis")
    assert_same_as_whole(client, address, label="miss")
    stored = redis.Redis.from_url(f"{private_redis.url}/1").keys("*parley:shell:*")
    assert len(stored) == 2  # the shell and its version
    post(article, "Published since")
    page = assert_same_as_whole(client, address, label="hit")
    assert "Published since" in page.content.decode()
