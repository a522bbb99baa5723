"""The guest's details saved in this browser by the comment form's "Save my name, email, and
website" box: forgetting them from the form itself."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import CommentForm
from .owner import Forgotten, browser_details_forget, browser_details_forgotten
from .refusals import NOT_ATTACHED_REASON
from .views_answers import article_posted_to, article_rendered, refused

# What the reader typed comes back with the page; the details it forgets do not.
KEPT_FIELDS = ("comment", "reply_to", "followup")


@require_POST
def details_forget(request: HttpRequest) -> HttpResponse:
    """Forget the saved name, email and website (and, if asked, which comments this browser
    posted), and give the form back with the text being written still in it. A button of
    the comment form, so it works without JavaScript and the text goes along."""
    article = article_posted_to(request)
    if article is None:
        return refused(request, NOT_ATTACHED_REASON, status=404)
    forgotten = browser_details_forget(request, own_comments=request.POST.get("forget_own") == "1")
    initial = {name: request.POST[name] for name in KEPT_FIELDS if name in request.POST}
    form = CommentForm(article, initial=initial, user=request.user)
    response = article_rendered(
        request, article, form, status=200, details_notice=forgotten_text(forgotten)
    )
    browser_details_forgotten(response, forgotten)
    return response


def forgotten_text(forgotten: Forgotten) -> str:
    """What the reader is told was forgotten, and what this browser still knows."""
    if forgotten.details:
        sentences = [_("Your name, email address and website are no longer saved in this browser.")]
    else:
        sentences = [_("No name, email address or website is saved in this browser.")]
    if forgotten.proof:
        sentences.append(_("It no longer counts as having confirmed your email address."))
    if forgotten.own_comments:
        sentences.append(
            _(
                "It no longer knows which comments it posted: article pages no longer offer to "
                "edit or delete them, nor show you those awaiting moderation."
            )
        )
    elif forgotten.own_comments_kept:
        sentences.append(
            _(
                "It still knows which comments it posted: you can still delete them, and edit "
                "them while editing is open."
            )
        )
    return " ".join(sentences)
