"""Readers' votes: one per reader and comment, changed or withdrawn, counted on the comment
in the same transaction. Votes never publish or hide anything: a much down-voted comment is
only put in front of the moderators (comments.voting.votes_report)."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from articles.models import Article
from articles.page_cache import page_invalidate

from ..live import live_publish
from ..models import Comment, CommentStatus, Vote
from ..models_votes import DOWN, UP, wilson_lower_bound
from ..voting import vote_rules, votes_report

VALUES = (UP, DOWN, 0)
ADDRESS_FULL = gettext_lazy(
    "Enough guests at your internet address have voted on this comment already. Log in to vote."
)


class VoteRefused(Exception):
    """The vote was not counted: `reason` is "own", "not_published", "down_off", "value"
    or "address" (enough guests at the voter's address have voted on the comment)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class VoteCount:
    """A comment's counts after a vote, and the voter's vote now (1, -1 or 0)."""

    comment_id: int
    up: int
    down: int
    mine: int

    @property
    def score(self) -> int:
        return self.up - self.down


def vote_refusal(
    *, comment: Comment, value: int, user_id: int | None, own_ids: frozenset[int]
) -> VoteRefused | None:
    """Why this voter's vote on the comment would not be counted, whatever its state (the
    page that asks them to confirm a vote says so first); None if nothing stands in the way."""
    if value not in VALUES:
        return VoteRefused("value", gettext("A vote is up, down or none."))
    if value == DOWN and not vote_rules().down_votes_allowed:
        return VoteRefused("down_off", gettext("This site does not take down votes."))
    if comment.pk in own_ids or (user_id is not None and comment.user_id == user_id):
        return VoteRefused("own", gettext("You cannot vote on your own comment."))
    return None


def comment_vote(
    *,
    comment_id: int,
    voter_key: str,
    value: int,
    user_id: int | None = None,
    own_ids: frozenset[int] = frozenset(),
    address_key: str = "",
) -> VoteCount:
    """Set this voter's vote on a published comment: 1 up, -1 down, 0 to withdraw it.

    The comment's row is locked first, so votes on one comment queue there and its counts
    stay exact; `user_id` and `own_ids` (the browser's own comments) say whose comment it is
    not allowed to be. A guest's `address_key` caps the new votes one address gives the
    comment (PARLEY_VOTE_GUESTS_PER_ADDRESS); changing or withdrawing a vote is never
    capped. Raises Comment.DoesNotExist for no such comment.
    """
    if not voter_key:
        raise VoteRefused("value", gettext("A vote is up, down or none."))
    rules = vote_rules()
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update()
            .filter(pk=comment_id)
            .only("pk", "status", "user_id", "article_id", "upvotes", "downvotes")
            .first()
        )
        if comment is None:
            raise Comment.DoesNotExist(f"No comment {comment_id}.")
        refusal = vote_refusal(comment=comment, value=value, user_id=user_id, own_ids=own_ids)
        if refusal is not None:
            raise refusal
        article = Article.objects.published().filter(pk=comment.article_id).only("slug").first()
        if comment.status != CommentStatus.PUBLISHED or article is None:
            raise VoteRefused("not_published", gettext("Only published comments take votes."))
        before = Vote.objects.filter(comment_id=comment.pk, voter_key=voter_key).first()
        old = before.value if before is not None else 0
        if old == value:
            return VoteCount(comment.pk, comment.upvotes, comment.downvotes, value)
        if value == 0:
            before.delete()
        elif before is None:
            if address_key and _address_full(comment.pk, address_key):
                raise VoteRefused("address", ADDRESS_FULL)
            Vote.objects.create(
                comment_id=comment.pk, voter_key=voter_key, value=value, address_key=address_key
            )
        else:
            before.value = value
            before.save(update_fields=["value", "updated_at"])
        up = comment.upvotes + (value == UP) - (old == UP)
        down = comment.downvotes + (value == DOWN) - (old == DOWN)
        # The row is locked (PostgreSQL) or the write lock held (SQLite's IMMEDIATE
        # transactions): the counts read above are current, so they are written whole.
        Comment.objects.filter(pk=comment.pk).update(
            upvotes=up, downvotes=down, best_score=wilson_lower_bound(up=up, down=down)
        )
        count = VoteCount(comment.pk, up, down, value)
        _after_commit(article=article, count=count)
        threshold = rules.down_votes_to_report
        if value == DOWN and threshold and down >= threshold:
            transaction.on_commit(
                lambda: votes_report(comment_id=comment.pk, down_votes=down), robust=True
            )
    return count


def vote_address_refusal(
    *, comment_id: int, voter_key: str, address_key: str
) -> VoteRefused | None:
    """Why a guest's first vote on the comment would be refused for their address (the page
    that asks them to confirm a vote says so first); None if it would count."""
    if not address_key or Vote.objects.filter(comment_id=comment_id, voter_key=voter_key).exists():
        return None
    return VoteRefused("address", ADDRESS_FULL) if _address_full(comment_id, address_key) else None


def _address_full(comment_id: int, address_key: str) -> bool:
    count = Vote.objects.filter(comment_id=comment_id, address_key=address_key).count()
    return count >= settings.PARLEY_VOTE_GUESTS_PER_ADDRESS


def _after_commit(*, article: Article, count: VoteCount) -> None:
    """Once committed: drop the article's shared page (it shows the counts) and tell the
    open pages the new counts (live_publish waits for the commit itself)."""
    transaction.on_commit(lambda: page_invalidate(slug=article.slug), robust=True)
    data = {"id": count.comment_id, "score": count.score, "up": count.up, "down": count.down}
    live_publish(article_id=article.pk, kind="score", data=data)
