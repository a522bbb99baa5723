"""Screening and judging a would-be comment before it is stored, through the site's hooks.

`PARLEY_COMMENT_SCREEN` (the moderation app's bans, by default) may refuse a poster;
`PARLEY_COMMENT_JUDGE` (the moderation app's scorer, by default) may decide a new comment's
status before it is stored, so that it is stored once with its verdict. Both are resolved the
way COMMENTS_APP is: the comments app asks without depending on the app that answers.
"""

from collections.abc import Callable
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


def comment_author_screen(comment, *, user=None) -> Screening:
    """Ask the screening hook about a stored comment's author now, as it would about their
    next comment: a ban made since posting applies to what they change (an edit is scored
    again, and could publish new words). `user` is the author's account when the caller has
    it and `comment` does not load it (a section row carries only its id)."""
    return comment_screen(
        user=(user or comment.user) if comment.user_id else None,
        email=comment.user_email,
        ip_address=comment.ip_address,
    )


@dataclass(frozen=True)
class Copies:
    """Earlier comments with the same text: the newest few, as dicts of their columns."""

    rows: list[dict]


@dataclass(frozen=True)
class Judgement:
    """A new comment's status, decided before it is stored, and how to record why: `record`
    is called with the stored comment inside the transaction that stored it."""

    status: str
    record: Callable[[object], None]


def comment_judge_prepare(*, text: str) -> object | None:
    """Let the judging hook work out, before the comment's transaction opens, what needs only
    its text (the moderation app's: the spam model's answer), so the transaction is short.
    What it returns goes back to it with the comment; None if the hook has no such step."""
    if not settings.PARLEY_COMMENT_JUDGE:
        return None
    prepare = getattr(import_string(settings.PARLEY_COMMENT_JUDGE), "prepare", None)
    return prepare(text=text) if prepare is not None else None


def comment_judge(*, comment, copies: Copies, prepared: object | None = None) -> Judgement | None:
    """Ask the judging hook about a comment about to be stored. None leaves it pending,
    to be judged once stored (by a worker, or by nobody without a hook)."""
    if not settings.PARLEY_COMMENT_JUDGE:
        return None
    hook = import_string(settings.PARLEY_COMMENT_JUDGE)
    # Only a hook with a `prepare` step takes what it prepared.
    extra = {"prepared": prepared} if prepared is not None else {}
    return hook(comment=comment, copies=copies, **extra)
