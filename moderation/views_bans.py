"""Bans: a comment's author banned from the queue or the article page, the list of bans,
and lifting one."""

from urllib.parse import parse_qs, urlencode, urlsplit

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comments.models import Comment
from comments.moderating import comment_bannable, moderation_notice_add
from core.http import safe_next
from core.kept_post import post_kept_over_login, post_kept_take

from . import selectors_audit, services
from .forms import BanForm
from .models import Ban
from .typed_notes import ITEM_NOTE_TAG, typed_notes_keep
from .views import moderator_required


@require_http_methods(["GET", "POST"])
@moderator_required
@post_kept_over_login
def ban_author(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Ban (or shadow-ban) the account, email or IP behind a comment, for a while or for good."""
    comment = get_object_or_404(Comment.objects.select_related("user", "article"), pk=comment_id)
    if not comment_bannable(comment):
        # Offering the form would only end in "choose what to ban" with nothing to choose
        # (a guest's IP address goes after the retention period; a deleted comment keeps
        # neither): the links that lead here are not offered then either.
        return render(
            request,
            "moderation/ban.html",
            # A reason typed on a form drawn before the last of it went is handed back.
            {"comment": comment, "nothing_to_ban": True, "typed": request.POST.get("reason", "")},
            status=400 if request.method == "POST" else 200,
        )
    data = request.POST if request.method == "POST" else post_kept_take(request)
    form = BanForm(data or None, comment=comment)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        options = {
            "actor": request.user,
            "reason": data["reason"],
            "days": int(data["duration"]) if data["duration"] else None,
            "shadow": data["shadow"],
        }
        made = []
        if data.get("ban_account"):
            made.append(services.ban_create(kind=Ban.Kind.ACCOUNT, user=comment.user, **options))
        if data.get("ban_email"):
            made.append(
                services.ban_create(kind=Ban.Kind.EMAIL, value=comment.user_email, **options)
            )
        if data.get("ban_ip"):
            made.append(services.ban_create(kind=Ban.Kind.IP, value=comment.ip_address, **options))
        done = [
            str(ban) + (" " + _("(in place of the ban in force)") if ban.replaced else "")
            for ban in made
        ]
        text = "; ".join(done) + "."
        target = safe_next(request, reverse("moderation:bans"))
        if _comment_on_moderators_page(target, comment.pk):
            # Back to the comment far down its article page: said there, in view, as the
            # page's own buttons say what they did.
            moderation_notice_add(request, comment_id=comment.pk, text=text, done=True)
        else:
            messages.success(request, text)
        return HttpResponseRedirect(target)
    # Cancel goes back where the moderator came from (the comment on its article's page).
    cancel_url = safe_next(request, reverse("moderation:queue"))
    return render(
        request,
        "moderation/ban.html",
        {"comment": comment, "form": form, "cancel_url": cancel_url},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@moderator_required
def ban_author_open(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Open the ban page for a queue item's author from the queue's "Ban author…", which
    sends the queue's one form: the notes typed in its items are kept first, not left behind
    with the page. The ban, and its Cancel, come back to the queue's page (`next`)."""
    back = safe_next(request, reverse("moderation:queue"))
    refused = typed_notes_keep(request)
    if refused:
        # Its text is back in its box on the queue, and would not be on the ban page.
        messages.error(
            request,
            _("The ban page was not opened: shorten this note, or clear it, first."),
            extra_tags=f"{ITEM_NOTE_TAG} c{refused[0]}",
        )
        return HttpResponseRedirect(f"{back}#item-{refused[0]}")
    ban_page = reverse("moderation:ban", args=[comment_id])
    return HttpResponseRedirect(f"{ban_page}?{urlencode({'next': back})}")


def _comment_on_moderators_page(url: str, comment_id: int) -> bool:
    """Whether `url` is the moderators' view of an article page at this comment."""
    parts = urlsplit(url)
    return parts.fragment == f"c{comment_id}" and parse_qs(parts.query).get("moderate") == ["1"]


@require_GET
@moderator_required
def bans(request: HttpRequest) -> HttpResponse:
    """Bans in force and past ones, with a button to lift each."""
    page = selectors_audit.bans_page(request.GET.get("page"))
    return render(request, "moderation/bans.html", {"page": page, "now": timezone.now()})


@require_POST
@moderator_required
def ban_lift(request: HttpRequest, ban_id: int) -> HttpResponse:
    """Lift a ban now."""
    if services.ban_lift(ban_id=ban_id, actor=request.user):
        messages.success(request, _("Ban lifted."))
    elif (ban := Ban.objects.filter(pk=ban_id).first()) is None:
        messages.error(request, _("There is no such ban."))
    elif ban.lifted_at is None:
        # It ran out between the page showing its Lift button and the click.
        messages.info(
            request,
            _("That ban had already ended on %(date)s: there was nothing to lift.")
            % {"date": date_format(timezone.localtime(ban.expires_at), "DATETIME_FORMAT")},
        )
    else:
        messages.info(request, _("That ban had already been lifted."))
    # Back to the page of bans the moderator was on, where the row now says "lifted".
    return HttpResponseRedirect(safe_next(request, reverse("moderation:bans")))
