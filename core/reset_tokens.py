"""Password reset keys that name the address they were mailed to. Kept out of core.accounts:
that imports allauth's forms, which import this generator (ACCOUNT_PASSWORD_RESET_TOKEN_
GENERATOR) as they load."""

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import PasswordResetTokenGenerator

from .keys import keyed_hash


def reset_address_digest(user: AbstractBaseUser, email: str) -> str:
    """Which of the account's addresses a password reset link was mailed to, unforgeable
    without the hashing key (core.keys.hashing_key)."""
    return keyed_hash("reset.address", f"{user.pk}:{email.strip().lower()}")[:24]


def reset_key_parts(token: str) -> tuple[str, str]:
    """A reset key's Django token and the address digest after it ("" in a key without)."""
    token = token or ""
    timestamp, _, rest = token.partition("-")
    signature, _, digest = rest.partition("-")
    return f"{timestamp}-{signature}", digest


class ResetTokenGenerator(PasswordResetTokenGenerator):
    """Django's password reset token; a key may carry the address digest after it."""

    def check_token(self, user, token) -> bool:
        return super().check_token(user, reset_key_parts(token)[0])
