from django import forms

from .models import Article

# PositiveSmallIntegerField's upper bound on every database Django supports.
MAX_CLOSE_AFTER_DAYS = 32767


class ArticleForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Give the article a title."},
    )
    standfirst = forms.CharField(
        label="Standfirst",
        required=False,
        help_text="One or two sentences shown under the title and on the front page.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = forms.CharField(
        label="Body (Markdown)",
        help_text="Headings (##), lists, links, emphasis, quotes.",
        error_messages={"required": "Write the article before saving it."},
        widget=forms.Textarea(attrs={"rows": 20}),
    )
    comments_open = forms.BooleanField(label="Comments open", required=False, initial=True)
    comments_close_after_days = forms.IntegerField(
        label="Close comments after (days)",
        required=False,
        min_value=0,
        max_value=MAX_CLOSE_AFTER_DAYS,
        help_text="Days after publication. Empty: the site's default; 0: never.",
    )

    @staticmethod
    def initial_for(article: Article) -> dict:
        """The form's starting values for an existing article."""
        return {
            "title": article.title,
            "standfirst": article.standfirst,
            "body": article.body,
            "comments_open": article.comments_open,
            "comments_close_after_days": article.comments_close_after_days,
        }


class UpdateForm(forms.Form):
    body = forms.CharField(
        label="Update (Markdown)",
        error_messages={"required": "Write the update before publishing it."},
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, **kwargs):
        # Distinct ids: the comment form lives on the same page.
        kwargs.setdefault("auto_id", "id_update_%s")
        super().__init__(*args, **kwargs)
