from django import forms
from django.utils.translation import gettext_lazy as _

from .models import WebhookEvent
from .models.webhooks import EVENT_WORDS
from .services.webhooks import WebhookURLRefused, webhook_url_check


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where to POST: a Slack or Discord incoming webhook, or your own endpoint."),
    )
    events = forms.MultipleChoiceField(
        label=_("Tell it when a comment is"),
        choices=[(event.value, EVENT_WORDS[event]) for event in WebhookEvent],
        widget=forms.CheckboxSelectMultiple,
        initial=[WebhookEvent.HELD, WebhookEvent.REPORTED],
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            webhook_url_check(url)
        except WebhookURLRefused as refused:
            raise forms.ValidationError(str(refused)) from refused
        return url
