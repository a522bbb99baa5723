"""Moderation writes, one module per concern; everything is importable from here.

- transitions: the one function that moves a comment's status
- scoring: verdicts for stored comments, and the sweep of pending ones
- training: the spam model learning from labelled comments
- actions: moderators' decisions and undo
- reports: readers reporting comments
- digests: batched emails about held comments
- bans: bans, shadow-bans, and the screening hook that applies them
"""

from .actions import ACTIONS, UndoNotAllowed, comments_moderate, event_undo
from .bans import ban_create, ban_lift, ban_reason_set, comment_screen
from .digests import held_digest_send
from .reports import report_create
from .scoring import (
    comment_enqueue_scoring,
    comment_hold_unscored,
    comment_score,
    comment_scoring_schedule,
    pending_sweep,
)
from .training import spam_model_train, training_example_forget, training_import_csv
from .transitions import ALLOWED_TRANSITIONS, TransitionNotAllowed, comment_transition

__all__ = [
    "ACTIONS",
    "ALLOWED_TRANSITIONS",
    "TransitionNotAllowed",
    "UndoNotAllowed",
    "ban_create",
    "ban_lift",
    "ban_reason_set",
    "comment_enqueue_scoring",
    "comment_hold_unscored",
    "comment_score",
    "comment_scoring_schedule",
    "comment_screen",
    "comment_transition",
    "comments_moderate",
    "event_undo",
    "held_digest_send",
    "pending_sweep",
    "report_create",
    "spam_model_train",
    "training_example_forget",
    "training_import_csv",
]
