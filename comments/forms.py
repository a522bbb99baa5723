"""The "Leave a Reply" form: xtd's signed form (security hash, timestamp, honeypot, reply_to)
with WordPress's fields and wording, optional email, and http/https-only websites."""

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator, URLValidator
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, ngettext_lazy
from django_comments_xtd.conf import settings as xtd_settings
from django_comments_xtd.forms import XtdCommentForm

from core.account_names import comment_name_of_account
from core.accounts import COMMENT_NAME_MAX_LENGTH, account_verified_email
from core.fields import TextareaField, UncutCharField, UncutMixin, fields_copied_cheaply
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
    "Please keep your comment to %(limit_value)d character or fewer (it has %(show_value)d).",
    "Please keep your comment to %(limit_value)d characters or fewer (it has %(show_value)d).",
    "limit_value",
)


class WebsiteField(UncutMixin, forms.URLField):
    """A URL field that accepts only http and https addresses, and a bare domain as
    WordPress does ("example.org", stored with the field's `assume_scheme`)."""

    default_validators = [URLValidator(schemes=["http", "https"])]
    default_error_messages = {"invalid": gettext_lazy(
        "Enter a web address, such as example.org; only http:// and https:// addresses are "
        "accepted."
    )}  # fmt: skip


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


GUEST_FOLLOWUP_HELP = gettext_lazy(
    "Before the first email, we send you a link to confirm your address: open it, or no "
    "email about replies will come."
)


ACCOUNT_NAME = gettext_lazy(
    "“%(name)s” is the name of a registered reader. If it is yours, log in to comment under "
    "it; otherwise choose another name."
)
# Translators: HTML: keep the link's tag and its %(url)s.
ACCOUNT_NAME_LOG_IN = gettext_lazy(
    '<a href="%(url)s">Log in</a> to post your comment from your account.'
)


SECURITY_HASH_SALT = "django.contrib.forms.CommentSecurityForm"


@fields_copied_cheaply
class CommentForm(XtdCommentForm):
    # Every field as the page shows it, declared once: building them (and xtd's own widgets,
    # replaced here) on every form was a tenth of a post's time. Only what depends on the
    # reader or the settings of the moment is set per form, in __init__.
    comment = TextareaField(
        label=gettext_lazy("Comment"),
        max_length=settings.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(
            attrs={
                "rows": 8,
                "required": True,
                "dir": "auto",
            }
        ),
        error_messages={
            "required": gettext_lazy("Please write a comment."),
            "max_length": TOO_LONG,
        },
    )
    name = UncutCharField(
        label=gettext_lazy("Name"),
        max_length=COMMENT_NAME_MAX_LENGTH,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "name",
                "required": True,
                "dir": "auto",
            }
        ),
        error_messages={"required": gettext_lazy("Please enter your name.")},
    )
    # As long as an address may be: a longer one was cut to fit and stored as another.
    email = forms.EmailField(
        label=gettext_lazy("Email"),
        max_length=254,
        validators=[MaxLengthValidator(254)],
        # "Your email address will not be published." (the form's notes), as WordPress ties
        # it to the field.
        widget=forms.EmailInput(
            attrs={"maxlength": 254, "autocomplete": "email", "aria-describedby": "email-notes"}
        ),
    )
    url = WebsiteField(
        label=gettext_lazy("Website"),
        required=False,
        max_length=200,
        assume_scheme="https",
        # Text, not type=url: browsers refuse "example.org" there, which WordPress (and this
        # field) accept. inputmode still brings the web-address keyboard on phones.
        widget=forms.TextInput(
            attrs={
                "autocomplete": "url",
                "inputmode": "url",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )
    remember = forms.BooleanField(
        required=False,
        label=gettext_lazy(
            "Save my name, email, and website in this browser for the next time I comment."
        ),
    )
    followup = forms.BooleanField(
        required=False,
        label=gettext_lazy("Notify me of follow-up comments by email."),
        widget=forms.CheckboxInput(),
    )
    reply_to = CommentIdField(required=False, widget=forms.HiddenInput())
    honeypot = forms.CharField(
        required=False,
        label=gettext_lazy("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    field_order = list(WORDPRESS_FIELDS)

    def __init__(self, target_object, data=None, initial=None, *, user=None, **kwargs):
        # xtd's __init__ only rebuilds widgets declared above; the signed part is
        # django-comments' (CommentSecurityForm), whose __init__ this does itself: it signs
        # every form, while only one drawn empty shows its signature (a bound form shows and
        # is checked against what it was sent, and resigned() signs its copy afresh).
        self.target_object = target_object
        initial = dict(initial or {})
        if data is None:
            initial.update(self.generate_security_data())
        forms.Form.__init__(self, data=data, initial=initial, **kwargs)
        self.user = user if user is not None and user.is_authenticated else None
        fields = self.fields
        fields["followup"].initial = xtd_settings.COMMENTS_XTD_DEFAULT_FOLLOWUP
        if settings.PARLEY_COMMENT_EMAIL_REQUIRED:
            fields["email"].widget.attrs["required"] = True
        else:
            fields["email"].required = False
        if "reply_to" in self.initial:
            fields["reply_to"].initial = self.initial["reply_to"]
        if self.user is None:
            # A guest's replies go only to an address confirmed by a link (readers.selectors):
            # without this, ticking the box and never opening that email meant no reply
            # email ever came, and nothing on the page had said so.
            fields["followup"].help_text = GUEST_FOLLOWUP_HELP
        else:
            for name in ("name", "email", "url", "remember"):
                del fields[name]
            if not getattr(self.user, "email", ""):
                del fields["followup"]  # nowhere to send them
            elif not account_verified_email(self.user):
                # Replies are emailed only to a confirmed address (readers.selectors).
                fields["followup"].help_text = gettext_lazy(
                    "Your email address is not confirmed yet: no email can be sent to it until "
                    "you confirm it from your account's email page."
                )

    def clean(self):
        cleaned = super().clean()
        wants_replies = cleaned.get("followup") and "email" in self.fields
        if wants_replies and not cleaned.get("email") and "email" not in self.errors:
            self.add_error(
                "email", gettext_lazy("Enter your email address to be notified of replies.")
            )
        return cleaned

    def clean_name(self) -> str:
        """A guest's name, refused when it reads as an account's (core.account_names): anyone
        could post as "admin" or as the article's author, and nothing on the comment told
        readers it was not them. A signed-in reader's form has no name field."""
        name = self.cleaned_data["name"]
        if name and comment_name_of_account(name):
            link = ACCOUNT_NAME_LOG_IN % {"url": escape(self._log_in_url())}
            help_text = mark_safe(link)  # noqa: S308 - its one value escaped
            # The bound field read its help text when the form began cleaning.
            self.fields["name"].help_text = self["name"].help_text = help_text
            raise forms.ValidationError(ACCOUNT_NAME, code="account_name", params={"name": name})
        return name

    def _log_in_url(self) -> str:
        """Log in, then back to this article's form (where comments.js puts the draft back)."""
        back = f"{self.target_object.get_absolute_url()}#respond"
        return f"{reverse('account_login')}?{urlencode({'next': back})}"

    def clean_security_hash(self) -> str:
        """django-comments' check, under SECRET_KEY or an earlier key (SECRET_KEY_FALLBACKS):
        a page left open while the key was rotated posts like any other, instead of being
        told its form was altered."""
        sent = self.cleaned_data["security_hash"]
        signed = "-".join(
            self.data.get(name, "") for name in ("content_type", "object_pk", "timestamp")
        )
        for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
            # django_comments.forms.CommentSecurityForm.generate_security_hash's salt and value.
            expected = salted_hmac(SECURITY_HASH_SALT, signed, secret=secret).hexdigest()
            if constant_time_compare(expected, sent):
                return sent
        raise forms.ValidationError("Security hash check failed.")

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
        return self._copied(self.generate_security_data())

    def without_reply(self) -> "CommentForm":
        """A copy of this bound form that posts a new comment instead of a reply."""
        return self._copied({"reply_to": "0"})

    def _copied(self, changes: dict) -> "CommentForm":
        data = self.data.copy()
        data.update(changes)
        return type(self)(self.target_object, data=data, user=self.user)


# WordPress's wrapper classes, which themes written for it style.
for _name, _wrapper_class in WORDPRESS_FIELDS.items():
    CommentForm.base_fields[_name].wrapper_class = _wrapper_class
