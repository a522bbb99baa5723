"""Keyed hashes: how Parley keeps and compares things it must not store in clear (addresses,
secrets), and the keys that say who a request or a comment's author is."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils.crypto import salted_hmac


def hashing_key() -> str:
    """The key keyed hashes are made under: PARLEY_HASH_KEY, else the oldest of
    SECRET_KEY_FALLBACKS, else SECRET_KEY."""
    # Kept hashes (voter keys, a verified guest's author key, notes and bans on an address)
    # are compared with ones made later from the same value, and a keyed hash cannot be
    # carried over to a new key, so their key must outlive a rotation of SECRET_KEY. A site
    # that never set PARLEY_HASH_KEY made its hashes under its first SECRET_KEY, which a
    # rotation done as the README says leaves last in SECRET_KEY_FALLBACKS (newest first).
    if settings.PARLEY_HASH_KEY:
        return settings.PARLEY_HASH_KEY
    fallbacks = settings.SECRET_KEY_FALLBACKS
    return fallbacks[-1] if fallbacks else settings.SECRET_KEY


def keyed_hash(purpose: str, value: str, *, secret: str | None = None) -> str:
    """An HMAC of `value` under the hashing key (or `secret`), salted per purpose so hashes
    made for one use cannot be matched against another's."""
    return salted_hmac(f"parley.{purpose}", value, secret=secret or hashing_key()).hexdigest()


def keyed_hashes(purpose: str, value: str) -> set[str]:
    """keyed_hash under the hashing key, SECRET_KEY and each of SECRET_KEY_FALLBACKS."""
    # Hashes made before the hashing key stopped following SECRET_KEY (on a site rotated
    # since) are under SECRET_KEY or a fallback: what they stand for (a ban, an emailed
    # link) still holds.
    secrets = {hashing_key(), settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS}
    return {keyed_hash(purpose, value, secret=secret) for secret in secrets}


def requester_key(*, user: AbstractBaseUser | None, address: str | None, purpose: str) -> str:
    """One key per requester: the account, or a keyed hash of the client address."""
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "ip:" + keyed_hash(purpose, address or "unknown")[:40]


def author_key_for(*, user_id: int | None = None, verified_email: str = "") -> str:
    """Who a comment's author provably is: an account, a guest address confirmed through a
    link in this browser (kept as a keyed hash, never the address), or "" for nobody known.
    History and trust attach to this key only: a typed email proves nothing."""
    if user_id:
        return f"user:{user_id}"
    if verified_email:
        return "email:" + keyed_hash("author", verified_email.strip().lower())[:40]
    return ""
