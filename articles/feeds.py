"""Atom and RSS feeds: published articles, and one article's follow-up updates.

A feed is written in one language whoever fetches it: an aggregator fetches it once for all
its subscribers, so neither its words nor the language it declares follow the fetcher's
Accept-Language. An article's feeds speak the article's language (the site's when it has
none); the feed of all articles speaks the site's.
"""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from core.feeds import SiteFeed
from core.text import strip_control_characters

from .authoring import date_text
from .models import Article, ArticleUpdate


def article_language(article: Article | None) -> str:
    """The language an article is written in: its own, else the site's."""
    return (article.language if article is not None else "") or settings.LANGUAGE_CODE


class LanguageAtom1Feed(Atom1Feed):
    """Atom whose entries may name their own language (xml:lang) when it is not the feed's."""

    def item_attributes(self, item):
        attributes = super().item_attributes(item)
        if item.get("language"):
            attributes["xml:lang"] = item["language"]
        return attributes


class LanguageFeed(SiteFeed):
    """A feed written, and declared (RSS <language>, Atom xml:lang), in `feed_language`."""

    def feed_language(self, obj) -> str:
        return article_language(obj)

    def get_feed(self, obj, request):
        # Everything the feed says is made into text here, so it is all in one language;
        # Feed declares get_language(), which the override sets too.
        with translation.override(self.feed_language(obj)):
            return super().get_feed(obj, request)


class ArticlesFeed(LanguageFeed):
    feed_type = Rss201rev2Feed
    url_name = "feed_articles_rss"

    def title(self) -> str:
        return _("Parley: latest articles")

    def description(self) -> str:
        return _("Articles published on Parley, newest first.")

    def link(self):
        return self.site_link(reverse("articles:list"))

    def item_link(self, item: Article) -> str:
        return self.site_link(item.get_absolute_url())

    def items(self):
        return Article.objects.published().order_by("-published_at")[:30]

    def item_title(self, item: Article) -> str:
        return strip_control_characters(item.title)

    def item_description(self, item: Article) -> str:
        return strip_control_characters(item.body_html)

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.updated_at

    def item_extra_kwargs(self, item: Article) -> dict:
        # Read by LanguageAtom1Feed; RSS has no per-item language and ignores it.
        if item.language and item.language != settings.LANGUAGE_CODE:
            return {"language": item.language}
        return {}


class ArticlesAtomFeed(ArticlesFeed):
    feed_type = LanguageAtom1Feed
    url_name = "feed_articles_atom"

    def subtitle(self) -> str:
        return self.description()


class ArticleUpdatesFeed(LanguageFeed):
    feed_type = Rss201rev2Feed
    url_name = "feed_updates_rss"

    def get_object(self, request, slug: str) -> Article:
        return get_object_or_404(Article.objects.published(), slug=slug)

    def title(self, article: Article) -> str:
        return _("Updates: %(title)s") % {"title": strip_control_characters(article.title)}

    def link(self, article: Article) -> str:
        return self.site_link(article.get_absolute_url())

    def description(self, article: Article) -> str:
        return _("Follow-up updates to “%(title)s”.") % {
            "title": strip_control_characters(article.title)
        }

    def items(self, article: Article):
        updates = ArticleUpdate.objects.live().filter(article=article).order_by("-published_at")
        updates = list(updates[:50])
        # Each entry's link names the article: the one already read, not a query per entry.
        for update in updates:
            ArticleUpdate.article.field.set_cached_value(update, article)
        return updates

    def item_title(self, item: ArticleUpdate) -> str:
        date = {"date": date_text(item.published_at)}
        if item.is_withdrawn:
            return _("Update, %(date)s (withdrawn)") % date
        return _("Update, %(date)s") % date

    def item_description(self, item: ArticleUpdate) -> str:
        # A withdrawn update's text is gone from the feed as from the page.
        if item.is_withdrawn:
            withdrawn = _("Withdrawn on %(date)s.") % {"date": date_text(item.withdrawn_at)}
            return f"<p>{withdrawn}</p>"
        html = strip_control_characters(item.body_html)
        if item.corrected_at:
            corrected = _("Corrected on %(date)s.") % {"date": date_text(item.corrected_at)}
            html += f"<p><em>{corrected}</em></p>"
        return html

    def item_updateddate(self, item: ArticleUpdate):
        return item.withdrawn_at or item.corrected_at or item.published_at

    def item_link(self, item: ArticleUpdate) -> str:
        return self.site_link(f"{item.article.get_absolute_url()}#update-{item.pk}")

    def item_pubdate(self, item: ArticleUpdate):
        return item.published_at


class ArticleUpdatesAtomFeed(ArticleUpdatesFeed):
    feed_type = Atom1Feed
    url_name = "feed_updates_atom"
