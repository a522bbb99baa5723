"""Editor's picks entry points: the Pick and Unpick buttons an article's authors and the
moderators see on its comments (plain forms: POST, then back to the comment)."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from .models import Comment, CommentStatus
from .notices import note_add
from .selectors_picks import article_picks, comment_for_picking, may_pick
from .services.picks import PickRefused, comment_pick, comment_unpick

NOT_ALLOWED = gettext_lazy(
    "Only this article's authors and the moderators can choose its Editor's picks."
)


@require_POST
def pick(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Make a comment one of its article's Editor's picks."""
    return _answer(request, comment_id, picking=True)


@require_POST
def unpick(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Take a comment out of its article's Editor's picks."""
    return _answer(request, comment_id, picking=False)


def _answer(request: HttpRequest, comment_id: int, *, picking: bool) -> HttpResponse:
    permalink = reverse("comments:permalink", args=[comment_id])
    if not request.user.is_authenticated:
        # After signing in they land on the comment, where the button is, not on this URL.
        return redirect_to_login(permalink)
    comment = comment_for_picking(comment_id=comment_id)
    if comment is None:
        raise Http404("No comment with that id is shown here.")
    if not may_pick(user=request.user, article=comment.article):
        raise PermissionDenied(NOT_ALLOWED)
    try:
        if picking:
            changed = comment_pick(comment_id=comment.pk, picker=request.user)
        else:
            changed = comment_unpick(comment_id=comment.pk)
    except PickRefused as refusal:
        return _refused(request, comment, refusal)
    except Comment.DoesNotExist as missing:
        raise Http404("No comment with that id is shown here.") from missing
    # Inside the comment (or at the top of the comments), where the redirect lands.
    note_add(
        request, comment_id=comment.pk, text=_done_text(comment, picking=picking, changed=changed)
    )
    if comment.status != CommentStatus.PUBLISHED:
        # Only moderators can follow a hidden comment's permalink; the picks are at the top.
        return HttpResponseRedirect(f"{comment.article.get_absolute_url()}#comments")
    return HttpResponseRedirect(permalink)


def _done_text(comment: Comment, *, picking: bool, changed: bool) -> str:
    if picking and changed:
        text = gettext("Picked: the comment by %(name)s now shows among the Editor's picks.")
    elif picking:
        text = gettext("The comment by %(name)s was already an Editor's pick; nothing changed.")
    elif changed:
        text = gettext("Unpicked: the comment by %(name)s is no longer an Editor's pick.")
    else:
        text = gettext("The comment by %(name)s was not an Editor's pick; nothing changed.")
    return text % {"name": comment.user_name}


def _refused(request: HttpRequest, comment: Comment, refusal: PickRefused) -> HttpResponse:
    """Say why nothing was picked, next to the picks as they stand (each with its Unpick
    button), and lead back to the comment."""
    context = {
        "article": comment.article,
        "comment": comment,
        "reason": refusal.message,
        "picks": article_picks(article=comment.article),
        "can_pick": True,
    }
    return render(request, "comments/pick_refused.html", context, status=409)
