"""Articles declare the language they are written in; the pages around them, and their dates,
follow the reader's."""

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from articles.models import Article
from articles.services import article_create, article_edit, update_publish
from core.roles import AUTHORS_GROUP

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MARCH = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)


@pytest.fixture
def german(author) -> Article:
    article = article_create(
        title="Neue Brücke",
        standfirst="Die Stadt baut.",
        body="Der Bau beginnt im Mai.",
        language="de",
        authors=[author],
        publish=True,
        published_at=MARCH,
    )
    update_publish(article=article, author=author, body="Der Bau hat begonnen.", when=MARCH)
    return article


def lang_of(html: str, marker: str) -> str | None:
    """The `lang` attribute of the element whose opening tag contains `marker`."""
    tag = re.search(rf"<[^>]*{re.escape(marker)}[^>]*>", html).group(0)
    found = re.search(r'\blang="([^"]+)"', tag)
    return found and found.group(1)


def test_article_content_carries_its_language_and_the_page_the_readers(client, german):
    """The title, standfirst, body and updates say lang="de"; the page itself, its byline
    and its headings stay in the reader's language."""
    html = client.get(german.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert re.search(r'<html lang="uk">', html)
    for marker in ('class="article-title"', 'class="standfirst"', 'class="article-body"'):
        assert lang_of(html, marker) == "de", marker
    assert lang_of(html, 'class="timeline-body"') == "de"
    assert lang_of(html, 'class="meta"') is None
    assert lang_of(html, 'id="updates-title"') is None


def test_an_article_without_a_language_adds_no_lang_attribute(client, article):
    """An article in the site's language adds no `lang` of its own."""
    html = client.get(article.get_absolute_url()).content.decode()
    assert lang_of(html, 'class="article-title"') is None
    assert lang_of(html, 'class="article-body"') is None


def test_the_front_page_marks_each_teaser_with_its_language(client, german, article):
    """On the list, a German article's title says lang="de"; one in the site's says nothing."""
    html = client.get("/").content.decode()
    assert re.search(r'<h2 lang="de"><a href="[^"]+">Neue Brücke</a></h2>', html)
    assert f'<h2><a href="{article.get_absolute_url()}">' in html


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en-gb", "27 March 2026"), ("de", "27. März 2026"), ("uk", "27 березня 2026 р.")],  # noqa: RUF001
)
def test_dates_are_written_the_readers_way_inside_time(client, german, language, shown):
    """Dates follow the reader's language, and each sits in <time datetime> with ISO 8601."""
    html = client.get(german.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    times = re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', html)
    assert ("2026-03-27T09:00:00+00:00", shown) in times
    assert len([t for t in times if t[1] == shown]) >= 2, "the article's date and its update's"


def test_the_editor_saves_and_shows_the_language(client, author):
    """The author's editor offers the site's languages, saves the chosen one and shows it
    chosen when the article is opened again; choosing none means the site's."""
    client.force_login(author)
    form = client.get(reverse("articles:author_new")).content.decode()
    assert '<select name="language"' in form
    assert "The site&#x27;s language (English)" in form and ">Deutsch<" in form
    fields = {"title": "Брифінг", "body": "Текст.", "comments_open": "on", "language": "uk"}
    response = client.post(reverse("articles:author_new"), fields)
    assert response.status_code == 302
    article = Article.objects.get(title="Брифінг")
    assert article.language == "uk"
    page = client.get(reverse("articles:author_edit", args=[article.pk])).content.decode()
    assert re.search(r'<option value="uk" selected>', page)
    client.post(reverse("articles:author_edit", args=[article.pk]), {**fields, "language": ""})
    article.refresh_from_db()
    assert article.language == ""


def test_the_editor_refuses_a_language_the_site_does_not_offer(client, author):
    """A language outside LANGUAGES is an error on the form, and nothing is saved."""
    client.force_login(author)
    fields = {"title": "Bonjour", "body": "Texte.", "language": "fr"}
    response = client.post(reverse("articles:author_new"), fields)
    assert response.status_code == 400
    assert not Article.objects.filter(title="Bonjour").exists()


def test_the_editors_preview_carries_the_chosen_language(client, author):
    """The unsaved preview marks the text with the language chosen in the form."""
    client.force_login(author)
    fields = {"title": "Vorschau", "body": "Text.", "language": "de", "preview": "1"}
    html = client.post(reverse("articles:author_new"), fields).content.decode()
    assert lang_of(html, 'class="author-preview-heading"') == "de"
    assert lang_of(html, 'class="article-body"') == "de"


def test_an_edit_that_names_no_language_keeps_it(german):
    """A service caller that says nothing of the language leaves it as it was."""
    article_edit(
        article=german,
        title=german.title,
        standfirst="",
        body="Neu.",
        comments_open=True,
        comments_close_after_days=None,
    )
    german.refresh_from_db()
    assert german.language == "de"


def test_the_admin_saves_the_language(client, make_user):
    """The admin's article form has the language and stores it."""
    staff = make_user("editor", groups=[AUTHORS_GROUP], is_staff=True, is_superuser=True)
    client.force_login(staff)
    add = client.get("/admin/articles/article/add/").content.decode()
    assert 'name="language"' in add and "The site&#x27;s language (English)" in add
    response = client.post(
        "/admin/articles/article/add/",
        {
            "title": "Aus dem Admin",
            "slug": "aus-dem-admin",
            "body": "Text.",
            "language": "de",
            "status": "draft",
            "comments_open": "on",
            "authors": [staff.pk],
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Article.objects.get(slug="aus-dem-admin").language == "de"


def feed(client, url: str, **headers) -> ET.Element:
    response = client.get(url, **headers)
    assert response.status_code == 200
    return ET.fromstring(response.content)


@pytest.mark.parametrize("kind", ["updates", "comments"])
def test_an_articles_feeds_declare_its_language(client, german, kind):
    """Its RSS feeds say <language>de</language> and its Atom feeds xml:lang="de", and
    their own words are German too, whatever language the feed reader asks for."""
    rss = feed(client, f"/articles/{german.slug}/{kind}.rss", HTTP_ACCEPT_LANGUAGE="uk")
    assert rss.findtext("channel/language") == "de"
    atom = feed(client, f"/articles/{german.slug}/{kind}.atom", HTTP_ACCEPT_LANGUAGE="uk")
    assert atom.get(XML_LANG) == "de"


def test_the_update_feed_writes_dates_in_the_articles_language(client, german):
    """An update's title in a German article's feed carries a German date."""
    atom = feed(client, f"/articles/{german.slug}/updates.atom", HTTP_ACCEPT_LANGUAGE="en")
    titles = [entry.findtext(f"{ATOM}title") for entry in atom.iter(f"{ATOM}entry")]
    assert len(titles) == 1 and "27. März 2026" in titles[0]


@pytest.mark.parametrize("kind", ["updates", "comments"])
def test_feeds_of_an_article_without_a_language_declare_the_sites(client, article, kind):
    """With no language of its own, an article's feeds declare the site's LANGUAGE_CODE,
    not the language of whoever fetched them."""
    rss = feed(client, f"/articles/{article.slug}/{kind}.rss", HTTP_ACCEPT_LANGUAGE="de")
    assert rss.findtext("channel/language") == "en-gb"
    atom = feed(client, f"/articles/{article.slug}/{kind}.atom", HTTP_ACCEPT_LANGUAGE="de")
    assert atom.get(XML_LANG) == "en-gb"


def test_the_articles_feed_is_the_sites_and_marks_entries_in_other_languages(
    client, german, article
):
    """The feed of all articles declares the site's language; in Atom, an entry written in
    another language says so with its own xml:lang."""
    rss = feed(client, "/feeds/articles.rss", HTTP_ACCEPT_LANGUAGE="uk")
    assert rss.findtext("channel/language") == "en-gb"
    atom = feed(client, "/feeds/articles.atom", HTTP_ACCEPT_LANGUAGE="uk")
    assert atom.get(XML_LANG) == "en-gb"
    entries = {e.findtext(f"{ATOM}title"): e.get(XML_LANG) for e in atom.iter(f"{ATOM}entry")}
    assert entries == {"Neue Brücke": "de", article.title: None}
