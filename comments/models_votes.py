"""Readers' votes on comments, and the confidence score the "best" order sorts by.

One vote per reader and comment; the comment keeps its counts and score beside it
(`Comment.upvotes`, `downvotes`, `best_score`), written by comments.services.votes in the
transaction that writes the vote.
"""

import math

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy

UP, DOWN = 1, -1
# 95 % confidence: the usual choice for the Wilson interval (Reddit's, Evan Miller's).
WILSON_Z = 1.96


def wilson_lower_bound(*, up: int, down: int) -> float:
    """The lower bound of the Wilson interval for the share of up votes; 0 with no votes.

    A comment with 10 up and 1 down ranks above one with 1 up and 0 down: the bound grows
    with the evidence, not just with the share.
    """
    total = up + down
    if total <= 0:
        return 0.0
    share = up / total
    z2 = WILSON_Z * WILSON_Z
    centre = share + z2 / (2 * total)
    spread = WILSON_Z * math.sqrt((share * (1 - share) + z2 / (4 * total)) / total)
    return max((centre - spread) / (1 + z2 / total), 0.0)


class Vote(models.Model):
    """A reader's up or down vote on a comment: an account ("user:<id>") or a guest (a keyed
    hash of their address and their browser's signed voter cookie), never in clear."""

    comment = models.ForeignKey("comments.Comment", on_delete=models.CASCADE, related_name="+")
    voter_key = models.CharField(max_length=80)
    # A guest's address alone (its /64 for IPv6), keyed: a browser that drops its cookie is
    # a new voter, so what caps a comment's guest votes from one address is this. "" for
    # accounts.
    address_key = models.CharField(max_length=44, blank=True, default="", db_default="")
    value = models.SmallIntegerField(
        choices=[(UP, pgettext_lazy("vote", "Up")), (DOWN, pgettext_lazy("vote", "Down"))]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "voter_key"], name="one_vote_per_reader"),
            models.CheckConstraint(condition=Q(value__in=(UP, DOWN)), name="vote_up_or_down"),
        ]
        # A reader's own votes on a page: by their key, then the page's comments.
        indexes = [models.Index(fields=["voter_key", "comment"], name="vote_voter_comment")]

    def __str__(self) -> str:
        return gettext("Vote %(value)+d on %(comment)s") % {
            "value": self.value,
            "comment": self.comment_id,
        }
