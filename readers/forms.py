from django import forms
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from comments.forms import TOO_LONG
from core.account_names import COMMENT_NAME_MAX_LENGTH, comment_name_of_account
from core.fields import TextareaField
from core.text import one_line

# What following or unfollowing did is said inside the follow box, where the redirect lands
# (#follow), not at the top of a long page. The tag contains "comment-notice", which the
# article page's messages block leaves to the parts of the page they are about.
FOLLOW_NOTICE_TAG = "comment-notice-follow"


class FollowForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "placeholder": _("you@example.com")}
        ),
    )


class CommentEditForm(forms.Form):
    comment = TextareaField(
        label=_("Comment"),
        max_length=settings.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
        error_messages={
            "required": _("Please write a comment (or delete it instead)."),
            # The comment form's own words for it, not Django's "Ensure this value has…".
            "max_length": TOO_LONG,
        },
    )


class ManageLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("The email address you gave with your comments"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "required": True}),
    )


class DeleteAllForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, delete all my comments. This cannot be undone."),
        error_messages={"required": _("Tick the box to confirm.")},
    )


NAME_TOO_LONG = ngettext_lazy(
    "Please keep your name to %(limit)d character, as your comments show it (it has %(count)d).",
    "Please keep your name to %(limit)d characters, as your comments show it (it has %(count)d).",
    "limit",
)


NAME_OF_ANOTHER = _(
    "“%(name)s” reads as the name of another registered reader. Please choose another name."
)


class DisplayNameForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)

    def __init__(self, *args, user: AbstractBaseUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        # Each comment keeps the name it was posted under in a column of this size: a longer
        # name would be cut short on every comment, not shown as the page says it will be.
        limit = COMMENT_NAME_MAX_LENGTH
        first, last = (
            one_line(cleaned.get("first_name", "")),
            one_line(cleaned.get("last_name", "")),
        )
        shown = f"{first} {last}".strip()
        field = "last_name" if last else "first_name"
        if len(shown) > limit:
            self.add_error(field, NAME_TOO_LONG % {"limit": limit, "count": len(shown)})
        elif comment_name_of_account(shown, other_than=self.user.pk):
            # Guests may not post under an account's name (comments.forms); neither may
            # another account, or "admin" was one display name away, with a Member badge.
            self.add_error(field, NAME_OF_ANOTHER % {"name": shown})
        return cleaned
