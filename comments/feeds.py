"""Atom and RSS feeds of one article's published comments, in the article's language (see
articles/feeds.py: a feed does not follow the language of whoever fetches it)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from articles.feeds import LanguageFeed
from articles.models import Article
from core.text import strip_control_characters

from .models import Comment, CommentStatus


class ArticleCommentsFeed(LanguageFeed):
    feed_type = Rss201rev2Feed
    url_name = "feed_comments_rss"

    def get_object(self, request, slug: str) -> Article:
        return get_object_or_404(Article.objects.published(), slug=slug)

    def title(self, article: Article) -> str:
        return _("Comments on %(title)s") % {"title": strip_control_characters(article.title)}

    def link(self, article: Article) -> str:
        return self.site_link(f"{article.get_absolute_url()}#comments")

    def description(self, article: Article) -> str:
        return _("The latest published comments on “%(title)s”.") % {
            "title": strip_control_characters(article.title)
        }

    def items(self, article: Article):
        return (
            Comment.objects.filter(article=article, status=CommentStatus.PUBLISHED)
            .only("pk", "user_name", "comment_html", "submit_date", "article_id")
            .order_by("-submit_date")[:50]
        )

    def item_title(self, item: Comment) -> str:
        return _("Comment by %(name)s") % {"name": strip_control_characters(item.user_name)}

    def item_description(self, item: Comment) -> str:
        return strip_control_characters(item.comment_html)

    def item_link(self, item: Comment) -> str:
        return self.site_link(reverse("comments:permalink", args=[item.pk]))

    def item_author_name(self, item: Comment) -> str:
        return strip_control_characters(item.user_name)

    def item_pubdate(self, item: Comment):
        return item.submit_date


class ArticleCommentsAtomFeed(ArticleCommentsFeed):
    feed_type = Atom1Feed
    url_name = "feed_comments_atom"
