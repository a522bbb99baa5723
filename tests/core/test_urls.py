"""core.urls.url_reversed: reverse() once per route and arguments, and again wherever what
reverse() reads besides them changes (the script prefix, the URL patterns)."""

import logging
import sys
from unittest import mock

import pytest
from django.urls import get_script_prefix, reverse, set_script_prefix

from core import urls
from core.urls import url_reversed


@pytest.fixture(autouse=True)
def _fresh():
    urls._reversed.clear()
    yield
    urls._reversed.clear()


def test_it_gives_what_reverse_gives_and_reverses_once():
    expected = reverse("comments:permalink", args=[42])
    with mock.patch.object(urls, "reverse", wraps=reverse) as reversing:
        assert url_reversed("comments:permalink", 42) == expected
        assert url_reversed("comments:permalink", 42) == expected
        assert url_reversed("comments:permalink", 43) == reverse("comments:permalink", args=[43])
    assert reversing.call_count == 2


def test_another_script_prefix_gets_its_own_url():
    """A site served under a path (SCRIPT_NAME) must not get the URLs of another."""
    plain = url_reversed("comments:permalink", 42)
    before = get_script_prefix()
    set_script_prefix("/blog/")
    try:
        assert url_reversed("comments:permalink", 42) == "/blog" + plain
    finally:
        set_script_prefix(before)
    assert url_reversed("comments:permalink", 42) == plain


def test_swapped_url_patterns_get_their_own_url(settings):
    """As a test's override of ROOT_URLCONF does (Django drops its own caches then)."""
    plain = url_reversed("comments:permalink", 42)
    settings.ROOT_URLCONF = "tests.core.urls_prefixed"
    assert url_reversed("comments:permalink", 42) == "/elsewhere" + plain


def test_keyword_arguments_and_the_current_app_are_part_of_the_key():
    by_slug = url_reversed("feed_comments_atom", kwargs={"slug": "one"})
    assert by_slug == reverse("feed_comments_atom", kwargs={"slug": "one"})
    assert url_reversed("feed_comments_atom", kwargs={"slug": "two"}).endswith("/two/comments.atom")
    with mock.patch.object(urls, "reverse", wraps=reverse) as reversing:
        url_reversed("admin:index", current_app="admin")
        url_reversed("admin:index", current_app="admin")
        url_reversed("admin:index")
    assert reversing.call_count == 2


# {% url %}: every template's, through core/templatetags/urls_reversed_once.py.
TAGS = (
    '{% url "articles:list" %}|{% url "feed_comments_atom" slug %}'
    '|{% url "feed_comments_atom" slug=slug %}|{% url "comments:permalink" 7 as link %}[{{ link }}]'
    '|{% url "no-such-route" as missing %}[{{ missing }}]'
)


def _rendered(source: str, **context) -> str:
    from django.template import engines

    return engines["django"].from_string(source).render(context)


def test_the_url_tag_renders_what_djangos_renders_and_reverses_once():
    """The same text as Django's own tag for positional and keyword arguments, `as`, a
    route that does not exist under `as`; the second render reverses nothing."""
    from django.template import Context, Engine

    djangos = Engine(builtins=[]).from_string(TAGS).render(Context({"slug": "a-b"}))
    assert _rendered(TAGS, slug="a-b") == djangos
    assert djangos.count("/articles/a-b/comments.atom") == 2 and "[/comments/7/]" in djangos
    with mock.patch.object(urls, "reverse", wraps=reverse) as reversing:
        _rendered(TAGS, slug="a-b")
    assert reversing.call_count == 1  # only the route that does not exist, every time


def test_the_url_tag_still_raises_for_a_route_that_does_not_exist():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        _rendered('{% url "no-such-route" %}')


def test_a_refusal_is_logged_without_a_traceback(client, make_user, caplog):
    """A reader refused a page (a 403) is one line in the log: the stack trace Django logs
    with it is left out, while a server error keeps its traceback."""

    handler = next(h for h in logging.getLogger().handlers if h.filters)
    client.force_login(make_user())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/moderation/").status_code == 403
    record = next(r for r in caplog.records if r.name == "django.request")
    assert handler.filter(record)
    line = handler.format(record)
    assert "Forbidden" in line and "Traceback" not in line
    failed = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", None, None)
    try:
        raise RuntimeError("the server's fault")
    except RuntimeError:
        failed.exc_info, failed.status_code = sys.exc_info(), 500
    assert handler.filter(failed) and "Traceback" in handler.format(failed)
