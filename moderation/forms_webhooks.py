from django import forms

from .models import WebhookEvent
from .services.webhooks import WebhookURLRefused, webhook_url_check


class WebhookForm(forms.Form):
    url = forms.URLField(
        label="Address",
        max_length=500,
        assume_scheme="https",
        help_text="Where to POST: a Slack or Discord incoming webhook, or your own endpoint.",
    )
    events = forms.MultipleChoiceField(
        label="Tell it when a comment is",
        choices=[(event.value, event.label.removeprefix("Comment ")) for event in WebhookEvent],
        widget=forms.CheckboxSelectMultiple,
        initial=[WebhookEvent.HELD, WebhookEvent.REPORTED],
    )
    active = forms.BooleanField(label="Active", required=False, initial=True)

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            webhook_url_check(url)
        except WebhookURLRefused as refused:
            raise forms.ValidationError(str(refused)) from refused
        return url
