"""Signals the moderation app sends."""

from django.dispatch import Signal

# Sent after a status change commits, with comment_id, from_status and to_status, and what a
# receiver needs to tell whether anyone is to hear of it without reading the comment again:
# parent_id (the comment's own id for a top-level one), followup, and guest_email (the
# address a guest gave, "" for an account).
comment_status_changed = Signal()
