"""One comment's <li>, as the requesting reader would see it on the article page: the live
thread's scripts (static/js/live_arrivals.js, live_changes.js) fetch it to insert a new
comment or refresh a changed one in place, and the moderator's view (`?moderate=1`,
static/js/moderate_inplace.js) to show a comment edited since it was loaded. Built by the
page's own presenter and markup code, so the two never differ."""

from dataclasses import replace
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.http import script_not_found

from . import presenters, selectors
from .models import Comment, CommentStatus
from .moderating import moderation_allowed
from .presenters_section import my_votes_attach, thread_links
from .selectors_picks import article_picks, may_pick
from .selectors_threads import MODERATED_STATES
from .thread_html import thread_html
from .voting import vote_rules


@require_GET
@never_cache
def comment_fragment(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Answer one comment's <li> for this viewer; 404 where the page would not show it.
    `?moderate=1` asks for it as the moderator's view of the page shows it (to one who may
    moderate the article): held and spam comments too, with their moderation forms."""
    viewer = presenters.viewer_for(request)
    comment = None
    if request.GET.get("moderate") == "1":
        comment = _moderated_comment(request, comment_id, viewer)
    moderating = comment is not None
    if comment is None:
        # The readers' page: a held comment with no published replies is as missing here as
        # on the page, whoever asks.
        readers_view = selectors.Viewer(user_id=viewer.user_id, own_ids=viewer.own_ids)
        comment = selectors.comment_for_permalink(comment_id=comment_id, viewer=readers_view)
    if comment is None:
        return script_not_found("No comment with that id is shown here.")
    article = comment.article
    author_ids = frozenset(author.pk for author in article.authors.all())
    (node,) = presenters.build_nodes(
        [comment],
        root_ids=[comment.thread_id],
        viewer=viewer,
        author_ids=author_ids,
        moderator_ids=selectors.moderator_ids_among({comment.user_id} - {None}),
        editable_since=timezone.now() - timedelta(minutes=settings.PARLEY_EDIT_MINUTES),
        moderating=moderating,
    )
    presenters.edits_screen([node], [comment], viewer=viewer)
    # Alone, the comment has no ancestors in the list: on the page every one of them is
    # there (a published reply keeps them, as placeholders if need be).
    node.depth = comment.level
    if node.pickable and comment.picked_at is not None:
        node.picked = comment.pk in {pick.pk for pick in article_picks(article=article)}
    my_votes_attach(request, [node])
    mode_query = "moderate=1&" if moderating else ""
    links = thread_links(
        request,
        article,
        can_moderate=moderating or moderation_allowed(user=request.user, article=article),
        can_pick=may_pick(user=request.user, article=article),
        down_votes=vote_rules().down_votes_allowed,
        page_query=mode_query,
        mode_query=mode_query,
        moderating=moderating,
    )
    html = thread_html([node], range(0), links)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["X-Robots-Tag"] = "noindex"
    return response


def _moderated_comment(
    request: HttpRequest, comment_id: int, viewer: selectors.Viewer
) -> Comment | None:
    """The comment as the moderator's view of its page shows it, if the viewer may have
    that view of its article and the view shows it (held and spam comments too, a removed
    or deleted one only as its published replies' placeholder); else None."""
    comment = selectors.comment_for_permalink(
        comment_id=comment_id, viewer=replace(viewer, can_moderate=True)
    )
    if comment is None or not moderation_allowed(user=request.user, article=comment.article):
        return None
    shown = comment.status == CommentStatus.PUBLISHED or comment.status in MODERATED_STATES
    return comment if shown or comment.nested_count > 0 else None
