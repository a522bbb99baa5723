"""Readers' entry points: follow, confirm, unsubscribe, and manage their own comments."""

import json
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from articles.models import Article
from comments.models import Comment, CommentStatus
from comments.notices import notice_add
from comments.owner import own_comment_ids, remember_verified_email
from core.ids import parse_id
from core.ratelimit import rate_limited

from . import selectors, services, tasks
from .forms import CommentEditForm, DeleteAllForm, DisplayNameForm, FollowForm, ManageLinkForm
from .tokens import TokenInvalid, token_read

MANAGE_SESSION_KEY = "parley_manage_email"


def _token_failed(request: HttpRequest, error: TokenInvalid) -> HttpResponse:
    return render(request, "readers/token_invalid.html", {"reason": str(error)}, status=400)


# ---------------------------------------------------------------------------
# Following
# ---------------------------------------------------------------------------
@require_POST
def follow(request: HttpRequest, slug: str) -> HttpResponse:
    """Follow an article: signed-in readers at once, guests after an emailed link."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    target = f"{article.get_absolute_url()}#follow"
    if request.user.is_authenticated:
        outcome = services.follow_start(article=article, user=request.user)
        if outcome == services.FollowOutcome.NEED_VERIFIED_EMAIL:
            messages.warning(
                request, "Add and verify an email address first: updates are sent by email."
            )
            return HttpResponseRedirect(reverse("account_email"))
        messages.success(request, f"You now follow “{article.title}”.")
        return HttpResponseRedirect(target)
    form = FollowForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter a valid email address to follow this article.")
        return HttpResponseRedirect(target)
    if rate_limited(request, "follow"):
        return render(request, "readers/limited.html", status=429)
    services.follow_start(article=article, email=form.cleaned_data["email"])
    messages.info(
        request,
        "Check your inbox: follow the link we sent to confirm (it is valid for 48 hours).",
    )
    return HttpResponseRedirect(target)


@require_POST
def unfollow(request: HttpRequest, slug: str) -> HttpResponse:
    """Stop following an article (signed-in readers; guests use the link in any email)."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if not request.user.is_authenticated:
        raise PermissionDenied("Use the unsubscribe link in any update email.")
    services.follow_stop(article=article, user=request.user)
    messages.success(request, f"You no longer follow “{article.title}”.")
    return HttpResponseRedirect(f"{article.get_absolute_url()}#follow")


def _proven(request: HttpRequest, response: HttpResponse, email: str) -> HttpResponse:
    """This browser followed a link sent to `email`: its comments with that address, now
    and later, belong to a known author (see core.keys.author_key_for)."""
    if email:
        services.email_proven(email=email, own_ids=own_comment_ids(request))
        remember_verified_email(request, response, email)
    return response


def confirmation_link(purpose: str, *, title: str, message: str):
    """Make a view for an emailed confirmation link. Mail scanners open links, so the link
    shows a page with one button (`title`, `message`) and the view runs, with the token's
    data, only when the button is pressed; a bad or expired link says so."""

    def decorator(view):
        @wraps(view)
        @require_http_methods(["GET", "POST"])
        def wrapped(request: HttpRequest, token: str) -> HttpResponse:
            try:
                data = token_read(purpose, token)
            except TokenInvalid as error:
                return _token_failed(request, error)
            if request.method == "GET":
                context = {"title": title, "message": message}
                return render(request, "readers/confirm.html", context)
            return view(request, data)

        return wrapped

    return decorator


@confirmation_link(
    "follow_confirm", title="Follow this article?", message="Press the button to confirm."
)
def follow_confirm(request: HttpRequest, data: dict) -> HttpResponse:
    """The link in a guest's confirmation email; confirming twice is harmless."""
    followed = services.follow_confirm(follow_id=parse_id(data.get("follow")) or 0)
    if followed is None:
        return _token_failed(request, TokenInvalid("This follow no longer exists."))
    response = render(request, "readers/done.html", {
        "title": "You are following this article",
        "message": f"You will get an email when “{followed.article.title}” has an update.",
        "link": followed.article.get_absolute_url(),
    })  # fmt: skip
    return _proven(request, response, followed.email)


@confirmation_link(
    "reply_confirm",
    title="Get emails about replies?",
    message="Press the button to confirm your address.",
)
def reply_confirm(request: HttpRequest, data: dict) -> HttpResponse:
    """The link that confirms a guest's address for emails about replies."""
    email = str(data.get("email", "")).lower()
    services.reply_address_confirm(email=email)
    response = render(request, "readers/done.html", {
        "title": "Address confirmed",
        "message": "You will get an email when someone replies to a comment where you asked "
        "to be notified.",
    })  # fmt: skip
    return _proven(request, response, email)


def _unsubscribed_text(done: services.Unsubscribed) -> str:
    if done.what == done.UPDATES:
        return f"You will no longer get updates about “{done.article_title}”."
    if done.what == done.REPLIES:
        return "You will no longer get emails about replies to your comments."
    if done.what == done.AUTHOR_DIGEST:
        return (
            "You will no longer get the digest of new comments on your articles. You can "
            "turn it back on in the author area."
        )
    if done.what == done.ALREADY:
        return "You were already unsubscribed."
    return "Nothing to unsubscribe from."


@csrf_exempt  # the signed token is the authority; mail clients' one-click POST has no CSRF
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one button (link scanners must not unsubscribe anyone); POST, including
    RFC 8058 one-click from the mail client, unsubscribes. Twice is harmless."""
    try:
        data = token_read("unsubscribe", token)
    except TokenInvalid as error:
        return _token_failed(request, error)
    if request.method == "GET":
        return render(request, "readers/unsubscribe.html", {"token": token})
    return render(request, "readers/done.html", {
        "title": "Unsubscribed",
        "message": _unsubscribed_text(services.unsubscribe(data=data)),
    })  # fmt: skip


# ---------------------------------------------------------------------------
# Owning comments
# ---------------------------------------------------------------------------
def _owned_comment(request: HttpRequest, comment_id: int) -> Comment:
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=comment_id)
    if not selectors.comment_is_owned(
        comment,
        user=request.user,
        own_ids=own_comment_ids(request),
        manage_email=request.session.get(MANAGE_SESSION_KEY, ""),
    ):
        if comment.status != CommentStatus.PUBLISHED:
            # Someone else's held comment is as missing to this visitor as no comment.
            raise Http404("No comment with that id is shown here.")
        raise PermissionDenied("Only the person who posted a comment can change it.")
    return comment


@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Edit one's own comment inside the edit window."""
    comment = _owned_comment(request, comment_id)
    if not selectors.comment_is_editable(comment):
        return render(request, "readers/comment_edit.html", {
            "comment": comment, "closed": True, "minutes": settings.PARLEY_EDIT_MINUTES,
        }, status=403)  # fmt: skip
    form = CommentEditForm(request.POST or None, initial={"comment": comment.comment})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(comment=comment, text=form.cleaned_data["comment"])
        except services.EditClosed as closed:
            form.add_error(None, str(closed))
        else:
            notice_add(request, comment_id=comment.pk, kind="edited")
            return HttpResponseRedirect(reverse("comments:permalink", args=[comment.pk]))
    deadline = selectors.comment_edit_deadline(comment)
    return render(
        request,
        "readers/comment_edit.html",
        {"comment": comment, "form": form, "deadline": deadline, "now": timezone.now()},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Delete one's own comment, any time, after a confirmation."""
    comment = _owned_comment(request, comment_id)
    if request.method == "POST":
        services.comment_delete(comment=comment)
        notice_add(request, comment_id=comment.pk, kind="deleted")
        return HttpResponseRedirect(f"{comment.article.get_absolute_url()}#comments")
    return render(request, "readers/comment_delete.html", {"comment": comment})


def _reader(request: HttpRequest) -> dict:
    """Whose comments a "my comments" page is about: an account, or a guest's address."""
    if request.user.is_authenticated:
        return {"user": request.user}
    email = request.session.get(MANAGE_SESSION_KEY, "")
    if email:
        return {"email": email}
    raise Http404("Sign in, or ask for a link to manage your comments.")


def my_comments(request: HttpRequest) -> HttpResponse:
    """A reader's comments, with download and delete-all."""
    if not request.user.is_authenticated and not request.session.get(MANAGE_SESSION_KEY):
        return HttpResponseRedirect(reverse("readers:manage_request"))
    who = _reader(request)
    comments = selectors.comments_of(**who).order_by("-submit_date")[:500]
    return render(request, "readers/my_comments.html", {
        "comments": comments, "who": who.get("email") or request.user.get_username(),
        "delete_form": DeleteAllForm(),
    })  # fmt: skip


def my_comments_export(request: HttpRequest) -> HttpResponse:
    """All of a reader's comments as a JSON download."""
    who = _reader(request)
    body = json.dumps({"comments": selectors.comments_export(**who)}, indent=2)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="my-comments.json"'
    return response


@require_POST
def my_comments_delete_all(request: HttpRequest) -> HttpResponse:
    """Delete all of a reader's comments, after ticking a confirmation box."""
    who = _reader(request)
    form = DeleteAllForm(request.POST)
    if not form.is_valid():
        comments = selectors.comments_of(**who).order_by("-submit_date")[:500]
        return render(request, "readers/my_comments.html", {
            "comments": comments, "who": who.get("email") or request.user.get_username(),
            "delete_form": form,
        }, status=400)  # fmt: skip
    count = services.comments_delete_all(**who)
    messages.success(request, f"Deleted {count} comment{'s' if count != 1 else ''}.")
    return HttpResponseRedirect(reverse("readers:my_comments"))


@require_http_methods(["GET", "POST"])
def manage_request(request: HttpRequest) -> HttpResponse:
    """A guest asks for a link to manage the comments they posted with an address."""
    form = ManageLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if rate_limited(request, "follow"):
            return render(request, "readers/limited.html", status=429)
        tasks.manage_link_send_task.enqueue(form.cleaned_data["email"])
        return render(request, "readers/done.html", {
            "title": "Check your inbox",
            "message": "If comments were posted with that address, a link to manage them is on "
            "its way. It is valid for 48 hours.",
        })  # fmt: skip
    return render(request, "readers/manage_request.html", {"form": form},
                  status=400 if request.method == "POST" else 200)  # fmt: skip


def manage_enter(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: lets this browser manage that address's comments for a while."""
    try:
        data = token_read("manage", token)
    except TokenInvalid as error:
        return _token_failed(request, error)
    email = str(data.get("email", "")).lower()
    request.session.cycle_key()
    request.session[MANAGE_SESSION_KEY] = email
    return _proven(request, HttpResponseRedirect(reverse("readers:my_comments")), email)


@login_required
@require_http_methods(["GET", "POST"])
def account_name(request: HttpRequest) -> HttpResponse:
    """The name shown on a reader's comments and bylines (the username when left empty)."""
    user = request.user
    form = DisplayNameForm(
        request.POST or None, initial={"first_name": user.first_name, "last_name": user.last_name}
    )
    if request.method == "POST" and form.is_valid():
        services.user_display_name_set(user=user, **form.cleaned_data)
        shown = user.get_full_name() or user.get_username()
        messages.success(request, f"Your comments and bylines will now show “{shown}”.")
        return HttpResponseRedirect(reverse("readers:account_name"))
    return render(request, "readers/account_name.html", {"form": form},
                  status=400 if request.method == "POST" else 200)  # fmt: skip
