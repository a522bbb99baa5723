"""Readers' entry points for their own comments: edit, delete, list, download, the emailed
link that lets a guest manage them, and the name an account shows. Following, confirmation
links and unsubscribing are in views_follow."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comments.models import Comment, CommentStatus
from comments.notices import notice_add
from comments.owner import own_comment_ids
from core.ratelimit import rate_limited

from . import selectors, selectors_data, services, tasks
from .forms import CommentEditForm, DeleteAllForm, DisplayNameForm, ManageLinkForm
from .links import address_proven, manage_start, managed_address, reader_proven, token_failed
from .tokens import TokenInvalid
from .views_follow import confirmation_link


def _owned_comment(request: HttpRequest, comment_id: int) -> Comment:
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=comment_id)
    if not selectors.comment_is_owned(
        comment,
        user=request.user,
        own_ids=own_comment_ids(request),
        manage_email=managed_address(request),
    ):
        if comment.status != CommentStatus.PUBLISHED:
            # Someone else's held comment is as missing to this visitor as no comment.
            raise Http404("No comment with that id is shown here.")
        raise PermissionDenied(_("Only the person who posted a comment can change it."))
    return comment


def _comment_back_url(request: HttpRequest, comment: Comment) -> str:
    """Where a reader goes back to from editing their comment: the comment in its thread,
    where this browser's article page shows it whatever its state (its account's, or posted
    from this browser); else, for a guest who proved their address by an emailed link, their
    list of comments, since the article shows a checked or held comment only to those."""
    user_id = request.user.pk if request.user.is_authenticated else None
    if (user_id and comment.user_id == user_id) or comment.pk in own_comment_ids(request):
        return reverse("comments:permalink", args=[comment.pk])
    return reverse("readers:my_comments")


@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Edit one's own comment inside the edit window."""
    comment = _owned_comment(request, comment_id)
    refusal = selectors.comment_edit_refusal(comment)
    if refusal:
        deleted = comment.status == CommentStatus.DELETED
        # An edit sent after the window closed (the page was left open) comes back to copy.
        unsaved = request.POST.get("comment", "") if request.method == "POST" else ""
        return render(request, "readers/comment_edit.html", {
            "comment": comment, "closed": refusal, "deleted": deleted, "unsaved": unsaved,
        }, status=403)  # fmt: skip
    form = CommentEditForm(request.POST or None, initial={"comment": comment.comment})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(comment=comment, text=form.cleaned_data["comment"])
        except services.EditClosed as closed:
            form.add_error(None, str(closed))
        else:
            notice_add(request, comment_id=comment.pk, kind="edited")
            return HttpResponseRedirect(_comment_back_url(request, comment))
    deadline = selectors.comment_edit_deadline(comment)
    now = timezone.now()
    context = {
        "comment": comment, "form": form, "deadline": deadline, "now": now,
        "seconds_left": max(int((deadline - now).total_seconds()), 0),
        "back_url": _comment_back_url(request, comment),
    }  # fmt: skip
    return render(
        request,
        "readers/comment_edit.html",
        context,
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
    who = reader_proven(request)
    if who is None:
        raise Http404("Sign in, or ask for a link to manage your comments.")
    return who


def my_comments(request: HttpRequest) -> HttpResponse:
    """A reader's comments, with download and delete-all."""
    if not request.user.is_authenticated and not managed_address(request):
        return HttpResponseRedirect(reverse("readers:manage_request"))
    who = _reader(request)
    comments = selectors.comments_listed_for(**who, own_ids=own_comment_ids(request))
    return render(request, "readers/my_comments.html", {
        "comments": comments, "who": who.get("email") or request.user.get_username(),
        "delete_form": DeleteAllForm(),
    })  # fmt: skip


def my_comments_export(request: HttpRequest) -> HttpResponse:
    """All of a reader's comments as a JSON download (the comments part of /data/export.json)."""
    subject = selectors_data.data_subject_for(**_reader(request))
    comments = selectors_data.subject_comments_export(subject)
    body = json.dumps({"comments": comments}, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-comments.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def my_comments_delete_all(request: HttpRequest) -> HttpResponse:
    """Delete all of a reader's comments, after ticking a confirmation box."""
    who = _reader(request)
    form = DeleteAllForm(request.POST)
    if not form.is_valid():
        comments = selectors.comments_listed_for(**who, own_ids=own_comment_ids(request))
        return render(request, "readers/my_comments.html", {
            "comments": comments, "who": who.get("email") or request.user.get_username(),
            "delete_form": form,
        }, status=400)  # fmt: skip
    count = services.comments_delete_all(**who)
    messages.success(
        request,
        ngettext("Deleted %(count)s comment.", "Deleted %(count)s comments.", count)
        % {"count": count},
    )
    return HttpResponseRedirect(reverse("readers:my_comments"))


@require_http_methods(["GET", "POST"])
def manage_request(request: HttpRequest) -> HttpResponse:
    """A guest asks for a link to manage the comments they posted with an address."""
    form = ManageLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if rate_limited(request, "follow"):
            return render(request, "readers/limited.html", status=429)
        tasks.manage_link_send_task.enqueue(form.cleaned_data["email"], get_language())
        return render(request, "readers/done.html", {
            "title": _("Check your inbox"),
            "message": _(
                "If comments were posted with that address, a link to manage them is on "
                "its way. It works once, within 48 hours."
            ),
        })  # fmt: skip
    return render(request, "readers/manage_request.html", {"form": form},
                  status=400 if request.method == "POST" else 200)  # fmt: skip


@confirmation_link(
    "manage",
    title=gettext_lazy("Manage your comments?"),
    message=gettext_lazy(
        "Press the button to manage, in this browser, the comments you posted with this "
        "address. The link works once."
    ),
    done=lambda request, data: None,
)
def manage_enter(request: HttpRequest, data: dict) -> HttpResponse:
    """The emailed link: lets this browser manage that address's comments for a while. It
    works once; mail scanners that open links only see the button."""
    try:
        email = services.manage_link_use(data=data)
    except TokenInvalid as error:
        return token_failed(request, error)
    manage_start(request, email)
    return address_proven(request, HttpResponseRedirect(reverse("readers:my_comments")), email)


@login_required
@require_http_methods(["GET", "POST"])
def account_name(request: HttpRequest) -> HttpResponse:
    """The name shown on a reader's comments and bylines (the username when left empty)."""
    user = request.user
    form = DisplayNameForm(
        request.POST or None,
        initial={"first_name": user.first_name, "last_name": user.last_name},
        user=user,
    )
    if request.method == "POST" and form.is_valid():
        services.user_display_name_set(user=user, **form.cleaned_data)
        shown = user.get_full_name() or user.get_username()
        messages.success(
            request, _("Your comments and bylines will now show “%(name)s”.") % {"name": shown}
        )
        return HttpResponseRedirect(reverse("readers:account_name"))
    return render(request, "readers/account_name.html", {"form": form},
                  status=400 if request.method == "POST" else 200)  # fmt: skip
