"""Signals the comments app sends; other apps connect one receiver each in AppConfig.ready()."""

from django.dispatch import Signal

# Sent once a new comment's row is committed, with `comment_id`. The moderation app scores it.
comment_submitted = Signal()
