"""One comment's <li>, as the requesting reader would see it on the article page: the live
thread's script (static/js/live.js) fetches it to insert a new comment or refresh a changed
one in place. Built by the page's own presenter and markup code, so the two never differ."""

from datetime import timedelta

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from articles.page_cache import shareable

from . import presenters, selectors
from .moderating import moderation_allowed
from .selectors_picks import article_picks, may_pick
from .selectors_votes import votes_of_voter
from .thread_html import ThreadLinks, VoteForms, thread_html
from .voting import vote_rules, voter_key


@require_GET
@never_cache
def comment_fragment(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Answer one comment's <li> for this viewer; 404 where the page would not show it."""
    viewer = presenters.viewer_for(request)
    # The readers' page, not a moderator's: a held comment with no published replies is as
    # missing here as on the page, whoever asks.
    readers_view = selectors.Viewer(user_id=viewer.user_id, own_ids=viewer.own_ids)
    comment = selectors.comment_for_permalink(comment_id=comment_id, viewer=readers_view)
    if comment is None:
        raise Http404("No comment with that id is shown here.")
    article = comment.article
    author_ids = frozenset(author.pk for author in article.authors.all())
    (node,) = presenters.build_nodes(
        [comment],
        root_ids=[comment.thread_id],
        viewer=viewer,
        author_ids=author_ids,
        moderator_ids=selectors._moderator_ids({comment.user_id} - {None}),
        editable_since=timezone.now() - timedelta(minutes=settings.PARLEY_EDIT_MINUTES),
    )
    # Alone, the comment has no ancestors in the list: on the page every one of them is
    # there (a published reply keeps them, as placeholders if need be).
    node.depth = comment.level
    if node.pickable and comment.picked_at is not None:
        node.picked = comment.pk in {pick.pk for pick in article_picks(article=article)}
    if node.votable:
        mine = votes_of_voter(voter_key=voter_key(request), comment_ids=[node.pk])
        node.my_vote = mine.get(node.pk, 0)
    can_pick = may_pick(user=request.user, article=article)
    # The same parts as the page's (comments.presenters_section.comment_section_context), for the
    # page this reader has: a reader the shared page is served to gets its tokenless forms.
    links = ThreadLinks.build(
        reply_query="?replyto=",
        comments_open=article.accepts_comments,
        can_moderate=moderation_allowed(user=request.user, article=article),
        can_pick=can_pick,
        csrf_token=get_token(request) if can_pick else "",
        votes=VoteForms.build(
            csrf_token="" if shareable(request) else get_token(request),
            down_votes=vote_rules().down_votes_allowed,
        ),
    )
    html = thread_html([node], range(0), links)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["X-Robots-Tag"] = "noindex"
    return response
