"""Signals the comments app sends; other apps connect one receiver each in AppConfig.ready()."""

from dataclasses import dataclass

from django.dispatch import Signal

# Sent once a new comment's row is committed, with `comment_id`. The moderation app scores it.
comment_submitted = Signal()

# Sent before a comment is stored, with `user`, `email` and `ip_address`. A receiver returns
# a Screening to refuse the comment, or to store it visible to its poster only (a shadow-ban).
comment_screening = Signal()


@dataclass(frozen=True)
class Screening:
    refuse: str = ""  # a message for the poster; empty: not refused
    shadow: bool = False


def screen(*, user, email: str, ip_address: str | None) -> Screening:
    """Ask the receivers about a would-be comment; the strictest answer wins."""
    answers = [
        answer
        for _, answer in comment_screening.send(
            sender=None, user=user, email=email, ip_address=ip_address
        )
        if isinstance(answer, Screening)
    ]
    refusals = [answer for answer in answers if answer.refuse]
    if refusals:
        return refusals[0]
    return Screening(shadow=any(answer.shadow for answer in answers))
