from django import forms
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.accounts import account_verified_email
from core.fields import TextareaField

from .models import Ban, Report
from .selectors_bans import bans_in_force


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        label=_("What is wrong with it?"),
        error_messages={"required": _("Choose what is wrong with the comment.")},
    )
    note = TextareaField(
        required=False,
        max_length=500,
        label=_("Anything a moderator should know? (optional)"),
        # No maxlength: a browser cuts a paste at it without a word (core.fields).
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _durations() -> list[tuple[str, str]]:
    """How long a ban lasts, in the reader's language: days, or until lifted."""
    days = [
        (str(n), ngettext("%(count)s day", "%(count)s days", n) % {"count": n}) for n in (1, 7, 30)
    ]
    return [*days, ("", _("Until lifted"))]


def _ban_in_force_text(ban) -> str:
    """What the ban form says of a ban already in force on what it offers to ban."""
    if ban.expires_at is None:
        text = (
            gettext("Already shadow-banned until lifted; a new ban takes its place.")
            if ban.shadow
            else gettext("Already banned until lifted; a new ban takes its place.")
        )
        return text
    text = (
        gettext("Already shadow-banned until %(date)s; a new ban takes its place.")
        if ban.shadow
        else gettext("Already banned until %(date)s; a new ban takes its place.")
    )
    return text % {"date": date_format(localtime(ban.expires_at), "DATETIME_FORMAT")}


BAN_TARGETS = ("ban_account", "ban_email", "ban_ip")


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
            email = comment.user_email
            if comment.user_id and email and account_verified_email(comment.user) != email.lower():
                # Posted before comments kept only an account's verified address: the one
                # it carries may be anyone's, and is not the poster's to be banned by.
                email = ""
            shown = {
                "ban_account": comment.user.get_username() if comment.user_id else "",
                "ban_email": email,
                "ban_ip": comment.ip_address or "",
            }
            for name, value in shown.items():
                if value:
                    self.fields[name].label = f"{self.fields[name].label} ({value})"
                else:
                    del self.fields[name]
            in_force = bans_in_force(
                user=comment.user if comment.user_id else None,
                email=email,
                ip_address=comment.ip_address,
            )
            for ban in in_force:
                name = {Ban.Kind.ACCOUNT: "ban_account", Ban.Kind.EMAIL: "ban_email"}.get(
                    ban.kind, "ban_ip"
                )
                if name in self.fields:
                    self.fields[name].help_text = _ban_in_force_text(ban)

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in BAN_TARGETS):
            gone = [name for name in BAN_TARGETS if name not in self.fields and self.data.get(name)]
            if gone:
                # Offered when the form was drawn, no longer kept now (its author deleted the
                # comment, or the IP address was cleared): "choose" would say nothing was.
                raise forms.ValidationError(
                    _(
                        "What you chose to ban is no longer kept for this comment (its author "
                        "deleted it, or its IP address was cleared): choose from what is left."
                    )
                )
            raise forms.ValidationError(_("Choose what to ban."))
        return cleaned
