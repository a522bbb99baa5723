from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from comments.models import CommentStatus

from .selectors_search import CommentSearch


def _date_field(label: Promise, invalid: Promise) -> forms.DateField:
    # type=date gives a date picker; a browser without one sends what was typed, and the
    # error says which format is wanted.
    return forms.DateField(
        required=False,
        label=label,
        help_text=_("YYYY-MM-DD"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": invalid},
    )


class CommentSearchForm(forms.Form):
    """The moderators' search: any field narrows it; a blank form searches for nothing."""

    # The query string says from= and to=, which Python cannot name a field.
    HTML_NAMES = {"date_from": "from", "date_to": "to"}

    q = forms.CharField(required=False, max_length=200, label=_("Words in the comment"))
    name = forms.CharField(required=False, max_length=50, label=_("Author name starts with"))
    email = forms.EmailField(required=False, label=_("Email (exact)"))
    ip = forms.GenericIPAddressField(
        required=False, unpack_ipv4=True, label=_("IP address (exact)")
    )
    article = forms.ModelChoiceField(
        queryset=Article.objects.only("pk", "title").order_by("title"),
        required=False,
        label=_("Article"),
        empty_label=_("Any article"),
    )
    status = forms.ChoiceField(
        choices=[("", _("Any status")), *CommentStatus.choices], required=False, label=_("Status")
    )
    date_from = _date_field(_("Posted from"), _("Enter the start date as YYYY-MM-DD."))
    date_to = _date_field(_("Posted until"), _("Enter the end date as YYYY-MM-DD."))

    def add_prefix(self, field_name: str) -> str:
        return super().add_prefix(self.HTML_NAMES.get(field_name, field_name))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned

    def search(self) -> CommentSearch:
        """The valid form as a search (call after is_valid())."""
        data = self.cleaned_data
        return CommentSearch(
            text=data["q"].strip(),
            name=data["name"].strip(),
            email=data["email"],
            ip_address=data["ip"] or "",
            article=data["article"],
            status=data["status"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
