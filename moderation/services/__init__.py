"""Moderation writes, one module per concern; everything is importable from here.

- transitions: the one function that moves a comment's status
- scoring: verdicts for stored comments
- backlog: workers scoring pending comments in batches, and the sweep of those left waiting
- training: the spam model learning from labelled comments
- actions: moderators' decisions
- undo: taking moderators' decisions back
- reports: readers reporting comments, moderators dismissing reports
- notes: moderators' private notes on commenters
- digests: batched emails about held comments
- edits: a poster's edit, scored again unless people hold the comment
- bans: bans, shadow-bans, and the screening hook that applies them
- webhooks: signed posts about held, reported and published comments
- audit: staff edits made in the admin, with their fields before and after
"""

from .actions import ACTIONS, action_summary, comments_moderate
from .audit import staff_edits_forget
from .backlog import pending_sweep
from .bans import ban_create, ban_lift, ban_reason_set, comment_screen
from .digests import held_digest_send
from .edits import comment_edited
from .notes import NoteNotPossible, commenter_note_add, commenter_note_delete, commenter_notes_add
from .reports import report_create, reports_dismiss, reports_reopen
from .scoring import (
    comment_enqueue_scoring,
    comment_hold_unscored,
    comment_score,
    comment_scoring_schedule,
)
from .training import spam_model_train, training_examples_forget, training_import_csv
from .transitions import (
    ALLOWED_TRANSITIONS,
    TransitionNotAllowed,
    comment_transition,
    comments_transition,
)
from .undo import UndoNotAllowed, event_undo, events_undo
from .webhooks import (
    WEBHOOK_SECRET_FIELDS,
    WebhookURLRefused,
    webhook_active_set,
    webhook_create,
    webhook_delete,
    webhook_deliver,
    webhook_deliveries_sweep,
    webhooks_notify,
)

__all__ = [
    "ACTIONS",
    "ALLOWED_TRANSITIONS",
    "WEBHOOK_SECRET_FIELDS",
    "NoteNotPossible",
    "TransitionNotAllowed",
    "UndoNotAllowed",
    "WebhookURLRefused",
    "action_summary",
    "ban_create",
    "ban_lift",
    "ban_reason_set",
    "comment_edited",
    "comment_enqueue_scoring",
    "comment_hold_unscored",
    "comment_score",
    "comment_scoring_schedule",
    "comment_screen",
    "comment_transition",
    "commenter_note_add",
    "commenter_note_delete",
    "commenter_notes_add",
    "comments_moderate",
    "comments_transition",
    "event_undo",
    "events_undo",
    "held_digest_send",
    "pending_sweep",
    "report_create",
    "reports_dismiss",
    "reports_reopen",
    "spam_model_train",
    "staff_edits_forget",
    "training_examples_forget",
    "training_import_csv",
    "webhook_active_set",
    "webhook_create",
    "webhook_delete",
    "webhook_deliver",
    "webhook_deliveries_sweep",
    "webhooks_notify",
]
