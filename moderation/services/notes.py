"""Moderators' private notes on commenters: kept for moderators' eyes only."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from comments.models import Comment

from ..models import CommenterNote
from ..selectors_commenters import commenter_keys
from .audit import staff_edits_record_deletion


class NoteNotPossible(Exception):
    """Nothing identifies the commenter (no account, email or IP address) to keep a note on."""


def commenter_note_add(*, comment: Comment, text: str, actor: AbstractBaseUser) -> CommenterNote:
    """Keep a note on the author of `comment`, under the identity the queue recognises them by."""
    note = _note_for(comment, text=text, actor=actor)
    if note is None:
        raise NoteNotPossible(_("Nothing identifies this commenter to keep a note on."))
    note.save()
    return note


def commenter_notes_add(*, texts: dict[int, str], actor: AbstractBaseUser) -> list[int]:
    """commenter_note_add for several comments' authors at once (the notes a moderator typed
    in the queue before pressing another of its buttons), in two statements; returns the ids
    of the comments noted. One whose author nothing identifies gets none."""
    comments = Comment.objects.only("author_key", "user_email", "ip_address").in_bulk(list(texts))
    notes = [
        note
        for comment_id, text in texts.items()
        if comment_id in comments
        and (note := _note_for(comments[comment_id], text=text, actor=actor)) is not None
    ]
    CommenterNote.objects.bulk_create(notes)
    return [note.comment_id for note in notes]


def _note_for(comment: Comment, *, text: str, actor: AbstractBaseUser) -> CommenterNote | None:
    """The (unsaved) note on the author of `comment`; None if nothing identifies them."""
    keys = commenter_keys(comment)
    if not keys:
        return None
    return CommenterNote(
        subject_key=keys[0],
        text=text,
        comment=comment,
        author=actor,
        author_label=actor.get_username(),
    )


def commenter_note_delete(*, note_id: int, actor: AbstractBaseUser) -> bool:
    """Delete a note, in the audit log as `actor`'s edit with what it said (any moderator may
    delete any note, so who took a colleague's warning away is on record); False if it was
    already gone."""
    with transaction.atomic():
        notes = list(CommenterNote.objects.select_for_update().filter(pk=note_id))
        if not notes:
            return False
        staff_edits_record_deletion(actor=actor, instances=notes)
        notes[0].delete()
    return True
