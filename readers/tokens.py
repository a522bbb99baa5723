"""Links in emails: signed JSON with an expiry (django.core.signing), never pickle.

Each purpose has its own salt, so a token made for one action cannot be used for another.
A link that acts on one row (a follow, an author's digest) names it by its id and by a
keyed hash of the address it was sent to: a restored backup gives rows new ids, and an id
alone would then name another reader's row.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.keys import keyed_hash, keyed_hashes

MAX_AGE = {
    "follow_confirm": 60 * 60 * 48,
    "reply_confirm": 60 * 60 * 48,
    "manage": 60 * 60 * 48,
    "unsubscribe": 60 * 60 * 24 * 180,
}
# The keys that name a row by its id; such a link also carries the address's hash as "to".
ROW_KEYS = ("follow", "author_digest")


class TokenInvalid(Exception):
    """The link was altered, made for something else, or has expired."""


class TokenSpent(TokenInvalid):
    """A link that works once, used already."""


class TokenBeforeRestore(TokenInvalid):
    """A link that names a row by its id alone, sent before this site's data was restored
    from a backup: the id may be another reader's row now."""


def address_digest(email: str) -> str:
    """What a link says of the address it was sent to (a keyed hash, never the address)."""
    return keyed_hash("readers.link", email.strip().lower())[:32]


def address_digests(email: str) -> set[str]:
    """What a link sent to this address may say of it: address_digest under any key it may
    have been made under (core.keys.keyed_hashes), so links emailed before a key rotation
    still work."""
    return {digest[:32] for digest in keyed_hashes("readers.link", email.strip().lower())}


def token_make(purpose: str, **data) -> str:
    """A URL-safe signed token carrying `data` for one purpose."""
    return signing.dumps(data, salt=f"parley.readers.{purpose}", compress=True)


def token_for_follow(purpose: str, *, follow) -> str:
    """A token naming a follow by its id, its article and the address it was sent to."""
    return token_make(
        purpose, follow=follow.pk, article=follow.article_id, to=address_digest(follow.email)
    )


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
    if "to" not in data and any(key in data for key in ROW_KEYS):
        _id_only_link_check(token)
    return data


def _id_only_link_check(token: str) -> None:
    # Links from before addresses were signed too: still good where no backup was restored
    # since they were sent (unsubscribe links live 180 days and readers rely on them), but
    # one sent before a restore may come from the backup's site, where the id was another
    # row. Its signature is good, so its timestamp can be trusted.
    hook = settings.PARLEY_RESTORED_AT
    restored = import_string(hook)() if hook else None
    if restored is None:
        return
    signed = datetime.fromtimestamp(signing.b62_decode(token.rsplit(":", 2)[1]), tz=UTC)
    if signed <= restored:
        raise TokenBeforeRestore(
            _(
                "This link was sent before this site's data was restored from a backup, so "
                "it can no longer be used."
            )
        )
