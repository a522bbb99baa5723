"""The context the comment section's template renders: the page of threads, the form, the
links every comment carries and the parts only some viewers get (moderating in place,
picking, voting); built from comments.presenters' nodes."""

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token

from articles.models import Article
from articles.page_cache import shareable
from core.ids import parse_id
from core.roles import is_moderator
from core.urls import url_reversed

from .forms import CommentForm
from .live import live_position
from .moderating import moderation_allowed, moderation_notices_place, moderation_toggle
from .notices import notes_place, notice_pending, notice_text
from .owner import remembered_commenter
from .presenters import CommentNode, comment_section, viewer_for
from .selectors import ORDERS, comment_for_reply
from .selectors_picks import may_pick
from .selectors_votes import votes_of_voter
from .thread_html import thread_html
from .thread_links import ID_PLACEHOLDER, InPlaceModeration, ThreadLinks, VoteForms
from .voting import default_order, order_chosen, vote_rules, voter_key


def comment_section_context(
    request: HttpRequest,
    article: Article,
    *,
    form: CommentForm | None = None,
    notice: str = "",
    details_notice: str = "",
) -> dict:
    """Everything the comment section of an article page renders."""
    viewer = viewer_for(request)
    can_moderate = moderation_allowed(user=request.user, article=article)
    moderating = can_moderate and request.GET.get("moderate") == "1"
    rules = vote_rules()
    # Read before the comments: an event published meanwhile is then heard again (live.js
    # shows a comment already on the page once), never missed.
    live_from = (
        live_position(article_id=article.pk) if article.is_published and not moderating else ""
    )
    section = comment_section(
        article=article,
        viewer=viewer,
        # Not a page number ("0", "-1", "x"): the first page (Django's paginator would give
        # the last for a number below 1); one past the end still gives the last.
        page_number=parse_id(request.GET.get("cpage")) or 1,
        order=order_chosen(request, ORDERS) or default_order(rules),
        thread_id=parse_id(request.GET.get("thread")),
        context_id=parse_id(request.GET.get("context")),
        moderating=moderating,
    )
    section_notice = " ".join(
        filter(None, [_notice_place(request, section.nodes), notes_place(request, section.nodes)])
    )
    moderation_notice = moderation_notices_place(request, section.nodes)
    reply_target = None
    reply_to = form["reply_to"].value() if form is not None else request.GET.get("replyto")
    reply_id = parse_id(reply_to)
    if reply_id:
        reply_target = comment_for_reply(article=article, comment_id=reply_id, viewer=viewer)
    if form is None:
        initial = {"reply_to": reply_target.pk if reply_target else 0}
        remembered = remembered_commenter(request)
        initial.update(remembered, remember=bool(remembered))
        form = CommentForm(article, initial=initial, user=request.user)
    # Every link of a moderator's page keeps it showing the held and spam comments.
    mode_query = "moderate=1&" if moderating else ""
    plain_order_query = f"corder={section.order}&" if section.order != "oldest" else ""
    order_query = mode_query + plain_order_query
    page_query = (f"cpage={section.page.number}&" if section.page.number > 1 else "") + order_query
    if section.thread_id:
        page_query = f"{mode_query}thread={section.thread_id}&"
    if section.context_id:
        page_query += f"context={section.context_id}&"
    picks = section.picks
    pick_ids = {pick.pk for pick in picks}
    for node in section.nodes:
        node.picked = node.pickable and node.pk in pick_ids
    my_votes_attach(request, section.nodes)
    can_pick = may_pick(user=request.user, article=article)
    links = thread_links(
        request,
        article,
        can_moderate=can_moderate,
        can_pick=can_pick,
        page_query=page_query,
        mode_query=mode_query,
        moderating=moderating,
        down_votes=rules.down_votes_allowed,
    )
    return {
        "article": article,
        "section": section,
        "order_query": order_query,
        # Readers' order links go through a page that remembers their choice; a moderator's
        # stay on their page.
        "order_base": "?moderate=1&corder="
        if moderating
        else url_reversed("comments:order", article.pk) + "?corder=",
        "mode_query": mode_query,
        "urls": {
            "live": url_reversed("comments:live", article.pk),
            "live_from": live_from,
            # The live script puts a comment's id in place of the placeholder.
            "fragment": url_reversed("comments:fragment", ID_PLACEHOLDER),
            "permalink": url_reversed("comments:permalink", ID_PLACEHOLDER),
            "feed_atom": url_reversed("feed_comments_atom", article.slug),
            "feed_rss": url_reversed("feed_comments_rss", article.slug),
        },
        "thread_html": thread_html(section.nodes, section.trailing_closes, links),
        "form": form,
        "notice": notice,
        "details_notice": details_notice,
        # A guest's saved details, or the list of comments their browser posted, get a way
        # to forget them (comments.views_details); the page is then this browser's own,
        # never the shared one (articles.page_cache).
        "details_saved": not request.user.is_authenticated and bool(remembered_commenter(request)),
        "own_comments_here": not request.user.is_authenticated and bool(viewer.own_ids),
        "section_notice": section_notice,
        "picks": picks,
        "can_pick": can_pick,
        "moderation": moderation_toggle(
            article=article, moderating=moderating, order_query=plain_order_query
        )
        if can_moderate
        else None,
        "moderation_notice": moderation_notice,
        "reply_target": reply_target,
        "viewer": viewer,
        "request": request,
        "user": request.user,
        "comments_open": article.accepts_comments,
        "email_required": settings.PARLEY_COMMENT_EMAIL_REQUIRED,
    }


def _notice_place(request: HttpRequest, nodes: list[CommentNode]) -> str:
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


def my_votes_attach(request: HttpRequest, nodes: list[CommentNode]) -> None:
    """Mark the reader's own votes on these comments: one query, none for a guest who
    never voted."""
    votable = [node.pk for node in nodes if node.votable]
    mine = votes_of_voter(voter_key=voter_key(request), comment_ids=votable)
    for node in nodes:
        node.my_vote = mine.get(node.pk, 0)


def thread_links(
    request: HttpRequest,
    article: Article,
    *,
    can_moderate: bool,
    can_pick: bool,
    down_votes: bool,
    page_query: str = "",
    mode_query: str = "",
    moderating: bool = False,
) -> ThreadLinks:
    """The parts of the links and forms every comment of this reader's page carries (the
    page and the live thread's fragments alike); `moderating`, a moderator's view, with
    each comment's moderation form, which comes back to this page."""
    moderation = (
        InPlaceModeration.build(
            csrf_token=get_token(request),
            page_url=f"{article.get_absolute_url()}?{page_query.rstrip('&')}",
            # Banning reaches beyond this article: moderators only (the ban page checks too).
            can_ban=is_moderator(request.user),
        )
        if moderating
        else None
    )
    return ThreadLinks.build(
        reply_query=f"?{page_query}replyto=",
        thread_query=f"?{mode_query}thread=",
        comments_open=article.accepts_comments,
        can_moderate=can_moderate,
        moderate_query=f"?{page_query}moderate=1#c",
        moderation=moderation,
        # Never true for the page shared by anonymous readers: it must not carry a token.
        can_pick=can_pick,
        csrf_token=get_token(request) if can_pick else "",
        votes=VoteForms.build(
            # The shared page carries no token: its vote buttons lead to a page that asks
            # again with one (static/js/votes.js posts them in place instead).
            csrf_token="" if shareable(request) else get_token(request),
            down_votes=down_votes,
        ),
    )
