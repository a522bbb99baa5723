"""Comment entry points: post a comment, follow a permalink, explain a refused form."""

import time
from datetime import timedelta

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from articles.models import Article
from articles.selectors import article_page_context, article_page_queryset
from core.http import client_ip
from core.ids import parse_id
from core.ratelimit import rate_limited
from core.roles import is_moderator
from core.text import strip_control_characters

from . import selectors
from .forms import CommentForm
from .models import Comment
from .notices import KINDS, notice_add, notice_pending, notice_text, status_seen_by_poster
from .owner import (
    browser_key,
    forget_commenter,
    own_comment_ids,
    remember_commenter,
    remember_own_comment,
    remembered_commenter,
    verified_emails,
)
from .services import CommentRefused, CommentRejected, Poster, comment_receive
from .thread_html import ThreadLinks, thread_html

SECURITY_REASONS = {
    "honeypot": "The comment was refused because a field meant to stay empty (hidden from "
    "people, filled in by spam robots) was filled in, and the form had other errors too. "
    "Reload the article and post again without an autofill tool.",
    "forged": "The comment form failed its security check: it was altered or not sent from "
    "this site. Reload the article and try again.",
}
HONEYPOT_REASON = (
    "Your comment was not published: a field meant to stay empty (hidden from people, filled "
    "in by spam robots) was filled in, perhaps by an autofill tool. It has been kept for a "
    "moderator to review."
)
ARTICLE_CONTENT_TYPE = "articles.article"


def viewer_for(request: HttpRequest) -> selectors.Viewer:
    """The viewer of a comment section: their account, permissions and own comments."""
    user = request.user
    return selectors.Viewer(
        user_id=user.pk if user.is_authenticated else None,
        own_ids=own_comment_ids(request),
        can_moderate=is_moderator(user),
    )


def comment_section_context(
    request: HttpRequest, article: Article, *, form: CommentForm | None = None, notice: str = ""
) -> dict:
    """Everything the comment section of an article page renders."""
    viewer = viewer_for(request)
    order = request.GET.get("corder") or settings.PARLEY_COMMENT_ORDER
    thread = request.GET.get("thread")
    section = selectors.comment_section(
        article=article,
        viewer=viewer,
        page_number=request.GET.get("cpage") or 1,
        order=order,
        per_page=settings.PARLEY_THREADS_PER_PAGE,
        author_ids=frozenset(author.pk for author in article.authors.all()),
        edit_window=timedelta(minutes=settings.PARLEY_EDIT_MINUTES),
        comment_budget=settings.PARLEY_COMMENTS_PER_PAGE,
        thread_id=parse_id(thread),
    )
    section_notice = _notice_place(request, section.nodes)
    reply_target = None
    reply_to = form["reply_to"].value() if form is not None else request.GET.get("replyto")
    reply_id = parse_id(reply_to)
    if reply_id:
        reply_target = selectors.comment_for_reply(
            article=article, comment_id=reply_id, viewer=viewer
        )
    if form is None:
        initial = {"reply_to": reply_target.pk if reply_target else 0}
        remembered = remembered_commenter(request)
        initial.update(remembered, remember=bool(remembered))
        form = CommentForm(article, initial=initial, user=request.user)
    page_query = (f"cpage={section.page.number}&" if section.page.number > 1 else "") + (
        f"corder={section.order}&" if section.order != "oldest" else ""
    )
    if section.thread_id:
        page_query = f"thread={section.thread_id}&"
    links = ThreadLinks.build(
        reply_query=f"?{page_query}replyto=",
        comments_open=article.accepts_comments,
        can_moderate=viewer.can_moderate,
    )
    return {
        "article": article,
        "section": section,
        "thread_html": thread_html(section.nodes, section.trailing_closes, links),
        "form": form,
        "notice": notice,
        "section_notice": section_notice,
        "reply_target": reply_target,
        "viewer": viewer,
        "request": request,
        "user": request.user,
        "comments_open": article.accepts_comments,
        "email_required": settings.PARLEY_COMMENT_EMAIL_REQUIRED,
    }


def _notice_place(request: HttpRequest, nodes: list[selectors.CommentNode]) -> str:
    """Put a queued confirmation inside the comment it is about, worded from that comment's
    status now; returns it for the top of the section when that comment is not shown."""
    pending = notice_pending(request)
    if pending is None:
        return ""
    comment_id, kind, fallback = pending
    for node in nodes:
        if node.pk == comment_id and node.is_own:
            node.notice = notice_text(kind, node.status_seen) or fallback
            node.notice_kind = kind
            return ""
    return fallback


def _render_article(
    request: HttpRequest, article: Article, form: CommentForm, *, status: int, notice: str = ""
) -> HttpResponse:
    context = article_page_context(article=article)
    context.update(comment_form=form, comment_notice=notice)
    return render(request, "articles/article_detail.html", context, status=status)


def _refuse(request: HttpRequest, reason: str, *, status: int) -> HttpResponse:
    return render(
        request,
        "comments/refused.html",
        {"reason": reason, "text": request.POST.get("comment", "")},
        status=status,
    )


def _target_article(request: HttpRequest) -> Article | None:
    article_id = parse_id(request.POST.get("object_pk"))
    if request.POST.get("content_type") != ARTICLE_CONTENT_TYPE or article_id is None:
        return None
    return article_page_queryset().filter(pk=article_id).first()


@require_POST
def comment_post(request: HttpRequest) -> HttpResponse:
    """Validate the "Leave a Reply" form, store the comment, and show where it landed."""
    article = _target_article(request)
    if article is None:
        return _refuse(request, "This comment is not attached to a published article.", status=404)
    form = CommentForm(article, data=request.POST, user=request.user)
    if not form.is_valid():
        problem = form.security_problem()
        if problem == "expired":
            notice = (
                "Your comment was not posted because this page was open for more than "
                f"{settings.COMMENTS_TIMEOUT // 3600} hours. It is kept below: check it and "
                "post it again."
            )
            return _render_article(request, article, form.resigned(), status=400, notice=notice)
        if problem == "honeypot" and set(form.errors) == {"honeypot"}:
            # Stored, so nothing is lost if a person's autofill filled it; the scorer
            # marks it spam and a moderator can still rescue it.
            try:
                _submit(request, article, form)
            except CommentRefused as refusal:
                return _refuse(request, _refusal_text(refusal), status=403)
            except CommentRejected as rejection:
                return _refuse(request, rejection.message, status=400)
            return _refuse(request, HONEYPOT_REASON, status=400)
        if problem:
            return _refuse(request, SECURITY_REASONS[problem], status=400)
        return _render_article(request, article, form, status=400)

    data = form.cleaned_data
    own_ids = own_comment_ids(request)
    if rate_limited(request, "comment"):
        form.add_error(
            None, "You are posting faster than this site allows. Wait a minute and send it again."
        )
        return _render_article(request, article, form, status=429)
    try:
        comment, poster = _submit(request, article, form)
    except CommentRefused as refusal:
        form.add_error(None, _refusal_text(refusal))
        return _render_article(request, article, form, status=403)
    except CommentRejected as rejection:
        form.add_error(None, rejection.message)
        return _render_article(request, article, form, status=403 if not rejection.field else 400)

    viewer = selectors.Viewer(
        user_id=request.user.pk if request.user.is_authenticated else None,
        own_ids=own_ids | {comment.pk},
    )
    response = HttpResponseRedirect(_comment_url(comment, viewer))
    # Worded when shown, from the status then: scoring may still be under way now.
    notice_add(request, comment_id=comment.pk, kind="posted")
    remember_own_comment(request, response, comment.pk)
    if not request.user.is_authenticated:
        if data.get("remember"):
            remember_commenter(response, name=poster.name, email=poster.email, url=poster.url)
        else:
            forget_commenter(response)
    return response


def _refusal_text(refusal: CommentRefused) -> str:
    if refusal.until is None:
        return "You cannot comment on this site."
    return f"You cannot comment on this site until {date_format(refusal.until, 'j F Y')}."


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


def _comment_url(comment: Comment, viewer: selectors.Viewer) -> str:
    if comment.thread_id != comment.pk:
        # A reply is shown in its whole thread: on the page it may sit in a collapsed one.
        return f"{comment.article.get_absolute_url()}?thread={comment.thread_id}#c{comment.pk}"
    page = selectors.comment_page_number(
        comment=comment,
        viewer=viewer,
        order=settings.PARLEY_COMMENT_ORDER,
        per_page=settings.PARLEY_THREADS_PER_PAGE,
    )
    query = f"?cpage={page}" if page > 1 else ""
    return f"{comment.article.get_absolute_url()}{query}#c{comment.pk}"


def comment_permalink(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Redirect to the page and anchor where a comment is shown."""
    comment = get_object_or_404(
        Comment.objects.select_related("article").filter(article__in=Article.objects.published()),
        pk=comment_id,
    )
    return HttpResponseRedirect(_comment_url(comment, viewer_for(request)))


@require_GET
@never_cache
def comment_status(request: HttpRequest, comment_id: int) -> JsonResponse:
    """What the poster of a comment should now read about it: the script on the article page
    asks while the comment is being checked. Only the poster's browser or account may ask."""
    viewer = viewer_for(request)
    row = (
        Comment.objects.filter(pk=comment_id)
        .values_list("status", "user_id", "submission_meta")
        .first()
    )
    if row is None or not viewer.owns(comment_id=comment_id, user_id=row[1]):
        raise Http404("No comment of yours has that id.")
    seen = status_seen_by_poster(row[0], shadow=bool((row[2] or {}).get("shadow")))
    kind = request.GET.get("kind", "")
    return JsonResponse({"status": seen, "text": notice_text(kind if kind in KINDS else "", seen)})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A 403 that says what happened and hands back any comment text that was sent."""
    return render(
        request,
        "csrf_failure.html",
        {"reason": reason, "text": request.POST.get("comment", "")},
        status=403,
    )
