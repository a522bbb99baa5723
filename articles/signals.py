"""Signals the articles app sends; other apps connect one receiver each in AppConfig.ready()."""

from django.dispatch import Signal

# Sent once a follow-up update is committed, with `update_id`. Followers are told about it.
update_published = Signal()
