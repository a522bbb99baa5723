"""Readers' own account details beyond what allauth keeps."""

from django.contrib.auth.models import AbstractBaseUser

from core.text import strip_control_characters


def user_display_name_set(*, user: AbstractBaseUser, first_name: str, last_name: str) -> None:
    """Change the name shown on a reader's new comments and, for authors, their bylines."""
    user.first_name = strip_control_characters(first_name).strip()[:150]
    user.last_name = strip_control_characters(last_name).strip()[:150]
    user.save(update_fields=["first_name", "last_name"])
