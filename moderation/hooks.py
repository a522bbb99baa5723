"""The moderation app's answers to the comments app's vote hooks (PARLEY_VOTE_RULES and
PARLEY_VOTES_REPORT in config/settings.py): the comments app asks without importing us."""

from django.db import IntegrityError, transaction

from comments.voting import VoteRules

from .models import Report
from .models.reports import VOTES_REPORTER
from .reasons import votes_note
from .selectors import rules_get


def vote_rules() -> VoteRules:
    """The moderation rules' part about votes (cached with the rules)."""
    rules = rules_get()
    return VoteRules(
        down_votes_allowed=rules.down_votes_allowed,
        default_order=rules.default_order,
        down_votes_to_report=rules.down_votes_to_report,
    )


def comment_down_voted(*, comment_id: int, down_votes: int) -> None:
    """Put a comment that reached the rules' down votes in the queue's Reported tab, once
    (a dismissed one stays dismissed). It stays published: a moderator decides."""
    try:
        with transaction.atomic():
            Report.objects.create(
                comment_id=comment_id,
                reporter_key=VOTES_REPORTER,
                reason=Report.Reason.OTHER,
                note=votes_note(down_votes),
            )
    except IntegrityError:
        return
