"""A comment's poster edited it: what moderation does with the new words.

An edit is scored again, so that a reader can put right what the scorer held. A hold that
people made stands, though: a moderator's, or the readers' whose reports held it. Scored
again, a light edit of the words they objected to would publish itself behind their backs.
The comment stays held and the audit log says it was edited; the moderator reads the new
words in the queue.
"""

from comments.models import Comment, CommentStatus
from comments.screening import comment_author_screen

from .. import selectors
from ..models import ModerationEvent
from .scoring import comment_scoring_schedule
from .transitions import comment_lock, comment_transition

S = CommentStatus
EDITED = "edited by its author; scored again"
EDITED_HELD = "edited by its author; stays held for a moderator"


def comment_edited(*, comment_id: int) -> bool:
    """Take an edit of the comment's text (inside the caller's transaction): back to pending
    and scored again, or, when people hold it, held as it was. True if it is scored again."""
    comment = comment_lock(comment_id=comment_id)
    if comment is None:
        return False
    if comment.status == S.HELD and selectors.comment_hold_maker(comment_id) in (
        selectors.REPORTS_ACTOR,
        "moderator",
    ):
        ModerationEvent.objects.create(
            comment_id=comment_id,
            actor_label="author",
            from_status=S.HELD,
            to_status=S.HELD,
            reasons=[{"code": "edited", "reason": EDITED_HELD}],
        )
        return False
    meta = comment.submission_meta or {}
    if not meta.get("shadow") and comment_author_screen(comment).shadow:
        # Shadow-banned since posting: scored again, the new words are for the poster's eyes
        # only, as a comment they posted now would be.
        Comment.objects.filter(pk=comment_id).update(submission_meta={**meta, "shadow": True})
    if comment.status != S.PENDING:
        comment_transition(
            comment_id=comment_id,
            to_status=S.PENDING,
            actor_label="author",
            reasons=[{"code": "edited", "reason": EDITED}],
        )
    comment_scoring_schedule(comment_id=comment_id)
    return True
