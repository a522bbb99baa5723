"""Readers own their comments: edit inside the window, delete any time, and claim a guest's
comments once a link proved the address."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from comments.models import Comment, CommentStatus
from comments.services import comment_erase, comment_text_set, comments_claim
from moderation.services import (
    comment_edited,
    comment_transition,
    staff_edits_forget,
    training_example_forget,
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
    with transaction.atomic():
        event = comment_transition(
            comment_id=comment.pk,
            to_status=S.DELETED,
            actor_label="author",
            reasons=[{"code": "deleted", "reason": "deleted by its author"}],
        )
        comment_erase(comment_id=comment.pk)
        training_example_forget(comment_id=comment.pk)
        staff_edits_forget(model=Comment, object_id=comment.pk)
    return event is not None


def comments_delete_all(*, user: AbstractBaseUser | None = None, email: str = "") -> int:
    """Delete every comment of a reader (each through the same deletion as one)."""
    deleted = 0
    for comment in list(comments_of(user=user, email=email)):
        deleted += comment_delete(comment=comment)
    return deleted


def email_proven(*, email: str, own_ids: frozenset[int]) -> int:
    """A browser followed a link sent to `email`: the comments it posted with that address
    now belong to a known author. Returns how many were attached."""
    return comments_claim(email=email, comment_ids=own_ids)
