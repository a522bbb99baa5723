"""Readers reporting a published comment to the moderators."""

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from articles.models import Article
from comments.models import Comment, CommentStatus
from comments.notices import note_add
from comments.presenters import viewer_for
from core.http import client_ip
from core.ratelimit import rate_limited

from . import services
from .forms import ReportForm

# The report form names the comment it was shown for, signed: a reader who opened it while
# the comment was published may be told it has been hidden since. A week covers a tab left
# open; an older form is answered as for any hidden comment.
SEEN_SALT = "parley.moderation.report-seen"
SEEN_MAX_AGE = 60 * 60 * 24 * 7


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, comment_id: int) -> HttpResponse:
    """A reader reports a published comment; guests are limited per hour by IP."""
    comment = (
        Comment.objects.select_related("article")
        .filter(
            pk=comment_id,
            status=CommentStatus.PUBLISHED,
            article__in=Article.objects.published(),
        )
        .first()
    )
    if comment is None and request.method == "POST":
        # Hidden (held, removed...) after the reader opened the form: their report is not
        # needed, and "page not found" would not say why. Only to one who could know of it:
        # to anyone else "already hidden" would tell that a hidden comment has that id.
        hidden = (
            Comment.objects.select_related("article")
            .filter(pk=comment_id, article__in=Article.objects.published())
            .first()
        )
        if hidden is not None and _hidden_known(request, hidden):
            note_add(
                request,
                comment_id=hidden.pk,
                text=_("That comment is already hidden from readers: there is nothing to report."),
            )
            return HttpResponseRedirect(f"{hidden.article.get_absolute_url()}#comments")
    if comment is None:
        raise Http404("There is no published comment with that id.")
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip_address = client_ip(request)
        if rate_limited(request, "report"):
            return render(
                request,
                "moderation/report.html",
                {
                    "comment": comment,
                    "form": form,
                    "limited": True,
                    "seen": _seen_token(comment.pk),
                },
                status=429,
            )
        created = services.report_create(
            comment_id=comment.pk,
            user=request.user,
            ip_address=ip_address,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
        status = Comment.objects.filter(pk=comment.pk).values_list("status", flat=True).first()
        if status != CommentStatus.PUBLISHED:
            # Readers no longer see it, and its address would be a 404. Held, by this report
            # or others: a moderator will look. Otherwise a moderator (or its author) took it
            # down as the report came in, and nobody will look again.
            if status == CommentStatus.HELD:
                text = _("Thank you: the comment is hidden until a moderator has looked at it.")
            else:
                text = _("Thank you: the comment is no longer shown to readers.")
            note_add(request, comment_id=comment.pk, text=text)
            return HttpResponseRedirect(f"{comment.article.get_absolute_url()}#comments")
        note_add(
            request,
            comment_id=comment.pk,
            text=_("Thank you: a moderator will look at this comment.")
            if created
            else _("You have already reported this comment."),
        )
        return HttpResponseRedirect(reverse("comments:permalink", args=[comment.pk]))
    return render(
        request,
        "moderation/report.html",
        {"comment": comment, "form": form, "seen": _seen_token(comment.pk)},
        status=400 if request.method == "POST" else 200,
    )


def _seen_token(comment_id: int) -> str:
    return signing.dumps(comment_id, salt=SEEN_SALT)


def _hidden_known(request: HttpRequest, comment: Comment) -> bool:
    """Whether the requester may learn that this hidden comment exists: a moderator, its
    author (account or browser), or a reader sent the report form while it was shown."""
    viewer = viewer_for(request)
    if viewer.can_moderate or viewer.owns(comment_id=comment.pk, user_id=comment.user_id):
        return True
    try:
        seen = signing.loads(request.POST.get("seen", ""), salt=SEEN_SALT, max_age=SEEN_MAX_AGE)
    except signing.BadSignature:
        return False
    return seen == comment.pk
