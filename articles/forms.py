import uuid
from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Article

# PositiveSmallIntegerField's upper bound on every database Django supports.
MAX_CLOSE_AFTER_DAYS = 32767
# How far ahead an article may be scheduled: far enough for any plan, near enough that no
# typed year (9999) overflows a date once converted to UTC.
MAX_SCHEDULE_AHEAD = timedelta(days=5 * 366)
# What <input type="datetime-local"> sends, and shows when given.
LOCAL_DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def language_choices() -> list[tuple[str, str]]:
    """The languages an article may be written in, each named in itself; the empty choice
    is the site's language (LANGUAGE_CODE), named as well."""
    site = dict(settings.LANGUAGES).get(settings.LANGUAGE_CODE, settings.LANGUAGE_CODE)
    blank = _("The site's language (%(language)s)") % {"language": site}
    return [("", blank), *settings.LANGUAGES]


class ArticleForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        error_messages={"required": gettext_lazy("Give the article a title.")},
    )
    standfirst = forms.CharField(
        label=gettext_lazy("Standfirst"),
        required=False,
        help_text=gettext_lazy("One or two sentences shown under the title and on the front page."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = forms.CharField(
        label=gettext_lazy("Body (Markdown)"),
        help_text=gettext_lazy("Headings (##), lists, links, emphasis, quotes."),
        error_messages={"required": gettext_lazy("Write the article before saving it.")},
        widget=forms.Textarea(attrs={"rows": 20}),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=language_choices,
        required=False,
        help_text=gettext_lazy(
            "The language the article is written in. Its page and feeds say so, for "
            "browsers, screen readers and feed readers."
        ),
    )
    comments_open = forms.BooleanField(
        label=gettext_lazy("Comments open"), required=False, initial=True
    )
    comments_close_after_days = forms.IntegerField(
        label=gettext_lazy("Close comments after (days)"),
        required=False,
        min_value=0,
        max_value=MAX_CLOSE_AFTER_DAYS,
        help_text=gettext_lazy("Days after publication. Empty: the site's default; 0: never."),
    )
    # The article's version the form was filled from: a save from an older one is refused
    # (services.article_edit), so two authors never silently overwrite each other.
    loaded_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    # New for each page drawn: creating an article, a second POST carrying it lands on the
    # draft the first one made (services.article_create_once). Unused when editing.
    submission = forms.UUIDField(required=False, initial=uuid.uuid4, widget=forms.HiddenInput)

    @staticmethod
    def initial_for(article: Article) -> dict:
        """The form's starting values for an existing article."""
        return {
            # ISO with its offset: as a datetime it would be shown in local time, which
            # is ambiguous for an hour each autumn.
            "loaded_at": article.updated_at.isoformat(),
            "title": article.title,
            "standfirst": article.standfirst,
            "body": article.body,
            "language": article.language,
            "comments_open": article.comments_open,
            "comments_close_after_days": article.comments_close_after_days,
        }


class UpdateForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Update (Markdown)"),
        error_messages={"required": gettext_lazy("Write the update before publishing it.")},
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    # New for each page drawn: a second POST carrying it lands on the update the first one
    # posted. Not required, so a form drawn before it existed still posts.
    submission = forms.UUIDField(required=False, initial=uuid.uuid4, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        # Distinct ids: the comment form lives on the same page.
        kwargs.setdefault("auto_id", "id_update_%s")
        super().__init__(*args, **kwargs)


class UpdateCorrectionForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Corrected update (Markdown)"),
        error_messages={
            "required": gettext_lazy("Write the corrected update, or withdraw it instead.")
        },
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    # The update_text_digest of the text the page showed: the same text arriving again after
    # the stored one changed from that is the author's own save sent twice, not a save of
    # nothing (services.update_correct).
    loaded = forms.CharField(required=False, widget=forms.HiddenInput)
    notify_followers = forms.BooleanField(
        label=gettext_lazy("Notify followers of this correction"),
        required=False,
        initial=False,
        help_text=gettext_lazy(
            "Leave it unticked for a typo fix. Either way the update shows "
            "“Corrected on” with today's date."
        ),
    )


class ScheduleForm(forms.Form):
    # Its field belongs to the article form, whose Save and Publish now need no time: a
    # browser's required check would stop them. The time is checked here when scheduling.
    use_required_attribute = False

    publish_at = forms.DateTimeField(
        label=gettext_lazy("Publish on"),
        input_formats=[LOCAL_DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        # Sent with the article form (the edit page's id): scheduling saves the text shown.
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "form": "article-form"}, format=LOCAL_DATETIME_FORMAT
        ),
        error_messages={
            "required": gettext_lazy("Choose the date and time to publish on."),
            "invalid": gettext_lazy("Enter a date and time, such as 2026-05-04 09:30."),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_schedule_%s")
        super().__init__(*args, **kwargs)
        # The browser's picker shows no time zone: say which one the time is read in.
        now = timezone.localtime()
        self.fields["publish_at"].help_text = _(
            "In the site's time zone, %(zone)s (it is %(time)s there now)."
        ) % {"zone": timezone.get_current_timezone_name(), "time": time_format(now, "H:i")}

    def clean_publish_at(self):
        when = self.cleaned_data["publish_at"]
        now = timezone.now()
        if when <= now:
            raise forms.ValidationError(_("Choose a time in the future, or publish it now."))
        if when > now + MAX_SCHEDULE_AHEAD:
            raise forms.ValidationError(_("Choose a time within the next five years."))
        return when
