"""Atom and RSS feeds: published articles, and one article's follow-up updates."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from core.feeds import SiteFeed
from core.text import strip_control_characters

from .models import Article, ArticleUpdate


def _day(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y")


class ArticlesFeed(SiteFeed):
    feed_type = Rss201rev2Feed
    url_name = "feed_articles_rss"
    title = "Parley: latest articles"
    description = "Articles published on Parley, newest first."

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


class ArticlesAtomFeed(ArticlesFeed):
    feed_type = Atom1Feed
    url_name = "feed_articles_atom"
    subtitle = ArticlesFeed.description


class ArticleUpdatesFeed(SiteFeed):
    feed_type = Rss201rev2Feed
    url_name = "feed_updates_rss"

    def get_object(self, request, slug: str) -> Article:
        return get_object_or_404(Article.objects.published(), slug=slug)

    def title(self, article: Article) -> str:
        return f"Updates: {strip_control_characters(article.title)}"

    def link(self, article: Article) -> str:
        return self.site_link(article.get_absolute_url())

    def description(self, article: Article) -> str:
        return f"Follow-up updates to “{article.title}”."

    def items(self, article: Article):
        return ArticleUpdate.objects.filter(article=article).order_by("-published_at")[:50]

    def item_title(self, item: ArticleUpdate) -> str:
        title = f"Update, {_day(item.published_at)}"
        return f"{title} (withdrawn)" if item.is_withdrawn else title

    def item_description(self, item: ArticleUpdate) -> str:
        # A withdrawn update's text is gone from the feed as from the page.
        if item.is_withdrawn:
            return f"<p>Withdrawn on {_day(item.withdrawn_at)}.</p>"
        html = strip_control_characters(item.body_html)
        if item.corrected_at:
            html += f"<p><em>Corrected on {_day(item.corrected_at)}.</em></p>"
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
