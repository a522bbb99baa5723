"""Comment entry points: post a comment, follow a permalink, ask what became of one."""

import logging
import time

from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from articles.models import Article
from core.after_response import commit_hooks_after_response
from core.http import client_ip, script_not_found
from core.ratelimit import rate_limited
from core.text import strip_control_characters

from . import presenters
from .forms import CommentForm
from .models import Comment
from .notices import KINDS, notice_text, status_seen_by_poster
from .owner import browser_key, own_comment_ids, verified_emails
from .refusals import (
    HONEYPOT_REASON,
    NOT_ATTACHED_REASON,
    NOT_CONFIRMED_REASON,
    NOT_STORED_REASON,
    REPLY_GONE_NEXT,
    SECURITY_REASONS,
    TOO_FAST,
    expired_notice,
    refusal_text,
)
from .services import (
    CommentRefused,
    CommentRejected,
    Poster,
    comment_receive,
    comment_text_fields,
)

# What a post is answered with lives in views_answers, shared with the CSRF refusal page
# (views_refused) and "Forget my details" (views_details).
from .views_answers import (
    article_posted_to,
    article_rendered,
    comment_posted,
    comment_url,
    refused,
    reply_cancelled,
    sent_before_answered,
)

logger = logging.getLogger(__name__)


def comment_post(request: HttpRequest) -> HttpResponse:
    """Validate the "Leave a Reply" form, store the comment, and show where it landed."""
    if request.method != "POST":
        # Reached by reloading a form sent back with errors from the address bar: a page
        # that says so, not a bare 405.
        response = render(request, "comments/post_address.html", status=405)
        response["Allow"] = "POST"
        return response
    # What the comment's commit sets off (page refresh, live events, emails, the scoring
    # message) runs once the poster has their answer (core.after_response).
    with commit_hooks_after_response() as later:
        return later.attach(_comment_post_tried(request))


def _comment_post_tried(request: HttpRequest) -> HttpResponse:
    # A database failure before the comment is stored (or while storing it, once a fresh
    # connection shows nothing was stored) is tried once more on a new connection; after
    # storing, failures are answered where they happen (comment_posted), so the poster is never
    # told a stored comment failed.
    for attempt in (1, 2):
        try:
            return _comment_post(request)
        except (DatabaseError, _NotStored):
            logger.warning("A comment was not stored (database failure, try %d)", attempt)
            connection.close()
    return refused(request, NOT_STORED_REASON, status=503)


class _NotStored(Exception):
    """The database failed while storing, and a fresh connection shows nothing was."""


def _comment_post(request: HttpRequest) -> HttpResponse:
    article = article_posted_to(request)
    if article is None:
        return refused(request, NOT_ATTACHED_REASON, status=404)
    if request.POST.get("cancel_reply"):
        return reply_cancelled(request, article)
    form = CommentForm(article, data=request.POST, user=request.user)
    if not form.is_valid():
        return sent_before_answered(request, article) or _form_refused(request, article, form)
    if rate_limited(request, "comment"):
        form.add_error(None, TOO_FAST)
        answered = sent_before_answered(request, article)
        return answered or article_rendered(request, article, form, status=429)
    started = timezone.now()
    try:
        comment, poster = _submit(request, article, form)
    except CommentRefused as refusal:
        form.add_error(None, refusal_text(refusal))
        return article_rendered(request, article, form, status=403)
    except CommentRejected as rejection:
        if rejection.field == "reply_to":
            # The reply's comment went (held, removed, deleted) while it was being written:
            # sent back as it would have to be posted, a new comment, so the next press works.
            form = form.without_reply()
            form.add_error(None, [rejection.message, REPLY_GONE_NEXT])
            return article_rendered(request, article, form, status=400)
        form.add_error(None, rejection.message)
        return article_rendered(request, article, form, status=403 if not rejection.field else 400)
    except DatabaseError:
        return _database_failed(request, article, since=started)
    return comment_posted(
        request, comment, poster, remember=form.cleaned_data.get("remember", False)
    )


def _database_failed(request: HttpRequest, article: Article, *, since) -> HttpResponse:
    """The database failed while the comment was being stored. Say what is true: that it
    was not posted (we looked again, on a fresh connection), that it was after all (the
    commit went through before the failure), or that nobody can tell yet."""
    logger.exception("Storing a comment on article %s failed on the database", article.pk)
    connection.close()  # a failed connection is of no more use; the next query opens one
    if request.user.is_authenticated:
        poster = {"user_id": request.user.pk}
    else:
        poster = {"submission_meta__browser": browser_key(request)}
    if not all(poster.values()):
        return refused(request, NOT_CONFIRMED_REASON, status=503)
    text_hash = comment_text_fields(request.POST.get("comment", ""))["text_hash"]
    try:
        stored = Comment.objects.filter(
            article_id=article.pk, submit_date__gte=since, text_hash=text_hash, **poster
        ).first()
    except DatabaseError:
        return refused(request, NOT_CONFIRMED_REASON, status=503)
    if stored is None:
        raise _NotStored
    logger.info("comment %s: stored before the database failed; answered as posted", stored.pk)
    poster = Poster(name=stored.user_name, email=stored.user_email, url=stored.user_url)
    return comment_posted(request, stored, poster, remember=request.POST.get("remember") == "on")


def _form_refused(request: HttpRequest, article: Article, form: CommentForm) -> HttpResponse:
    """Answer a form that did not validate: field errors at the form, an expired form
    signed afresh with the text kept, a tampered one refused."""
    problem = form.security_problem()
    if problem == "expired":
        notice = expired_notice()
        return article_rendered(request, article, form.resigned(), status=400, notice=notice)
    if problem == "honeypot" and set(form.errors) == {"honeypot"}:
        # Stored, so nothing is lost if a person's autofill filled it; the scorer marks it
        # spam and a moderator can still rescue it.
        try:
            _submit(request, article, form)
        except CommentRefused as refusal:
            return refused(request, refusal_text(refusal), status=403)
        except CommentRejected as rejection:
            return refused(request, rejection.message, status=400)
        return refused(request, HONEYPOT_REASON, status=400)
    if problem:
        return refused(request, SECURITY_REASONS[problem], status=400)
    return article_rendered(request, article, form, status=400)


def _submit(request: HttpRequest, article: Article, form: CommentForm) -> tuple[Comment, Poster]:
    data = form.cleaned_data
    if request.user.is_authenticated:
        poster = Poster.for_user(request.user)
    else:
        email = data.get("email", "")
        poster = Poster(
            name=data["name"],
            email=email,
            url=data.get("url", ""),
            browser_key=browser_key(request),
            email_verified=bool(email) and email.lower() in verified_emails(request),
        )
    meta = {
        "form_seconds": max(int(time.time()) - int(data["timestamp"]), 0),
        "honeypot": strip_control_characters(request.POST.get("honeypot", ""))[:200],
        # The language the commenter reads Parley in: emails about this comment use it.
        "language": get_language(),
    }
    comment = comment_receive(
        article=article,
        poster=poster,
        text=data["comment"],
        reply_to=data["reply_to"],
        own_ids=own_comment_ids(request),
        ip_address=client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
        meta=meta,
        followup=bool(data.get("followup")),
    )
    return comment, poster


def comment_permalink(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Redirect to the page and anchor where a comment is shown."""
    comment, viewer = presenters.permalink_followed(request, comment_id)
    if comment is None:
        raise Http404("No comment with that id is shown here.")
    return HttpResponseRedirect(comment_url(request, comment, viewer))


@require_GET
@never_cache
def comment_status(request: HttpRequest, comment_id: int) -> JsonResponse:
    """What the poster of a comment should now read about it: the script on the article page
    asks while the comment is being checked. Only the poster's browser or account may ask."""
    viewer = presenters.viewer_for(request)
    row = (
        Comment.objects.filter(pk=comment_id)
        .values_list("status", "user_id", "submission_meta")
        .first()
    )
    if row is None or not viewer.owns(comment_id=comment_id, user_id=row[1]):
        return script_not_found("No comment of yours has that id.")
    seen = status_seen_by_poster(row[0], shadow=bool((row[2] or {}).get("shadow")))
    kind = request.GET.get("kind", "")
    return JsonResponse({"status": seen, "text": notice_text(kind if kind in KINDS else "", seen)})
