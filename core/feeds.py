"""The base of Parley's feeds: every link in them points at PARLEY_SITE_URL.

Django's syndication framework prefixes relative links with the Sites framework's domain and
the request's scheme; absolute ones it leaves alone, so links are made absolute here.
"""

from django.contrib.syndication.views import Feed

from .http import absolute_url, site_url


class SiteFeed(Feed):
    url_name = ""  # the feed's own URL name; an object's slug is its argument

    def feed_url(self, obj) -> str:
        return absolute_url(self.url_name, *([obj.slug] if obj is not None else []))

    def site_link(self, path: str) -> str:
        return site_url(path)
