"""System checks for settings that only hurt once the site is public."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning

PLACEHOLDER_HOSTS = {"localhost", "127.0.0.1", "::1"}
# Names reserved for examples and tests (RFC 2606, RFC 6761), any host under them included:
# .env.example's https://comments.example.com is one.
PLACEHOLDER_DOMAINS = (
    "example.com", "example.net", "example.org", "example", "test", "invalid", "localhost",
)  # fmt: skip


def _placeholder(host: str | None) -> bool:
    if not host or host in PLACEHOLDER_HOSTS:
        return True
    host = host.rstrip(".").lower()
    return any(host == name or host.endswith(f".{name}") for name in PLACEHOLDER_DOMAINS)


def site_url_check(app_configs=None, **kwargs) -> list[Warning]:
    """In production, PARLEY_SITE_URL must name the public site: every link in Parley's
    emails and feeds is built on it."""
    if settings.DEBUG:
        return []
    parts = urlsplit(settings.PARLEY_SITE_URL)
    if _placeholder(parts.hostname):
        return [
            Warning(
                f"PARLEY_SITE_URL is {settings.PARLEY_SITE_URL!r}: links in emails and feeds "
                "would point there instead of at this site.",
                hint="Set PARLEY_SITE_URL to the address readers reach this site at.",
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


def hash_key_check(app_configs=None, **kwargs) -> list[Warning]:
    """After a rotation, the kept hashes are under the oldest fallback key until
    PARLEY_HASH_KEY names it: dropping that fallback would change them all."""
    if settings.DEBUG or settings.PARLEY_HASH_KEY or not settings.SECRET_KEY_FALLBACKS:
        return []
    return [
        Warning(
            "PARLEY_HASH_KEY is not set, so the keyed hashes Parley keeps (guests' votes, "
            "verified guests' history, notes and bans on an address) are made under the last "
            "key in SECRET_KEY_FALLBACKS: removing it from there would lose them all.",
            hint="Set PARLEY_HASH_KEY to the last key in SECRET_KEY_FALLBACKS.",
            id="parley.W003",
        )
    ]
