"""Signals the moderation app sends."""

from django.dispatch import Signal

# Sent after a status change commits, with comment_id, from_status and to_status.
comment_status_changed = Signal()
