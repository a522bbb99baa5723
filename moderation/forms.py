from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.fields import TextareaField

from .models import Report


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        choices=Report.Reason.choices, widget=forms.RadioSelect, label=_("What is wrong with it?")
    )
    note = TextareaField(
        required=False,
        max_length=500,
        label=_("Anything a moderator should know? (optional)"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )


def _durations() -> list[tuple[str, str]]:
    """How long a ban lasts, in the reader's language: days, or until lifted."""
    days = [
        (str(n), ngettext("%(count)s day", "%(count)s days", n) % {"count": n}) for n in (1, 7, 30)
    ]
    return [*days, ("", _("Until lifted"))]


class BanForm(forms.Form):
    ban_account = forms.BooleanField(required=False, label=_("The account"))
    ban_email = forms.BooleanField(required=False, label=_("The email address"))
    ban_ip = forms.BooleanField(required=False, label=_("The IP address"))
    reason = forms.CharField(
        max_length=500, widget=forms.Textarea(attrs={"rows": 3}), label=_("Reason (for the log)")
    )
    duration = forms.ChoiceField(choices=_durations, required=False, initial="7", label=_("For"))
    shadow = forms.BooleanField(
        required=False,
        label=_("Shadow-ban: let them keep posting; only they see their comments"),
    )

    def __init__(self, *args, comment=None, **kwargs):
        super().__init__(*args, **kwargs)
        if comment is not None:
            shown = {
                "ban_account": comment.user.get_username() if comment.user_id else "",
                "ban_email": comment.user_email,
                "ban_ip": comment.ip_address or "",
            }
            for name, value in shown.items():
                if value:
                    self.fields[name].label = f"{self.fields[name].label} ({value})"
                else:
                    del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in ("ban_account", "ban_email", "ban_ip")):
            raise forms.ValidationError(_("Choose what to ban."))
        return cleaned
