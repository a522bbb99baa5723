"""URL map. django-comments-xtd's own URLs (confirmation and mute links with pickled,
never-expiring tokens, and its unauthenticated API) are deliberately not mounted."""

from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.decorators.cache import cache_control
from django.views.i18n import JavaScriptCatalog

from articles import feeds as article_feeds
from comments import feeds as comment_feeds
from core.ids import IdConverter
from health.views import HealthView

# Registered before the apps' URL modules are imported by include() below.
register_converter(IdConverter, "id")

# Each feed in RSS and Atom: (address without extension, RSS feed, Atom feed, name).
FEEDS = [
    ("feeds/articles", article_feeds.ArticlesFeed, article_feeds.ArticlesAtomFeed,
     "feed_articles"),
    ("articles/<slug:slug>/updates", article_feeds.ArticleUpdatesFeed,
     article_feeds.ArticleUpdatesAtomFeed, "feed_updates"),
    ("articles/<slug:slug>/comments", comment_feeds.ArticleCommentsFeed,
     comment_feeds.ArticleCommentsAtomFeed, "feed_comments"),
]  # fmt: skip

urlpatterns = [
    *(
        path(f"{address}.{kind}", feed(), name=f"{name}_{kind}")
        for address, rss, atom, name in FEEDS
        for kind, feed in (("rss", rss), ("atom", atom))
    ),
    path("", include("readers.urls")),
    path("", include("articles.urls")),
    path("comments/", include("comments.urls")),
    path("moderation/", include("moderation.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", HealthView.as_view(), name="healthz"),
    # The footer's language switcher posts here (django.views.i18n.set_language).
    path("i18n/", include("django.conf.urls.i18n")),
    # Pages ask for it as ?l=<language>, so a browser keeps one copy per language.
    path(
        "jsi18n/",
        cache_control(max_age=86400)(JavaScriptCatalog.as_view()),
        name="javascript-catalog",
    ),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
