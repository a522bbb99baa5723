"""Readers' writes, one module per concern; everything is importable from here.

- emails: what every email to a reader shares (its language, the confirmation cap, the
  unsubscribe links)
- following: following articles, and the emails about their updates
- notifications: reply emails, the manage link, unsubscribing, the sweep of missed emails
- ownership: readers editing, deleting and claiming their comments
- accounts: the display name readers choose; sweeping expired address confirmations
- author_digest: authors' emails of new comments on their articles
- data: a reader erasing everything kept about them
"""

from .accounts import email_confirmations_expire, user_display_name_set
from .author_digest import (
    author_digest_choose,
    author_digest_unsubscribe_url,
    author_digests_send,
)
from .data import Erased, reader_data_erase
from .emails import unsubscribe_url_for_follow, unsubscribe_url_for_replies
from .following import (
    FollowOutcome,
    follow_confirm,
    follow_confirm_send,
    follow_start,
    follow_stop,
    follows_address_sync,
    update_notify,
)
from .manage_links import manage_link_make, manage_link_send, manage_link_use
from .notifications import (
    Unsubscribed,
    comment_published_notify,
    notifications_sweep,
    reply_address_confirm,
    unsubscribe,
    updates_mark_announced,
)
from .ownership import (
    EditClosed,
    comment_delete,
    comment_edit,
    comments_delete,
    comments_delete_all,
    email_proven,
)
from .retention import Expired, personal_data_expire

__all__ = [
    "EditClosed",
    "Erased",
    "Expired",
    "FollowOutcome",
    "Unsubscribed",
    "author_digest_choose",
    "author_digest_unsubscribe_url",
    "author_digests_send",
    "comment_delete",
    "comment_edit",
    "comment_published_notify",
    "comments_delete",
    "comments_delete_all",
    "email_confirmations_expire",
    "email_proven",
    "follow_confirm",
    "follow_confirm_send",
    "follow_start",
    "follow_stop",
    "follows_address_sync",
    "manage_link_make",
    "manage_link_send",
    "manage_link_use",
    "notifications_sweep",
    "personal_data_expire",
    "reader_data_erase",
    "reply_address_confirm",
    "unsubscribe",
    "unsubscribe_url_for_follow",
    "unsubscribe_url_for_replies",
    "update_notify",
    "updates_mark_announced",
    "user_display_name_set",
]
