"""Links in emails: signed JSON with an expiry (django.core.signing), never pickle.

Each purpose has its own salt, so a token made for one action cannot be used for another.
"""

from django.core import signing
from django.utils.translation import gettext as _

MAX_AGE = {
    "follow_confirm": 60 * 60 * 48,
    "reply_confirm": 60 * 60 * 48,
    "manage": 60 * 60 * 48,
    "unsubscribe": 60 * 60 * 24 * 180,
}


class TokenInvalid(Exception):
    """The link was altered, made for something else, or has expired."""


def token_make(purpose: str, **data) -> str:
    """A URL-safe signed token carrying `data` for one purpose."""
    return signing.dumps(data, salt=f"parley.readers.{purpose}", compress=True)


def token_read(purpose: str, token: str) -> dict:
    """The data of a valid, unexpired token for this purpose; TokenInvalid otherwise."""
    try:
        data = signing.loads(token, salt=f"parley.readers.{purpose}", max_age=MAX_AGE[purpose])
    except signing.SignatureExpired as error:
        raise TokenInvalid(_("This link has expired.")) from error
    except signing.BadSignature as error:
        raise TokenInvalid(_("This link is not valid.")) from error
    if not isinstance(data, dict):
        raise TokenInvalid(_("This link is not valid."))
    return data
