from django import forms
from django.utils.translation import gettext_lazy as _


class DataEraseForm(forms.Form):
    """Confirm erasing everything: a ticked box, and an account's password if it has one."""

    confirm = forms.BooleanField(
        label=_("Yes, delete everything. This cannot be undone."),
        error_messages={"required": _("Tick the box to confirm.")},
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password to confirm it is you.")},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # An account made by an import, or without a password, has nothing to type here.
        if user is None or not user.has_usable_password():
            del self.fields["password"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="password")
        return password
