from django import forms

from .models import Report


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        choices=Report.Reason.choices, widget=forms.RadioSelect, label="What is wrong with it?"
    )
    note = forms.CharField(
        required=False,
        max_length=500,
        label="Anything a moderator should know? (optional)",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )


class BanForm(forms.Form):
    DURATIONS = [("1", "1 day"), ("7", "7 days"), ("30", "30 days"), ("", "Until lifted")]

    ban_account = forms.BooleanField(required=False, label="The account")
    ban_email = forms.BooleanField(required=False, label="The email address")
    ban_ip = forms.BooleanField(required=False, label="The IP address")
    reason = forms.CharField(
        max_length=500, widget=forms.Textarea(attrs={"rows": 3}), label="Reason (for the log)"
    )
    duration = forms.ChoiceField(choices=DURATIONS, required=False, initial="7", label="For")
    shadow = forms.BooleanField(
        required=False,
        label="Shadow-ban: let them keep posting; only they see their comments",
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
            raise forms.ValidationError("Choose what to ban.")
        return cleaned
