"""Readers own their comments: edit inside the window, delete any time, and claim a guest's
comments once a link proved the address."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from comments.models import Comment, CommentStatus
from comments.services import comment_text_set, comments_claim, comments_erase
from moderation.services import (
    comment_edited,
    comments_transition,
    staff_edits_forget,
    training_examples_forget,
)

from ..selectors import comment_edit_refusal, comments_of

S = CommentStatus


class EditClosed(Exception):
    """The comment can no longer be edited (too old, or not in an editable state)."""


def comment_edit(*, comment: Comment, text: str) -> Comment:
    """Change a comment's text inside the edit window; it is marked edited and scored again
    (unless people hold it: moderation.services.edits)."""
    refusal = comment_edit_refusal(comment)
    if refusal:
        raise EditClosed(refusal)
    with transaction.atomic():
        comment_text_set(comment_id=comment.pk, text=text, edited=True)
        comment_edited(comment_id=comment.pk)
    comment.refresh_from_db()
    return comment


def comment_delete(*, comment: Comment) -> bool:
    """Delete a comment at its author's request: its words and personal details are erased;
    if it has replies, a "[deleted]" placeholder keeps the thread whole."""
    if comment.status == S.DELETED:
        return False
    return bool(comments_delete(comment_ids=[comment.pk]))


def comments_delete(*, comment_ids: list[int]) -> int:
    """comment_delete for many comments, in a fixed number of statements: they move
    together, then their words and details are erased together (those deleted before are
    erased again). Returns how many were deleted now."""
    with transaction.atomic():
        events = comments_transition(
            comment_ids=comment_ids,
            to_status=S.DELETED,
            actor_label="author",
            reasons=[{"code": "deleted", "reason": "deleted by its author"}],
        )
        comments_erase(comment_ids=comment_ids)
        training_examples_forget(comment_ids=comment_ids)
        staff_edits_forget(model=Comment, object_ids=comment_ids)
    return len(events)


def comments_delete_all(*, user: AbstractBaseUser | None = None, email: str = "") -> int:
    """Delete every comment of a reader (as one is deleted, all in one go)."""
    return comments_delete(
        comment_ids=list(comments_of(user=user, email=email).values_list("pk", flat=True))
    )


def email_proven(*, email: str, own_ids: frozenset[int]) -> int:
    """A browser followed a link sent to `email`: the comments it posted with that address
    now belong to a known author. Returns how many were attached."""
    return comments_claim(email=email, comment_ids=own_ids)
