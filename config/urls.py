"""URL map. django-comments-xtd's own URLs (confirmation and mute links with pickled,
never-expiring tokens, and its unauthenticated API) are deliberately not mounted."""

from django.contrib import admin
from django.urls import include, path, register_converter

from articles import feeds as article_feeds
from comments import feeds as comment_feeds
from core.ids import IdConverter

# Registered before the apps' URL modules are imported by include() below.
register_converter(IdConverter, "id")

urlpatterns = [
    path("feeds/articles.rss", article_feeds.ArticlesFeed(), name="feed_articles_rss"),
    path("feeds/articles.atom", article_feeds.ArticlesAtomFeed(), name="feed_articles_atom"),
    path(
        "articles/<slug:slug>/updates.rss",
        article_feeds.ArticleUpdatesFeed(),
        name="feed_updates_rss",
    ),
    path(
        "articles/<slug:slug>/updates.atom",
        article_feeds.ArticleUpdatesAtomFeed(),
        name="feed_updates_atom",
    ),
    path(
        "articles/<slug:slug>/comments.rss",
        comment_feeds.ArticleCommentsFeed(),
        name="feed_comments_rss",
    ),
    path(
        "articles/<slug:slug>/comments.atom",
        comment_feeds.ArticleCommentsAtomFeed(),
        name="feed_comments_atom",
    ),
    path("", include("readers.urls")),
    path("", include("articles.urls")),
    path("comments/", include("comments.urls")),
    path("moderation/", include("moderation.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
