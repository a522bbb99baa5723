from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comments.models import Comment

# An unproven guest's notes are kept under a keyed hash of the address, with a prefix of its
# own, so that nobody typing a regular's email reads or inherits the regular's notes.
GUEST_EMAIL = "guest-email:"
GUEST_IP = "guest-ip:"
SUBJECTS = {
    "user:": _("this account"),
    "email:": _("this confirmed guest"),
    GUEST_EMAIL: _("this email address"),
    GUEST_IP: _("this IP address"),
}


def note_subject(subject_key: str) -> str:
    """Who or what a note key stands for, as moderators read it."""
    return next((str(label) for p, label in SUBJECTS.items() if subject_key.startswith(p)), "")


class CommenterNote(models.Model):
    """A moderator's private note on a commenter, never shown to readers.

    Kept under the commenter's proven identity (`Comment.author_key`), or for a guest nobody
    confirmed under a keyed hash of the email address or IP address they used: notes on an
    unproven guest describe an address, not a person.
    """

    subject_key = models.CharField(_("subject key"), max_length=80, db_index=True)
    text = models.TextField(_("text"), max_length=2000)
    # The comment the note was written beside, for context; the note outlives it.
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_label = models.CharField(
        _("author label"), max_length=150, help_text=_("The writer's username, kept.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("commenter note")
        verbose_name_plural = _("commenter notes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Note on {self.subject_key} by {self.author_label}"

    @property
    def subject(self) -> str:
        return note_subject(self.subject_key)
