"""Readers' own account details beyond what allauth keeps, and the upkeep of what it keeps."""

from datetime import timedelta

from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailConfirmation
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from articles.services import author_pages_refresh
from core.text import one_line


def user_display_name_set(*, user: AbstractBaseUser, first_name: str, last_name: str) -> None:
    """Change the name shown on a reader's new comments and, for authors, their bylines."""
    user.first_name = one_line(first_name)[:150]
    user.last_name = one_line(last_name)[:150]
    user.save(update_fields=["first_name", "last_name"])
    # Or readers of their articles' kept pages and shells read the old name until they expire.
    author_pages_refresh(author=user)


def email_confirmations_expire() -> None:
    """Delete the address confirmations that can no longer confirm anything."""
    # With ACCOUNT_EMAIL_CONFIRMATION_HMAC off every confirmation email leaves a row, and
    # allauth deletes none of them by itself; its own test of expiry decides which go.
    EmailConfirmation.objects.delete_expired_confirmations()
    # A row whose email failed to send keeps `sent` empty, which allauth's test never
    # counts as expired, though no one ever received its key.
    cutoff = timezone.now() - timedelta(days=allauth_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS)
    EmailConfirmation.objects.filter(sent__isnull=True, created__lt=cutoff).delete()
