"""Readers' entry points for emails: following an article, the links that confirm a follow
or an address for replies, and unsubscribing."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from articles.models import Article
from core.ids import parse_id
from core.ratelimit import rate_limited

from . import selectors, services
from .forms import FOLLOW_NOTICE_TAG, FollowForm
from .links import address_proven, token_failed
from .tokens import TokenInvalid, token_read


@require_POST
def follow(request: HttpRequest, slug: str) -> HttpResponse:
    """Follow an article: signed-in readers at once, guests after an emailed link."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    target = f"{article.get_absolute_url()}#follow"
    if request.user.is_authenticated:
        outcome = services.follow_start(article=article, user=request.user, language=get_language())
        if outcome == services.FollowOutcome.NEED_VERIFIED_EMAIL:
            messages.warning(
                request, _("Add and verify an email address first: updates are sent by email.")
            )
            return HttpResponseRedirect(reverse("account_email"))
        text = _("You now follow “%(title)s”.") % {"title": article.title}
        messages.success(request, text, extra_tags=FOLLOW_NOTICE_TAG)
        return HttpResponseRedirect(target)
    form = FollowForm(request.POST)
    if not form.is_valid():
        # The form again where the reader is, with what they typed: a redirect to the
        # article would show the error far above its box and lose the address.
        context = {"article": article, "email": request.POST.get("email", "")[:254]}
        return render(request, "readers/follow_again.html", context, status=400)
    if rate_limited(request, "follow"):
        return render(request, "readers/limited.html", status=429)
    services.follow_start(
        article=article, email=form.cleaned_data["email"], language=get_language()
    )
    messages.info(
        request,
        _("Check your inbox: follow the link we sent to confirm (it is valid for 48 hours)."),
        extra_tags=FOLLOW_NOTICE_TAG,
    )
    return HttpResponseRedirect(target)


@require_POST
def unfollow(request: HttpRequest, slug: str) -> HttpResponse:
    """Stop following an article (signed-in readers; guests use the link in any email)."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if not request.user.is_authenticated:
        raise PermissionDenied(_("Use the unsubscribe link in any update email."))
    services.follow_stop(article=article, user=request.user)
    text = _("You no longer follow “%(title)s”.") % {"title": article.title}
    messages.success(request, text, extra_tags=FOLLOW_NOTICE_TAG)
    return HttpResponseRedirect(f"{article.get_absolute_url()}#follow")


# The query a confirmation link's POST redirects to: its GET then says what is done.
CONFIRMED_QUERY = "?done=1"


def confirmation_link(purpose: str, *, title: str, message: str, done, asks=None):
    """Make a view for an emailed confirmation link. Mail scanners open links, so the link
    shows a page with one button (`title`, `message`) and the view runs, with the token's
    data, only when the button is pressed; a bad or expired link says so. The view
    redirects to the link's CONFIRMED_QUERY, whose GET shows `done(request, data)` (the
    page saying what is now the case, or None when it is not), so a reload sends nothing
    again. `asks(data)`, when given, words the message from what the link is for."""

    def decorator(view):
        @wraps(view)
        @require_http_methods(["GET", "POST"])
        def wrapped(request: HttpRequest, token: str) -> HttpResponse:
            try:
                data = token_read(purpose, token)
                selectors.link_target_check(data=data)
            except TokenInvalid as error:
                return token_failed(request, error)
            if request.method == "POST":
                return view(request, data)
            # Done already (this press's redirect, or the link opened again later): say so,
            # rather than ask again for what is the case.
            confirmed = done(request, data)
            if confirmed is not None:
                return confirmed
            context = {"title": title, "message": asks(data) if asks else message}
            return render(request, "readers/confirm.html", context)

        return wrapped

    return decorator


def _follow_confirmed(request: HttpRequest, data: dict) -> HttpResponse | None:
    """The page saying the link's follow is confirmed; None while it is not."""
    followed = selectors.follow_of_link(data=data)
    if followed is None or followed.confirmed_at is None:
        return None
    return render(request, "readers/done.html", {
        "title": _("You are following this article"),
        "message": _("You will get an email when “%(title)s” has an update.")
        % {"title": followed.article.title},
        "link": followed.article.get_absolute_url(),
    })  # fmt: skip


def _follow_question(data: dict) -> str:
    """The follow link's page names its article: a reader may have asked to follow several,
    and "Follow this article?" did not say which."""
    followed = selectors.follow_of_link(data=data)
    if followed is None:
        return _("Press the button to confirm.")
    return _("Get an email when “%(title)s” has an update? Press the button to confirm.") % {
        "title": followed.article.title
    }


@confirmation_link(
    "follow_confirm",
    title=gettext_lazy("Follow this article?"),
    message=gettext_lazy("Press the button to confirm."),
    done=_follow_confirmed,
    asks=_follow_question,
)
def follow_confirm(request: HttpRequest, data: dict) -> HttpResponse:
    """The link in a guest's confirmation email; confirming twice is harmless."""
    try:
        followed, confirmed = services.follow_confirm(data=data)
    except TokenInvalid as error:
        return token_failed(request, error)
    if followed is None:
        return token_failed(request, TokenInvalid(_("This follow no longer exists.")))
    response = HttpResponseRedirect(request.path + CONFIRMED_QUERY)
    # Only the press that confirmed proves the address to its browser: the link, forwarded
    # or left in a shared computer's history, would otherwise let whoever used it next
    # post as the address's known author for 48 hours.
    return address_proven(request, response, followed.email) if confirmed else response


def _reply_address_confirmed(request: HttpRequest, data: dict) -> HttpResponse | None:
    """The page saying the link's address is confirmed for replies; None while it is not."""
    if not selectors.reply_link_done(data):
        return None
    return render(request, "readers/done.html", {
        "title": _("Address confirmed"),
        "message": _(
            "You will get an email when someone replies to a comment where you asked "
            "to be notified."
        ),
    })  # fmt: skip


@confirmation_link(
    "reply_confirm",
    title=gettext_lazy("Get emails about replies?"),
    message=gettext_lazy("Press the button to confirm your address."),
    done=_reply_address_confirmed,
)
def reply_confirm(request: HttpRequest, data: dict) -> HttpResponse:
    """The link that confirms a guest's address for emails about replies."""
    email = str(data.get("email", "")).lower()
    confirmed = services.reply_address_confirm(email=email, language=get_language())
    comment_id = parse_id(data.get("comment"))
    if comment_id is not None:
        # The link was sent about this comment: whoever typed the address, its owner now
        # wants this comment's replies (readers.selectors.reply_address).
        confirmed |= bool(services.email_proven(email=email, own_ids=frozenset({comment_id})))
    response = HttpResponseRedirect(request.path + CONFIRMED_QUERY)
    # Only a press that confirmed something proves the address to its browser (as for a
    # follow's link): used again, by whoever has it, it proves nothing more.
    return address_proven(request, response, email) if confirmed else response


def _unsubscribed_text(done: services.Unsubscribed) -> str:
    if done.what == done.UPDATES:
        return _("You will no longer get updates about “%(title)s”.") % {
            "title": done.article_title
        }
    if done.what == done.REPLIES:
        return _("You will no longer get emails about replies to your comments.")
    if done.what == done.AUTHOR_DIGEST:
        return _(
            "You will no longer get the digest of new comments on your articles. You can "
            "turn it back on in the author area."
        )
    if done.what == done.ALREADY:
        return _("You were already unsubscribed.")
    return _("Nothing to unsubscribe from.")


def _unsubscribe_question(data: dict) -> str:
    """What the unsubscribe page asks, naming the emails its link stops: a reader following
    several articles must not have to guess which one a button ends."""
    if "follow" in data:
        follow = selectors.follow_of_link(data=data)
        if follow is not None:
            return _("Stop the emails about updates to “%(title)s”?") % {
                "title": follow.article.title
            }
    elif "replies" in data:
        return _("Stop the emails about replies to your comments?")
    elif "author_digest" in data:
        return _("Stop the digest of new comments on your articles?")
    return _("Stop these emails?")


@csrf_exempt  # the signed token is the authority; mail clients' one-click POST has no CSRF
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one button (link scanners must not unsubscribe anyone); POST, including
    RFC 8058 one-click from the mail client, unsubscribes. Twice is harmless."""
    try:
        data = token_read("unsubscribe", token)
        selectors.link_target_check(data=data)
    except TokenInvalid as error:
        return token_failed(request, error)
    if request.method == "GET":
        context = {"token": token, "question": _unsubscribe_question(data)}
        return render(request, "readers/unsubscribe.html", context)
    try:
        done = services.unsubscribe(data=data)
    except TokenInvalid as error:
        return token_failed(request, error)
    return render(request, "readers/done.html", {
        "title": _("Unsubscribed"), "message": _unsubscribed_text(done),
    })  # fmt: skip
