"""The audit log's filters: who decided, what changed, on which comment."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comments.models import CommentStatus

from .reasons import ACTORS, actor_shown
from .selectors_queue import AuditFilter, audit_actor_labels

# What a decision did: the status it moved a comment to, or a ban placed or lifted.
CHANGES = [
    ("", _("Any change")),
    *[
        (status, label)
        for status, label in CommentStatus.choices
        if status != CommentStatus.PENDING
    ],
    ("ban", pgettext_lazy("audit log change", "ban")),
    ("unban", pgettext_lazy("audit log change", "ban lifted")),
]


class AuditFilterForm(forms.Form):
    """Narrow the log of decisions; a blank form lists them all."""

    who = forms.ChoiceField(required=False, label=_("Who"))
    change = forms.ChoiceField(
        required=False, choices=CHANGES, label=pgettext_lazy("audit log column", "Change")
    )
    comment = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        label=_("Comment number"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Everyone who has decided anything, as the log names them.
        self.fields["who"].choices = [
            ("", _("Anyone")),
            *[
                (label, actor_shown(label, person=label not in ACTORS))
                for label in audit_actor_labels()
            ],
        ]

    def audit_filter(self) -> AuditFilter:
        """The valid form as the log's filter (call after is_valid())."""
        data = self.cleaned_data
        return AuditFilter(who=data["who"], change=data["change"], comment_id=data["comment"])
