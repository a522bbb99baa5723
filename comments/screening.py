"""Screening a would-be comment before it is stored, through the site's hook.

`PARLEY_COMMENT_SCREEN` names a function (the moderation app's bans, by default) resolved the
way COMMENTS_APP is: the comments app asks it without depending on the app that answers.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Screening:
    refused: bool = False  # the poster may not comment
    until: datetime | None = None  # when a refusal ends, if it does
    shadow: bool = False  # store it visible to its poster only


def comment_screen(*, user, email: str, ip_address: str | None) -> Screening:
    """Ask the screening hook about a would-be comment; with no hook, nothing is refused."""
    if not settings.PARLEY_COMMENT_SCREEN:
        return Screening()
    hook = import_string(settings.PARLEY_COMMENT_SCREEN)
    return hook(user=user, email=email, ip_address=ip_address)
