from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import TextareaField

NOTE_MAX_LENGTH = 2000


class CommenterNoteForm(forms.Form):
    """A moderator's private note on a commenter; prefixed per queue item ("note-<id>")."""

    text = TextareaField(
        max_length=NOTE_MAX_LENGTH,
        label=_("Private note for moderators"),
        help_text=_("Never shown to readers or to the commenter."),
        error_messages={"required": _("Write the note before adding it.")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
