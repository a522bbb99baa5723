"""System checks for settings that only hurt once the site is public."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning

PLACEHOLDER_HOSTS = {"example.com", "www.example.com", "localhost", "127.0.0.1", "::1"}


def site_url_check(app_configs=None, **kwargs) -> list[Warning]:
    """In production, PARLEY_SITE_URL must name the public site: every link in Parley's
    emails and feeds is built on it."""
    if settings.DEBUG:
        return []
    parts = urlsplit(settings.PARLEY_SITE_URL)
    if parts.hostname in PLACEHOLDER_HOSTS or not parts.hostname:
        return [
            Warning(
                f"PARLEY_SITE_URL is {settings.PARLEY_SITE_URL!r}: links in emails and feeds "
                "would point there instead of at this site.",
                hint="Set PARLEY_SITE_URL to the public address, e.g. https://comments.example.org",
                id="parley.W001",
            )
        ]
    if parts.scheme != "https":
        return [
            Warning(
                "PARLEY_SITE_URL does not use https: links in emails and feeds would send "
                "readers to the site unencrypted.",
                hint="Use https://… for PARLEY_SITE_URL.",
                id="parley.W002",
            )
        ]
    return []
