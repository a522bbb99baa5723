"""core.urls.url_reversed: reverse() once per route and arguments, and again wherever what
reverse() reads besides them changes (the script prefix, the URL patterns)."""

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
