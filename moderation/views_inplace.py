"""Moderating a comment where it sits: the buttons of an article page's moderator view
(`?moderate=1`, built by comments/thread_html.py).

Without JavaScript a button posts its form here and the answer leads back to the comment on
the same page, with a note inside it saying what happened. static/js/moderate_inplace.js
sends the same form with fetch and gets that note as JSON, to update the comment in place.
Who may act is asked for every comment: moderators anywhere, an article's authors on their
own article when the rules allow it (moderation/permissions.py).
"""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from comments.models import Comment, CommentStatus
from comments.moderating import comment_words_changed, moderation_notice_add
from comments.selectors import moderated_counts
from comments.thread_html import MODERATION_BUTTONS, MODERATION_LABELS
from core.http import safe_next

from . import services
from .outcomes import decision_outcome
from .permissions import comment_moderation_allowed
from .selectors_queue import open_reports_count

S = CommentStatus
# The actions a comment's buttons send, and the status each leads to.
TARGETS = {action: to for action, to, *_ in MODERATION_BUTTONS}
REFUSED = gettext_lazy(
    "Only moderators, and authors the site lets moderate their own articles, can do that."
)
# What a moderator's page shows of a comment (besides placeholders kept for their replies).
SHOWN = (S.PUBLISHED, S.HELD, S.SPAM)
EDITED_SHOWN = gettext_lazy("Its words as they are now are shown: read them before you decide.")


@require_POST
def comment_moderate(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Approve, mark spam or remove one comment from its article's page."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    if not request.user.is_authenticated:
        if wants_json:
            return JsonResponse({"message": _("Sign in to moderate comments.")}, status=401)
        return redirect_to_login(safe_next(request, "/"))
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=comment_id)
    if not comment_moderation_allowed(user=request.user, article=comment.article):
        return _answer(request, wants_json, str(REFUSED), status=403)
    action = request.POST.get("action", "")
    if action not in TARGETS:
        return _answer(request, wants_json, _("Choose Approve, Spam or Remove."), status=400)
    target = TARGETS[action]
    seen = request.POST.get("seen", "")
    # A form from before the field existed says nothing of the words (judged as before).
    words_seen = request.POST.get("words_seen")
    changed = bool(
        services.comments_moderate(
            comment_ids=[comment.pk],
            action=action,
            actor=request.user,
            seen={comment.pk: seen} if seen in S.values else None,
            # The article page shows no reports: publishing from it settles none, as its
            # moderator (perhaps the article's author) has read none of them.
            seen_reports=(),
            words_seen=None if words_seen is None else {comment.pk: words_seen},
        )
    )
    now = _comment_now(comment.pk)
    status = target if changed else (now.status if now else "")
    edited = now is not None and comment_words_changed(now, words_seen)
    text = decision_outcome(
        name=comment.user_name,
        target=target,
        status=status,
        seen=seen,
        changed=changed,
        edited=edited,
    )
    if changed and target == S.PUBLISHED:
        text = " ".join(filter(None, [text, _reports_left(comment.pk)]))
    # Edited since the page showed it: the answer shows the words as they are now, where
    # the old ones were (a reload without JavaScript, the fragment with it), and the form
    # that comes with them names them as the ones seen.
    refreshed = edited and not changed and status in SHOWN
    if refreshed:
        text = " ".join([text, str(EDITED_SHOWN)])
    if wants_json:
        label = str(MODERATION_LABELS.get(status, ""))
        answer = {"status": status, "label": label, "message": text, "changed": changed}
        if refreshed:
            fragment = reverse("comments:fragment", args=[comment.pk])
            answer["fragment"] = f"{fragment}?moderate=1"
        # The page's "N held, M spam" stays true without a reload.
        answer["counts"] = moderated_counts(article=comment.article)
        return JsonResponse(answer, status=200 if status == target else 409)
    moderation_notice_add(request, comment_id=comment.pk, text=text, done=changed)
    page = safe_next(request, f"{comment.article.get_absolute_url()}?moderate=1").split("#")[0]
    # Back to the comment if the page still shows it, else to the section's top.
    still_shown = status in SHOWN or comment.nested_count > 0
    return HttpResponseRedirect(f"{page}#c{comment.pk}" if still_shown else f"{page}#comments")


def _comment_now(comment_id: int) -> Comment | None:
    return Comment.objects.only("status", "edited_at").filter(pk=comment_id).first()


def _reports_left(comment_id: int) -> str:
    """The reports an approval from the article page left open, since it showed none."""
    count = open_reports_count(comment_id=comment_id)
    if not count:
        return ""
    return ngettext(
        "%(count)s open report on it was not shown here: it stays in the Reported tab for "
        "a moderator to read.",
        "%(count)s open reports on it were not shown here: they stay in the Reported tab for "
        "a moderator to read.",
        count,
    ) % {"count": count}


def _answer(request: HttpRequest, wants_json: bool, text: str, *, status: int) -> HttpResponse:
    """A refusal: JSON for the page's script, the site's error page without it."""
    if wants_json:
        return JsonResponse({"message": text}, status=status)
    template = "errors/403.html" if status == 403 else "errors/400.html"
    return render(request, template, {"reason": text}, status=status)
