"""Authors' own notification settings, in the author area."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.roles import is_author, role_required

from . import selectors, services


@require_http_methods(["GET", "POST"])
@role_required(
    is_author, gettext_lazy("Only authors get the digest of comments on their articles.")
)
def author_digest(request: HttpRequest) -> HttpResponse:
    """Show whether the author gets the comments digest; turn it on or off."""
    if request.method == "POST":
        choice = request.POST.get("wanted")
        if choice not in ("0", "1"):
            # Read as "off", a stray value would stop the digest the author never asked to stop.
            messages.error(
                request,
                _(
                    "The digest was not changed: the form asked neither to turn it on nor "
                    "to stop it."
                ),
            )
            return _digest_page(request, status=400)
        wanted = choice == "1"
        services.author_digest_choose(user_id=request.user.pk, wanted=wanted)
        if wanted and not selectors.verified_address(request.user):
            messages.warning(
                request,
                _(
                    "The digest is on, but it is sent only to a verified address: verify yours "
                    "to get it."
                ),
            )
        elif wanted:
            messages.success(
                request, _("You will get the digest of new comments on your articles.")
            )
        else:
            messages.success(request, _("You will no longer get the digest of new comments."))
        return HttpResponseRedirect(reverse("readers:author_digest"))
    return _digest_page(request)


def _digest_page(request: HttpRequest, *, status: int = 200) -> HttpResponse:
    """The digest settings page, as stored."""
    hours = settings.PARLEY_AUTHOR_DIGEST_HOURS
    hours = int(hours) if hours == int(hours) else hours  # "6 hours", not "6.0 hours"
    return render(
        request,
        "readers/author_digest.html",
        {
            "wanted": selectors.author_digest_wanted(request.user),
            "verified": bool(selectors.verified_address(request.user)),
            "daily": hours == 24,
            "hours": hours,
            # The plural form a count of hours takes: English, German and Ukrainian all put
            # a fraction (1.5 hours) in the form they use for 2.
            "hours_count": hours if isinstance(hours, int) else 2,
        },
        status=status,
    )
