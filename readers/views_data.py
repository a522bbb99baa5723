"""A reader's own data: what Parley keeps about them, the download, and erasing it all. An
account signs in; a guest follows the link emailed to their address (readers.views)."""

import json

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from comments.owner import COMMENTER_COOKIE, OWN_COOKIE, VERIFIED_COOKIE
from comments.voting import VOTER_COOKIE
from core.ratelimit import rate_limited

from . import selectors_data, services
from .forms_data import DataEraseForm
from .links import reader_proven


@require_GET
def data_page(request: HttpRequest) -> HttpResponse:
    """What Parley keeps about the reader, with the download and the way to erase it."""
    who = reader_proven(request)
    if who is None:
        return HttpResponseRedirect(reverse("readers:manage_request"))
    subject = selectors_data.data_subject_for(**who)
    return render(request, "readers/data.html", {
        "counts": selectors_data.reader_data_counts(subject),
        "email": who.get("email", ""),
        "addresses": subject.addresses,
    })  # fmt: skip


@require_GET
def data_export(request: HttpRequest) -> HttpResponse:
    """Everything Parley keeps about the reader, as one JSON download."""
    who = reader_proven(request)
    if who is None:
        raise Http404("Sign in, or ask for a link to manage your comments.")
    export = selectors_data.reader_data_export(selectors_data.data_subject_for(**who))
    response = HttpResponse(
        json.dumps(export, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    name = f"parley-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # Personal data: never kept by a shared cache, nor stored by the browser.
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def data_delete(request: HttpRequest) -> HttpResponse:
    """Erase everything: an account (its password asked for, if it has one), or the data of
    the address a link proved."""
    who = reader_proven(request)
    if who is None:
        return redirect_to_login(request.get_full_path())
    user = who.get("user")
    form = DataEraseForm(request.POST or None, user=user)
    if request.method == "POST" and rate_limited(request, "erase"):
        message = _(
            "Nothing was deleted: several attempts were made from here in the last hour. "
            "Please try again later."
        )
        return render(request, "readers/limited.html", {"message": message}, status=429)
    if request.method == "POST" and form.is_valid():
        erased = services.reader_data_erase(**who)
        if user is not None:
            logout(request)
            title = _("Your account is deleted")
            message = ngettext(
                "Your account is deleted, with %(count)s comment and everything else Parley "
                "kept about you.",
                "Your account is deleted, with %(count)s comments and everything else Parley "
                "kept about you.",
                erased.comments,
            ) % {"count": erased.comments}
        else:
            request.session.flush()
            title = _("Your data is deleted")
            message = ngettext(
                "%(count)s comment posted with %(email)s and everything else Parley kept about "
                "that address are deleted.",
                "%(count)s comments posted with %(email)s and everything else Parley kept about "
                "that address are deleted.",
                erased.comments,
            ) % {"count": erased.comments, "email": who["email"]}
        response = render(request, "readers/done.html", {"title": title, "message": message})
        return _browser_forget(response)
    return render(request, "readers/data_delete.html", {
        "form": form, "email": who.get("email", ""),
    }, status=400 if request.method == "POST" else 200)  # fmt: skip


def _browser_forget(response: HttpResponse) -> HttpResponse:
    """Clear what Parley keeps in this browser: the details saved for the comment form, the
    comments it posted and addresses it proved, and its guest voter value (the votes it cast
    as a guest can then be tied to nobody)."""
    for name in (COMMENTER_COOKIE, OWN_COOKIE, VERIFIED_COOKIE, VOTER_COOKIE):
        response.delete_cookie(name, samesite="Lax")
    return response
