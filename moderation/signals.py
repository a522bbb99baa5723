"""Signals the moderation app sends."""

from django.dispatch import Signal

# Sent after a status change commits, with comment_id, from_status and to_status, and what a
# receiver needs to tell whether anyone is to hear of it without reading the comment again:
# parent_id (the comment's own id for a top-level one), answered_id (the comment it replied
# to: the parent, but at the deepest level the one it sits beside), followup, guest_email
# (the address a guest gave, "" for an account), article_id, thread_id, edited_at, and
# parent_followup (whether the answered comment asked for replies; None when not read in
# that transaction).
comment_status_changed = Signal()
