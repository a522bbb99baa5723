"""Vote entry points: the up and down buttons on each comment (plain forms: POST, then back
to the comment; with JavaScript, JSON for static/js/votes.js), and the order links, which
remember the reader's choice."""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from articles.models import Article
from core.http import client_network
from core.keys import requester_key
from core.ratelimit import rate_limited

from .models import Comment, CommentStatus
from .notices import note_add
from .owner import own_comment_ids
from .selectors import ORDERS
from .services.votes import VoteRefused, comment_vote, vote_address_refusal, vote_refusal
from .voting import order_remember, voter_cookie_set, voter_key, voter_token_new

VALUES = {"up": 1, "down": -1, "none": 0}
# The confirming page's button, and its question (the commenter's name as %(name)s).
LABELS = {
    "up": gettext_lazy("Vote up"),
    "down": gettext_lazy("Vote down"),
    "none": gettext_lazy("Withdraw your vote on"),
}
QUESTIONS = {
    "up": gettext_lazy("Vote up the comment by %(name)s?"),
    "down": gettext_lazy("Vote down the comment by %(name)s?"),
    "none": gettext_lazy("Withdraw your vote on the comment by %(name)s?"),
}
STATUS_FOR = {"own": 403, "down_off": 409, "not_published": 409, "value": 400, "address": 429}
LIMITED = gettext_lazy("You are voting faster than this site allows. Wait a minute and vote again.")


@never_cache
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Count a reader's vote on a comment (POST); GET asks them to confirm it, from a page
    that carries the security token the shared article page does not."""
    comment = (
        Comment.objects.filter(
            pk=comment_id,
            status=CommentStatus.PUBLISHED,
            article__in=Article.objects.published(),
        )
        .only("pk", "user_name", "user_id")
        .first()
    )
    if comment is None:
        raise Http404("No published comment has that id.")
    if request.method == "GET":
        way = request.GET.get("value")
        if way not in VALUES:
            return HttpResponseRedirect(reverse("comments:permalink", args=[comment.pk]))
        # Asked to confirm only a vote that would count.
        refusal = vote_refusal(
            comment=comment,
            value=VALUES[way],
            user_id=request.user.pk if request.user.is_authenticated else None,
            own_ids=own_comment_ids(request),
        )
        if refusal is None and VALUES[way]:
            refusal = vote_address_refusal(
                comment_id=comment.pk,
                voter_key=voter_key(request),
                address_key=_address_key(request),
            )
        if refusal is not None:
            return _refused(request, comment, refusal.reason, refusal.message)
        context = {
            "comment": comment,
            "value": way,
            "label": LABELS[way],
            "question": QUESTIONS[way] % {"name": comment.user_name},
        }
        return render(request, "comments/vote.html", context)
    way = request.POST.get("value")
    if way not in VALUES:
        return _refused(request, comment, "value", gettext("A vote is up, down or none."))
    if rate_limited(request, "vote"):
        return _refused(request, comment, "limited", LIMITED, status=429)
    token = "" if request.user.is_authenticated else voter_token_new(request)
    try:
        count = comment_vote(
            comment_id=comment.pk,
            voter_key=voter_key(request, token=token),
            value=VALUES[way],
            user_id=request.user.pk if request.user.is_authenticated else None,
            own_ids=own_comment_ids(request),
            address_key=_address_key(request),
        )
    except VoteRefused as refusal:
        return _refused(request, comment, refusal.reason, refusal.message)
    except Comment.DoesNotExist as missing:
        raise Http404("No published comment has that id.") from missing
    if _wants_json(request):
        response = JsonResponse(
            {"score": count.score, "up": count.up, "down": count.down, "mine": count.mine}
        )
    else:
        # Inside the comment, where the redirect lands: the top of the page is out of view.
        note_add(request, comment_id=comment.pk, text=_done_text(comment, count.mine))
        response = HttpResponseRedirect(reverse("comments:permalink", args=[comment.pk]))
    if token:
        voter_cookie_set(response, token)
    return response


def _address_key(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return ""
    return requester_key(user=None, address=client_network(request), purpose="vote.address")


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _done_text(comment: Comment, mine: int) -> str:
    if mine == 1:
        text = gettext("You voted up the comment by %(name)s.")
    elif mine == -1:
        text = gettext("You voted down the comment by %(name)s.")
    else:
        text = gettext("You have no vote on the comment by %(name)s.")
    return text % {"name": comment.user_name}


def _refused(
    request: HttpRequest, comment: Comment, reason: str, message: str, *, status: int = 0
) -> HttpResponse:
    status = status or STATUS_FOR.get(reason, 400)
    if _wants_json(request):
        return JsonResponse({"error": reason, "message": str(message)}, status=status)
    return render(
        request, "comments/vote.html", {"comment": comment, "reason": message}, status=status
    )


@require_GET
def order(request: HttpRequest, article_id: int) -> HttpResponse:
    """Show an article's comments in the order asked for, and remember it for next time."""
    chosen = request.GET.get("corder")
    article = Article.objects.published().filter(pk=article_id).only("slug").first()
    if article is None:
        raise Http404("No published article has that id.")
    if chosen not in ORDERS:
        return HttpResponse(gettext("The order is oldest, newest or best."), status=400)
    response = HttpResponseRedirect(f"{article.get_absolute_url()}?corder={chosen}#comments")
    order_remember(response, chosen)
    return response
