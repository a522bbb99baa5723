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
