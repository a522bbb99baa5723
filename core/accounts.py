"""allauth fitted to Parley: its limiters key on the same client address as Parley's, and
its forms use the site's words."""

import math
import time
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

from allauth.account import forms as allauth_forms
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.core import validators
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.timesince import timeuntil
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .account_names import (
    COMMENT_NAME_MAX_LENGTH,
    LOOKALIKE_USERNAME,
    NAME_SHOWN_BY_ANOTHER,
    comment_name_of_account,
    username_lookalike_taken,
)
from .http import client_ip, client_network, site_url
from .reset_tokens import reset_address_digest, reset_key_parts


def account_verified_email(user: AbstractBaseUser) -> str:
    """The account's primary email, lowercased, if allauth has verified it, else "".

    With ACCOUNT_PREVENT_ENUMERATION "strict", any number of accounts may type the same
    address without proving it: only a verified one says who the account is."""
    from allauth.account.models import EmailAddress

    email = (getattr(user, "email", "") or "").lower()
    if (
        email
        and EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
    ):
        return email
    return ""


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth reads X-Forwarded-For by its own setting and rules; one definition of the
        # client (PARLEY_TRUSTED_PROXY_COUNT) keeps a proxy's address from standing for
        # every reader, which let one client lock every login.
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied(_("Unable to determine the client's address."))
        return ip

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials) -> str:
        # allauth counts failed logins per account ("5/300s/key"): five wrong passwords
        # typed anywhere locked the account's owner out too, so anyone could lock anyone.
        # Counted per account and client network, a stranger's failures stop the stranger
        # only; "10/m/ip" still bounds one client guessing across many accounts. A password
        # reset clears the count of the client it was done from (allauth's use of this key).
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{client_network(request)}"

    def clean_username(self, username: str, shallow: bool = False) -> str:
        username = super().clean_username(username, shallow=shallow)
        # allauth refuses only the same letters in another case: "admin" with a Cyrillic
        # U+0430 for its "a", or in full-width letters, became a second "admin" on every
        # comment it posted.
        if not shallow and username_lookalike_taken(username):
            raise ValidationError(LOOKALIKE_USERNAME, code="username_lookalike")
        # An account without a display name posts under its username: one that reads as
        # another account's display name ("queen" beside "Queen") would post as it.
        if not shallow and comment_name_of_account(username):
            raise ValidationError(NAME_SHOWN_BY_ANOTHER, code="username_display_name")
        return username

    def confirm_email(self, request: HttpRequest, email_address) -> bool:
        confirmed = super().confirm_email(request, email_address)
        # allauth makes a confirmed address primary only when the account has none. One
        # signed up with a mistyped address (never confirmable) kept it as primary after
        # confirming the right one, and Parley mails only a verified primary address: the
        # reader was told to "add and verify an address" they had just verified.
        if confirmed:
            from allauth.account.models import EmailAddress

            primary = EmailAddress.objects.get_primary(email_address.user)
            if primary is not None and not primary.verified:
                email_address.set_as_primary()
        return confirmed

    def send_mail(self, template_prefix, email, context):
        # allauth builds its links (a password reset key, an address confirmation, signing
        # up) on the request's Host header: with more than one allowed host, or a wildcard,
        # anyone could have a reader's reset key sent to another site. They name
        # PARLEY_SITE_URL, as every other link Parley mails does.
        context = {
            name: _on_site(value) if name.endswith("_url") and isinstance(value, str) else value
            for name, value in context.items()
        }
        super().send_mail(template_prefix, email, context)

    def send_password_reset_mail(self, user, email, context):
        # allauth's reset key names the account, not the address it was mailed to; a link
        # that carries which one (reset_address_digest) lets its use prove that address.
        key = f"{context['uid']}-{context['key']}-{reset_address_digest(user, email)}"
        context = {**context, "password_reset_url": self.get_reset_password_from_key_url(key)}
        super().send_password_reset_mail(user, email, context)

    def render_mail(self, template_prefix, email, context, headers=None):
        # Like every email Parley sends (core.mail), allauth's name the language they are
        # written in: the reader's, active for the request that sends them.
        language = {"Content-Language": get_language() or settings.LANGUAGE_CODE}
        return super().render_mail(template_prefix, email, context, {**language, **(headers or {})})


def confirmation_limit_install() -> None:
    """Have every confirmation email allauth holds back for its limit say so to the reader."""
    from allauth.account.internal.flows import email_verification

    allowed = email_verification.handle_verification_email_rate_limit
    if getattr(allowed, "parley_tells", False):
        return

    # Past ACCOUNT_RATE_LIMITS "confirm_email" allauth sends nothing and says nothing, and
    # the page went on as if an email were on its way. allauth has no hook for it; this is
    # the one function every confirmation email (signup, login, add, resend) passes.
    def allowed_or_told(request, email, raise_exception=False):
        if allowed(request, email, raise_exception=raise_exception):
            return True
        wait, now = confirmation_wait(request, email), timezone.now()
        messages.warning(
            request,
            _(
                "No confirmation email was sent to %(email)s this time: it has had as many as "
                "we send for now. A link already emailed to it still works; to have another "
                "sent, try again in %(wait)s."
            )
            % {"email": email, "wait": timeuntil(now + wait, now=now)},
        )
        return False

    allowed_or_told.parley_tells = True
    email_verification.handle_verification_email_rate_limit = allowed_or_told


def confirmation_wait(request: HttpRequest, email: str) -> timedelta:
    """How long until allauth's "confirm_email" limit lets another email go to `email`."""
    from allauth.core.internal.ratelimit import get_cache_key, get_rates

    now, free_at = time.time(), time.time()
    for rate in get_rates(app="allauth.account", action="confirm_email"):
        key = get_cache_key(
            request, app="allauth.account", action="confirm_email", rate=rate, key=email.lower()
        )
        # Newest first, as allauth keeps it: a slot frees when the rate.amount-th newest
        # email leaves the window.
        sent = [at for at in cache.get(key, []) if at > now - rate.duration]
        if len(sent) >= rate.amount:
            free_at = max(free_at, sent[rate.amount - 1] + rate.duration)
    # Whole minutes, rounded up: "2 minutes" for 179 seconds would invite a retry that is
    # still refused.
    return timedelta(minutes=max(1, math.ceil((free_at - now) / 60)))


def email_verify_by_reset(*, request: HttpRequest | None, user: AbstractBaseUser, key: str) -> bool:
    """Mark verified the address a used password reset link was mailed to: following it
    proved the reader reads that address. False when the key names none of the account's
    unverified addresses, or another account has verified it meanwhile."""
    from allauth.account.adapter import get_adapter
    from allauth.account.models import EmailAddress

    digest = reset_key_parts(key)[1]
    if not digest:
        return False
    for address in EmailAddress.objects.filter(user=user, verified=False):
        if constant_time_compare(reset_address_digest(user, address.email), digest):
            return address.can_set_verified() and get_adapter(request).confirm_email(
                request, address
            )
    return False


def _on_site(url: str) -> str:
    """`url`'s path and query on PARLEY_SITE_URL, whatever host it was built on."""
    parts = urlsplit(url)
    return site_url(urlunsplit(("", "", parts.path, parts.query, parts.fragment)))


class LoginForm(allauth_forms.LoginForm):
    """allauth's login form in the site's words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Username or email")
        self.fields["remember"].label = _("Remember me")


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    """allauth's new-password form of a reset link, which proves the address it was
    mailed to."""

    def save(self) -> None:
        super().save()
        email_verify_by_reset(request=allauth_context.request, user=self.user, key=self.temp_key)


class SignupForm(allauth_forms.SignupForm):
    """allauth's signup form, saying what an email address is for before it is asked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Email (optional)")
        self.fields["email"].help_text = EMAIL_USES
        # Shorter than the user model allows (allauth's own limit): a longer username was
        # cut short on every comment, and "Your name" promised it shown whole.
        username = self.fields["username"]
        username.max_length = COMMENT_NAME_MAX_LENGTH
        username.validators.append(validators.MaxLengthValidator(COMMENT_NAME_MAX_LENGTH))
        username.widget.attrs["maxlength"] = str(COMMENT_NAME_MAX_LENGTH)


EMAIL_USES = _(
    "Used only to reset a forgotten password, to follow articles and to tell you about "
    "replies to your comments; never shown to anyone. Without it none of these is possible, "
    "and you can add one later."
)
