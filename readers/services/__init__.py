"""Readers' writes, one module per concern; everything is importable from here.

- notifications: following, update and reply emails, confirmation and manage links
- ownership: readers editing, deleting and claiming their comments
- accounts: the display name readers choose
- author_digest: authors' emails of new comments on their articles
"""

from .accounts import user_display_name_set
from .author_digest import (
    author_digest_choose,
    author_digest_unsubscribe_url,
    author_digests_send,
)
from .notifications import (
    FollowOutcome,
    Unsubscribed,
    comment_published_notify,
    follow_confirm,
    follow_confirm_send,
    follow_start,
    follow_stop,
    manage_link_send,
    notifications_sweep,
    reply_address_confirm,
    unsubscribe,
    unsubscribe_url_for_follow,
    unsubscribe_url_for_replies,
    update_notify,
)
from .ownership import EditClosed, comment_delete, comment_edit, comments_delete_all, email_proven

__all__ = [
    "EditClosed",
    "FollowOutcome",
    "Unsubscribed",
    "author_digest_choose",
    "author_digest_unsubscribe_url",
    "author_digests_send",
    "comment_delete",
    "comment_edit",
    "comment_published_notify",
    "comments_delete_all",
    "email_proven",
    "follow_confirm",
    "follow_confirm_send",
    "follow_start",
    "follow_stop",
    "manage_link_send",
    "notifications_sweep",
    "reply_address_confirm",
    "unsubscribe",
    "unsubscribe_url_for_follow",
    "unsubscribe_url_for_replies",
    "update_notify",
    "user_display_name_set",
]
