"""What a comment form's POST is answered with: the article page with the form as it came
back, the page saying why it was refused, or the comment it posted, with this browser's
cookies."""

import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone

from articles.models import Article
from articles.selectors import article_for_posting, article_page_context, article_page_queryset
from core.ids import parse_id

from . import selectors
from .forms import CommentForm
from .models import Comment
from .notices import notice_add
from .owner import (
    browser_key,
    forget_commenter,
    own_comment_ids,
    remember_commenter,
    remember_own_comment,
)
from .refusals import NOT_CONFIRMED_HEADING, NOT_CONFIRMED_REASON
from .services import DUPLICATE_WINDOW, Poster, comment_text_hash
from .voting import default_order, order_chosen

ARTICLE_CONTENT_TYPE = "articles.article"
logger = logging.getLogger(__name__)


def article_rendered(
    request: HttpRequest,
    article: Article,
    form: CommentForm,
    *,
    status: int,
    notice: str = "",
    details_notice: str = "",
) -> HttpResponse:
    """The article page answering a post, with the form as it came back."""
    # The post read only what decides whether the article takes comments; the page needs all.
    article = article_page_queryset().get(pk=article.pk)
    context = article_page_context(article=article)
    context.update(comment_form=form, comment_notice=notice, comment_details_notice=details_notice)
    return render(request, "articles/article_detail.html", context, status=status)


def refused(request: HttpRequest, reason: str, *, status: int) -> HttpResponse:
    """The page saying why a comment form was refused, with its text to copy."""
    # The heading is read first: when the comment may have been stored after all, it must
    # not say "not posted", or the reader posts it again beside the one that was.
    heading = NOT_CONFIRMED_HEADING if reason is NOT_CONFIRMED_REASON else ""
    return render(
        request,
        "comments/refused.html",
        {"reason": reason, "heading": heading, "text": request.POST.get("comment", "")},
        status=status,
    )


def article_posted_to(request: HttpRequest) -> Article | None:
    """The article a comment form was posted to, as posting reads it (None for another kind
    of object or an id that is not one)."""
    article_id = parse_id(request.POST.get("object_pk"))
    if request.POST.get("content_type") != ARTICLE_CONTENT_TYPE or article_id is None:
        return None
    return article_for_posting(article_id=article_id)


def sent_before_answered(request: HttpRequest, article: Article) -> HttpResponse | None:
    """The comment, if a refused form's text is one this poster posted here since, else
    None. Back from the posted comment to the refusal's page has Chromium send the refused
    form again ("Confirm Form Resubmission"): answered with the refusal, the reader read
    "Your comment was not posted" under a comment that was, and posted it again."""
    text = request.POST.get("comment", "")
    if not text.strip():
        return None
    user_id = request.user.pk if request.user.is_authenticated else None
    earlier = selectors.comment_sent_before(
        article=article,
        text_hash=comment_text_hash(text),
        reply_to=parse_id(request.POST.get("reply_to")) or 0,
        since=timezone.now() - DUPLICATE_WINDOW,
        user_id=user_id,
        own_ids=frozenset() if user_id else own_comment_ids(request),
        browser_key="" if user_id else browser_key(request),
    )
    if earlier is None:
        return None
    viewer = selectors.Viewer(user_id=user_id, own_ids=own_comment_ids(request) | {earlier.pk})
    # Worded from its status when shown, as after a double click (posting's duplicate check).
    notice_add(request, comment_id=earlier.pk, kind="posted")
    return HttpResponseRedirect(comment_url(request, earlier, viewer))


def reply_cancelled(request: HttpRequest, article: Article) -> HttpResponse:
    """ "Cancel reply" pressed without JavaScript: the form comes back as a new comment with
    what was typed in it (a link would have reloaded the page with the box empty). It
    changes nothing, so the CSRF refusal page answers it the same way (views_refused)."""
    kept = ("comment", "name", "email", "url", "remember", "followup")
    initial = {name: request.POST[name] for name in kept if name in request.POST}
    form = CommentForm(article, initial=initial, user=request.user)
    return article_rendered(request, article, form, status=200)


def comment_posted(
    request: HttpRequest, comment: Comment, poster: Poster, *, remember: bool
) -> HttpResponse:
    """Send the poster to their comment, with its confirmation and this browser's cookies.

    The comment is committed: from here nothing may fail the poster. Finding its page needs
    the database, so if that fails the answer falls back to the article."""
    viewer = selectors.Viewer(
        user_id=request.user.pk if request.user.is_authenticated else None,
        own_ids=own_comment_ids(request) | {comment.pk},
    )
    try:
        target = comment_url(request, comment, viewer)
    except DatabaseError:
        logger.warning("comment %s: stored; its page not found (database); sent to the article",
                       comment.pk)  # fmt: skip
        target = f"{comment.article.get_absolute_url()}#c{comment.pk}"
    response = HttpResponseRedirect(target)
    # Worded when shown, from the status then: scoring may still be under way now.
    notice_add(request, comment_id=comment.pk, kind="posted")
    if not request.user.is_authenticated:
        # Only a guest's: an account's comment in the browser's list would stay there after
        # signing out, showing whoever uses the browser next the account's held comments.
        remember_own_comment(request, response, comment.pk)
        if remember:
            remember_commenter(
                request, response, name=poster.name, email=poster.email, url=poster.url
            )
        else:
            forget_commenter(request, response)
    return response


def comment_url(request: HttpRequest, comment: Comment, viewer: selectors.Viewer) -> str:
    """The page and anchor where this viewer is shown the comment."""
    # A held or spam comment is on the moderators' view of its page only: a moderator sent
    # to the readers' page (from the queue's "see it in place", the audit log) found no trace.
    moderating = viewer.can_moderate and comment.status in selectors.MODERATED_STATES
    mode = "moderate=1&" if moderating else ""
    if comment.thread_id != comment.pk:
        # A reply is shown with the comments it answers (on the page its thread may be
        # collapsed); the rest of the thread, however long, is a link away.
        thread = f"thread={comment.thread_id}&context={comment.pk}"
        return f"{comment.article.get_absolute_url()}?{mode}{thread}#c{comment.pk}"
    page = selectors.comment_page_number(
        comment=comment,
        viewer=viewer,
        # The order the page itself will use: the reader's choice, else the site's.
        order=order_chosen(request, selectors.ORDERS) or default_order(),
        per_page=settings.PARLEY_THREADS_PER_PAGE,
        moderating=moderating,
    )
    query = f"{mode}cpage={page}" if page > 1 else mode.rstrip("&")
    return f"{comment.article.get_absolute_url()}{'?' if query else ''}{query}#c{comment.pk}"
