"""The 403 of a form refused for its CSRF token (settings.CSRF_FAILURE_VIEW): it says
nothing was posted and hands back what was sent, ready to send again."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from articles.models import Article
from core.accounts import LoginForm
from core.http import posted_from_elsewhere, posted_text, safe_next
from core.ids import parse_id

from . import presenters, selectors
from .forms import CommentForm
from .owner import own_comment_ids, remembered_commenter
from .refusals import (
    NO_TOKEN_FORGET_NOTICE,
    NO_TOKEN_FORGET_OWN_NOTICE,
    NO_TOKEN_NOTICE,
    STALE_TOKEN_FORGET_NOTICE,
    STALE_TOKEN_FORGET_OWN_NOTICE,
    STALE_TOKEN_NOTICE,
)
from .views_answers import article_posted_to, reply_cancelled, sent_before_answered

logger = logging.getLogger(__name__)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A 403 that says nothing was posted and hands back what was sent: a comment in a fresh
    copy of its form, with this browser's token, ready to post again; other text to copy."""
    # Read here, so that a body past the size limits is the 400 page's to explain.
    request.POST  # noqa: B018
    if posted_from_elsewhere(request):
        # Another site's form, sent by this browser: handing its text back in a form with
        # this reader's token would make their next click post the other site's words.
        return render(request, "csrf_failure.html", {"reason": reason}, status=403)
    context = {"reason": reason, "stale_token": _token_stale(reason), **posted_text(request)}
    # The address first: only a refused sign-in asks who the browser is (a query).
    signing_in = _signing_in(request)
    if signing_in and request.user.is_authenticated:
        # Two tabs signing in at once: the first one's sign-in replaced the token the second
        # sent. Asking to send it again would be pointless; the reader is signed in.
        context.update(
            signed_in_as=request.user.get_username(), continue_to=safe_next(request, "/")
        )
        return render(request, "csrf_failure.html", context, status=403)
    if signing_in == "account_login":
        return _login_again(request, stale=context["stale_token"])
    # Readers without JavaScript land here from the shared article page, whose forms carry no
    # token: their second press must work, so the form comes back whole and signed. With the
    # database failing, the text alone comes back, as it did before.
    try:
        article = article_posted_to(request) if request.method == "POST" else None
        if article is not None and "cancel_reply" in request.POST:
            # Pressed on the shared page without scripts, so without a token: cancelling
            # posts nothing, and the page it asks for has its token, as a second press would.
            return reply_cancelled(request, article)
        if article is not None and not _forgetting(request):
            answered = sent_before_answered(request, article)
            if answered is not None:
                return answered
        form = CommentForm(article, data=request.POST, user=request.user) if article else None
        if form is not None and form.security_problem() in (None, "expired"):
            reply_id = parse_id(request.POST.get("reply_to"))
            reply_target = reply_id and selectors.comment_for_reply(
                article=article, comment_id=reply_id, viewer=presenters.viewer_for(request)
            )
            stale = context["stale_token"]
            context.update(
                form=form.resigned() if form.security_problem() else form,
                article=article,
                comments_open=article.accepts_comments,
                reply_target=reply_target,
                notice=STALE_TOKEN_NOTICE if stale else NO_TOKEN_NOTICE,
            )
            if _forgetting(request):
                context.update(_forget_refused(request, stale=stale))
        followed = None if article else _follow_refused(request)
        if followed is not None:
            email = request.POST.get("email", "")[:254]
            context = {"article": followed, "email": email, "problem": "token"}
            return render(request, "readers/follow_again.html", context, status=403)
    except DatabaseError:
        logger.warning("The refused form's comment could not be rebuilt (database failure)")
        connection.close()
    return render(request, "csrf_failure.html", context, status=403)


def _forgetting(request: HttpRequest) -> bool:
    """Whether the refused POST was the comment form's "Forget my details" button, which
    sends the whole form (so the text comes back) to a URL of its own."""
    return request.path_info == reverse("comments:details_forget")


def _forget_refused(request: HttpRequest, *, stale: bool) -> dict:
    """The form handed back to a refused "Forget my details": with the button this browser
    is shown (for its saved details, or for its list of own comments alone), and a notice
    that nothing was forgotten naming that button."""
    guest = not request.user.is_authenticated
    saved = guest and bool(remembered_commenter(request))
    own = guest and bool(own_comment_ids(request))
    heading = gettext("Your details were not forgotten yet")
    if saved:
        notice = STALE_TOKEN_FORGET_NOTICE if stale else NO_TOKEN_FORGET_NOTICE
    elif own:
        notice = STALE_TOKEN_FORGET_OWN_NOTICE if stale else NO_TOKEN_FORGET_OWN_NOTICE
        # No details are saved: the button pressed was about the list of own comments.
        heading = gettext("This browser still knows which comments it posted")
    else:
        notice = gettext("No name, email address or website is saved in this browser.")
    return {
        "forgetting": heading,
        "notice": notice,
        "details_saved": saved,
        "own_comments_here": own,
    }


def _signing_in(request: HttpRequest) -> str:
    """The URL name of the login or signup form the refused POST was sent to, else ""."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return ""
    signing_in = request.method == "POST" and match.url_name in ("account_login", "account_signup")
    return match.url_name if signing_in else ""


def _login_again(request: HttpRequest, *, stale: bool) -> HttpResponse:
    """The login page again, refused for its token: saying why, with this browser's token,
    the username typed (never the password) and where it was going."""
    form = LoginForm(initial={"login": request.POST.get("login", "")[:254]}, request=request)
    going_to = safe_next(request, "")
    context = {
        "form": form,
        "login_refused": "stale" if stale else "missing",
        "signup_url": reverse("account_signup"),
        "redirect_field": format_html('<input type="hidden" name="next" value="{}">', going_to)
        if going_to
        else "",
    }
    return render(request, "account/login.html", context, status=403)


def _token_stale(reason: str) -> bool:
    """Whether the form sent a token, well formed but not this browser's (Django's reason
    "CSRF token from POST incorrect."): one from before a sign-in that replaced it."""
    return reason.startswith("CSRF token from ") and reason.endswith(" incorrect.")


def _follow_refused(request: HttpRequest) -> Article | None:
    """The article whose follow form (posted from the shared page with scripts off, so with
    no token) was refused, to hand that form back with a token: a reload would serve the
    same tokenless page again, for ever."""
    if request.method != "POST":
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.view_name != "readers:follow":
        return None
    return Article.objects.published().filter(slug=match.kwargs.get("slug", "")).first()
