# ruff: noqa: RUF001 - the Ukrainian texts are Cyrillic on purpose
"""The German and Ukrainian pages in a real browser: a reader whose browser asks for the
language reads the article page, its comment form, the form's errors and the answer to their
post with no English word left of Parley's own (the article and comments are written in that
language too, so every English word found would be the interface's)."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from articles.services import article_create
from comments.models import Comment

from .a11y import axe_violations, violations_text
from .helpers import fill_guest_form

pytestmark = pytest.mark.django_db(transaction=True)

LOCALE = Path(settings.BASE_DIR) / "locale"
# Words no German or Ukrainian sentence uses: any of them on the page is English left over,
# whether or not the code marked it for translation.
ENGLISH_WORDS = re.compile(
    r"\b(the|and|of|to|your|you|with|this|is|are|for|by|or|not|it|has|have|comments?|"
    r"reply|replies|name|email|required|log|sign|report|follow|notify|save|post|leave|"
    r"newest|oldest|best|show|language|change|skip|content|ago|updates?|website|"
    r"January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b",
    re.I,
)

WRITTEN = {
    "de": {
        "locale": "de-DE",
        "title": "Fähren im Winter",
        "body": "## Fahrplan\n\nDie Fähre fährt im Winter seltener, aber sie fährt.",
        "earlier": "Fährt sie auch an Feiertagen?",
        "earlier_name": "Jana",
        "text": "Danke für den Hinweis auf die Feiertage.",
        "name": "Lukas",
        "posted": "veröffentlicht",
    },
    "uk": {
        "locale": "uk-UA",
        "title": "Пороми взимку",
        "body": "## Розклад\n\nВзимку пором ходить рідше, але ходить.",
        "earlier": "А у свята він теж ходить?",
        "earlier_name": "Олена",
        "text": "Дякую, що написали про свята.",
        "name": "Тарас",
        "posted": "опубліковано",
    },
}


def english_left(page, language: str) -> list[str]:
    """English words of the interface in what the reader sees (or hears: hidden text for
    screen readers counts), ignoring words these languages share with English."""
    text = page.evaluate("document.body.textContent")
    found = {match.lower() for match in ENGLISH_WORDS.findall(text)}
    catalogue = translated_ids(language)
    return sorted(found - catalogue)


def translated_ids(language: str) -> set[str]:
    """Single words the catalogue translates as themselves (not English left over)."""
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog
    return {
        key.lower() for key, value in catalogue.items()
        if isinstance(key, str) and key == value and " " not in key
    }  # fmt: skip


@pytest.fixture
def written_article(request, post):
    words = WRITTEN[request.param]
    article = article_create(
        title=words["title"], body=words["body"], authors=[], publish=True,
        language=request.param,
    )  # fmt: skip
    post(article, words["earlier"], name=words["earlier_name"])
    return request.param, words, article


@pytest.mark.parametrize("written_article", ["de", "uk"], indirect=True)
def test_the_article_page_and_its_form_speak_the_readers_language(
    live_server, new_page, written_article
):
    """Asked for by the browser, the page, the form, its errors and the verdict on a post
    are all in the reader's language."""
    language, words, article = written_article
    page = new_page(locale=words["locale"])
    page.goto(live_server.url + article.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert page.locator("#reply-title").inner_text() != "Leave a Reply"
    assert english_left(page, language) == []
    violations = axe_violations(page)
    assert violations == [], violations_text(violations)

    # Sent empty, past the browser's own checks (their bubbles are Chromium's words): the
    # server's error summary.
    page.evaluate("document.getElementById('commentform').noValidate = true")
    page.click("#submit")
    expect(page.locator("#error-summary")).to_be_visible()
    page.wait_for_load_state()  # all of the refused post's page, not the part parsed so far
    assert english_left(page, language) == []

    fill_guest_form(page, words["text"], words["name"])
    page.click("#submit")
    page.wait_for_url("**#c*")
    comment = Comment.objects.get(user_name=words["name"])
    expect(page.locator(f"#c{comment.pk} .comment-status")).to_contain_text(words["posted"])
    assert english_left(page, language) == []


@pytest.mark.parametrize("written_article", ["de"], indirect=True)
def test_the_check_finds_the_english_interface(live_server, new_page, written_article):
    """The same German article read by an English browser: its interface is English and the
    check above says so (it is not blind)."""
    _language, _words, article = written_article
    page = new_page(locale="en-GB")
    page.goto(live_server.url + article.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")
    left = english_left(page, "de")
    assert {"reply", "leave", "email", "comment", "the"} <= set(left)


@pytest.mark.parametrize("language", ["de", "uk"])
def test_the_account_pages_use_allauths_own_translations(live_server, new_page, language):
    """Signing up, logging in and resetting a password: allauth's words come from allauth's
    catalogues, Parley's from its own, and none is left in English."""
    page = new_page(locale=WRITTEN[language]["locale"])
    for path in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        page.goto(live_server.url + path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert english_left(page, language) == [], path
