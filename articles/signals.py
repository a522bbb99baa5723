"""Signals the articles app sends; other apps connect one receiver each in AppConfig.ready()."""

from django.dispatch import Signal

# Sent once a follow-up update is committed, with `update_id`, and again once a correction
# its author wants announced is: followers are told about it (the update's
# `correction_notice_pending` says which of the two emails they get).
update_published = Signal()
