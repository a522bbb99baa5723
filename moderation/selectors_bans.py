"""Who is banned: the keyed hashes bans are kept as (never an address), and the bans in force
against a poster, read from the cache."""

import ipaddress
from contextlib import suppress

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from core.http import address_network
from core.keys import keyed_hash, keyed_hashes

from .cached import BanEntry, bans_cached
from .models import Ban


def ban_hash(kind: str, value: str) -> str:
    """The keyed hash a banned email or IP address is kept as (never the address itself). An
    IP address is hashed in its standard form: "2001:DB8:0:0::1" typed in the admin is the
    "2001:db8::1" a poster's address is recorded as; an IPv6 address as its /64, which one
    subscriber holds whole and can rotate through (core.http.address_network)."""
    return keyed_hash(f"ban.{kind}", _ban_form(kind, value))


def _ban_form(kind: str, value: str) -> str:
    value = value.strip().lower()
    if kind == Ban.Kind.IP:
        value = address_network(value) or value
    return value


def ban_hashes(kind: str, value: str) -> set[str]:
    """The hashes a ban on this email or IP address may be kept as: ban_hash under the
    hashing key, and under SECRET_KEY and each earlier one (core.keys.keyed_hashes), so that
    no rotation of the key lifts a ban."""
    return keyed_hashes(f"ban.{kind}", _ban_form(kind, value))


def ip_ban_hashes(ip_address: str) -> set[str]:
    """The hashes an IP ban on this address may be kept as: ban_hashes, and for IPv6 the
    exact address, as bans made before they covered the /64 were kept."""
    hashes = ban_hashes(Ban.Kind.IP, ip_address)
    with suppress(ValueError):
        exact = ipaddress.ip_address(ip_address).compressed
        hashes |= keyed_hashes(f"ban.{Ban.Kind.IP}", exact)
    return hashes


def bans_in_force(
    *, user: AbstractBaseUser | None = None, email: str = "", ip_address: str | None = None
) -> list[BanEntry]:
    """The bans in force against this account, email or IP address (from the cache)."""
    bans = bans_cached()
    # Hashed only for a kind some ban has: each hash is several keyed HMACs (and an IP
    # address parsed), on every post, and most sites ban no one or only accounts.
    kinds = {ban.kind for ban in bans}
    wanted = set()
    if user is not None and user.is_authenticated:
        wanted.add((Ban.Kind.ACCOUNT, user.pk))
    if email and Ban.Kind.EMAIL in kinds:
        wanted.update((Ban.Kind.EMAIL, value) for value in ban_hashes(Ban.Kind.EMAIL, email))
    if ip_address and Ban.Kind.IP in kinds:
        wanted.update((Ban.Kind.IP, value) for value in ip_ban_hashes(ip_address))
    now = timezone.now()
    return [
        ban
        for ban in bans
        if (ban.kind, ban.user_id if ban.kind == Ban.Kind.ACCOUNT else ban.value_hash) in wanted
        and (ban.expires_at is None or ban.expires_at > now)
    ]


def ban_for(
    *, user: AbstractBaseUser | None = None, email: str = "", ip_address: str | None = None
) -> BanEntry | None:
    """The ban in force against this poster, hard bans first, if any (from the cache)."""
    if user is not None and user.is_authenticated:
        email = email or getattr(user, "email", "")
    matches = bans_in_force(user=user, email=email, ip_address=ip_address)
    return min(matches, key=lambda ban: (ban.shadow, -ban.pk), default=None)
