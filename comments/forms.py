"""The "Leave a Reply" form: xtd's signed form (security hash, timestamp, honeypot, reply_to)
with WordPress's fields and wording, optional email, and http/https-only websites."""

from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator, URLValidator
from django.utils.translation import gettext_lazy, ngettext_lazy
from django_comments_xtd.forms import XtdCommentForm

from core.fields import TextareaField
from core.ids import parse_id

# WordPress's order and wrapper classes, which themes written for it style.
WORDPRESS_FIELDS = {
    "comment": "comment-form-comment",
    "name": "comment-form-author",
    "email": "comment-form-email",
    "url": "comment-form-url",
    "remember": "comment-form-cookies-consent",
    "followup": "comment-form-followup",
}

# The number that picks the plural form is the limit, as in Django's own message. Built once:
# a lazy plural keyed by name makes a new proxy class on every call, half a millisecond of
# each form.
TOO_LONG = ngettext_lazy(
    "Please keep your comment under %(limit_value)d character (it has %(show_value)d).",
    "Please keep your comment under %(limit_value)d characters (it has %(show_value)d).",
    "limit_value",
)


class WebsiteField(forms.URLField):
    """A URL field that accepts only http and https addresses."""

    default_validators = [URLValidator(schemes=["http", "https"])]
    default_error_messages = {
        "invalid": gettext_lazy("Enter a web address starting with http:// or https://.")
    }


class CommentIdField(forms.IntegerField):
    """A comment id as a page sends it: ASCII digits only, where int() would also take "١٢"."""

    default_error_messages = {
        "invalid": gettext_lazy("The comment you are replying to does not exist here.")
    }

    def to_python(self, value):
        if value in self.empty_values or str(value).strip() == "0":
            return 0
        number = parse_id(value)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


def _email_verified(user) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


class CommentForm(XtdCommentForm):
    url = WebsiteField(
        label=gettext_lazy("Website"), required=False, max_length=200, assume_scheme="https"
    )
    remember = forms.BooleanField(
        required=False,
        label=gettext_lazy(
            "Save my name, email, and website in this browser for the next time I comment."
        ),
    )

    def __init__(self, target_object, data=None, initial=None, *, user=None, **kwargs):
        super().__init__(target_object, data=data, initial=initial, **kwargs)
        self.user = user if user is not None and user.is_authenticated else None
        fields = self.fields
        fields["followup"].label = gettext_lazy("Notify me of follow-up comments by email.")
        fields["followup"].widget = forms.CheckboxInput()

        fields["comment"] = TextareaField(
            label=gettext_lazy("Comment"),
            max_length=settings.COMMENT_MAX_LENGTH,
            widget=forms.Textarea(
                attrs={"rows": 8, "maxlength": settings.COMMENT_MAX_LENGTH, "required": True}
            ),
        )
        fields["comment"].error_messages["required"] = gettext_lazy("Please write a comment.")
        fields["comment"].error_messages["max_length"] = TOO_LONG
        fields["name"].label = gettext_lazy("Name")
        fields["name"].widget = forms.TextInput(
            attrs={"maxlength": 50, "autocomplete": "name", "required": True}
        )
        fields["name"].error_messages["required"] = gettext_lazy("Please enter your name.")
        email_required = settings.PARLEY_COMMENT_EMAIL_REQUIRED
        fields["email"].label = gettext_lazy("Email")
        fields["email"].required = email_required
        fields["email"].help_text = ""
        # As long as an address may be: a longer one was cut to fit and stored as another.
        fields["email"].max_length = 254
        fields["email"].validators.append(MaxLengthValidator(254))
        fields["email"].widget = forms.EmailInput(
            attrs={
                "maxlength": 254,
                "autocomplete": "email",
                # "Your email address will not be published." (the form's notes), as
                # WordPress ties it to the field.
                "aria-describedby": "email-notes",
                **({"required": True} if email_required else {}),
            }
        )
        fields["url"].label = gettext_lazy("Website")
        fields["url"].widget = forms.URLInput(attrs={"maxlength": 200, "autocomplete": "url"})
        fields["reply_to"] = CommentIdField(required=False, widget=forms.HiddenInput())
        if "reply_to" in self.initial:
            fields["reply_to"].initial = self.initial["reply_to"]
        fields["honeypot"].label = gettext_lazy("Leave this field empty")
        fields["honeypot"].widget = forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
        if self.user is not None:
            for name in ("name", "email", "url", "remember"):
                del fields[name]
            if not getattr(self.user, "email", ""):
                del fields["followup"]  # nowhere to send them
            elif not _email_verified(self.user):
                # Replies are emailed only to a confirmed address (readers.selectors).
                fields["followup"].help_text = gettext_lazy(
                    "Your email address is not confirmed yet: no email can be sent to it until "
                    "you confirm it from your account's email page."
                )
        for name, wrapper_class in WORDPRESS_FIELDS.items():
            if name in fields:
                fields[name].wrapper_class = wrapper_class
        self.order_fields(WORDPRESS_FIELDS)

    def clean(self):
        cleaned = super().clean()
        wants_replies = cleaned.get("followup") and "email" in self.fields
        if wants_replies and not cleaned.get("email") and "email" not in self.errors:
            self.add_error(
                "email", gettext_lazy("Enter your email address to be notified of replies.")
            )
        return cleaned

    def clean_reply_to(self) -> int:
        return self.cleaned_data.get("reply_to") or 0

    def security_problem(self) -> str | None:
        """Why the signed part failed: "expired", "honeypot", "forged" or None if it passed.

        "expired" means the hash is genuine but the form is older than COMMENTS_TIMEOUT: the
        reader left the page open, so their text is kept and the form is signed afresh.
        """
        errors = self.errors
        if any(name in errors for name in ("content_type", "object_pk", "security_hash")):
            return "forged"
        if "honeypot" in errors:
            return "honeypot"
        if "timestamp" in errors:
            # The hash matched the submitted timestamp, so only its age is wrong... unless
            # the timestamp was not a number, which a browser never sends.
            return "expired" if str(self.data.get("timestamp", "")).isdigit() else "forged"
        return None

    def resigned(self) -> "CommentForm":
        """A copy of this bound form with a fresh timestamp and security hash."""
        data = self.data.copy()
        data.update(self.generate_security_data())
        return type(self)(self.target_object, data=data, user=self.user)
