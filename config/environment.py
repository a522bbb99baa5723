"""Reading the environment: a value that cannot be read stops Parley with a sentence naming
the variable and what it should look like, not a traceback from the parser.

A site owner edits /etc/parley/parley.env by hand; `PARLEY_TRUSTED_PROXY_COUNT=one` used to
stop every command with "invalid literal for int() with base 10: 'one'", naming no
variable, and a malformed rate limit was only found by the first reader posting a comment
(a 500). Values are never echoed where they may hold a password (URLs).
"""

import re
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

_RATE = re.compile(r"\d+/[1-9]\d*")
_KINDS = {int: "a whole number", float: "a number"}
# django-environ reads any word outside its "true" list as false, so DEBUG=maybe or DEBUG=Ture
# quietly meant production (and DEBUG=off, for SECURE_SSL_REDIRECT, something else again).
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


class Env(environ.Env):
    """django-environ, with each unreadable value reported by its variable's name."""

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except (ValueError, TypeError):
            kind = _KINDS.get(cast, "a value of this kind")
            raise ImproperlyConfigured(
                f"{var}={self.ENVIRON.get(var, '')!r} is not {kind}."
            ) from None

    def bool(self, var, default=environ.Env.NOTSET):
        """A switch: 1, true, yes or on; 0, false, no or off (any case). Anything else is
        refused rather than read as off."""
        if var not in self.ENVIRON:
            return self.get_value(var, cast=bool, default=default)
        value = self.ENVIRON[var].strip().lower()
        if value not in _TRUE + _FALSE:
            raise ImproperlyConfigured(
                f"{var}={self.ENVIRON[var]!r} is not a switch: write 1, true, yes or on to "
                "turn it on, 0, false, no or off to turn it off."
            )
        return value in _TRUE

    def rate(self, var: str, *, default: str) -> str:
        """A rate limit as "count/seconds" ("0/60" switches it off)."""
        value = self.str(var, default=default).strip()
        if value and not _RATE.fullmatch(value):
            raise ImproperlyConfigured(
                f"{var}={value!r} is not a rate: write count/seconds, e.g. {default} "
                "(0/60 switches the limit off)."
            )
        return value

    def choice(self, var: str, *, default: str, choices: tuple[str, ...]) -> str:
        """One of `choices`: a value outside them is refused, not quietly read as another."""
        value = self.str(var, default=default).strip()
        if value not in choices:
            raise ImproperlyConfigured(f"{var}={value!r} is not one of {', '.join(choices)}.")
        return value

    def database(self, var: str, url: str) -> dict:
        """Django's DATABASES entry for a database URL, refused whole when it names no
        engine Django has or no database."""
        example = f"{var} must look like postgres://user:password@host:5432/parley"
        scheme = url.partition("://")[0]
        if scheme not in self.DB_SCHEMES:
            raise ImproperlyConfigured(f"{example}; its scheme {scheme!r} is not a database.")
        config = self.db_url_config(url)
        if not config.get("NAME"):
            raise ImproperlyConfigured(f"{example}; it names no database.")
        return config

    def redis_part(self, var: str, *, shared: str, db_var: str, db: int) -> str:
        """The Redis URL of one part of the site (broker, cache or live streams): its own
        variable when set, so that part can have a Redis of its own, else the shared
        REDIS_URL with the part's logical database; empty when there is no Redis."""
        own = self.str(var, default="").strip()
        if not own:
            if not shared:
                return ""
            return urlsplit(shared)._replace(path=f"/{self.int(db_var, default=db)}").geturl()
        if not shared:
            raise ImproperlyConfigured(
                f"{var} is set but REDIS_URL is not: set REDIS_URL as well (the Redis the "
                "other parts use). Without REDIS_URL Parley runs embedded, with no Redis."
            )
        scheme = own.partition("://")[0]
        if scheme not in ("redis", "rediss", "unix"):
            raise ImproperlyConfigured(
                f"{var} must look like redis://host:6379/0; its scheme {scheme!r} is not Redis."
            )
        return own
