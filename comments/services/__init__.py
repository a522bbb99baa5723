"""Comment writes, one module per concern; everything is importable from here.

- posting: screening a poster and storing a new comment in its thread
- placing: where a new comment goes in its thread
- poster: who posts, and why a post is refused
- text: the one write path for a comment's text, and erasing or claiming comments
- threads: the published counts kept per comment, thread and article
- votes: readers' votes and the counts kept on each comment
"""

from .poster import CommentRefused, CommentRejected, Poster
from .posting import (
    COPIES_FETCHED,
    COPIES_WINDOW,
    DUPLICATE_WINDOW,
    comment_receive,
    comment_submit,
)
from .text import (
    comment_staff_edit,
    comment_text_fields,
    comment_text_fields_from_html,
    comment_text_hash,
    comment_text_set,
    comments_claim,
    comments_erase,
    comments_followup_stop,
)
from .threads import (
    article_comment_count_recount,
    articles_comment_count_recount,
    max_level,
    thread_lock_for,
    thread_recount,
    thread_renumber,
    thread_visibility_changed,
    threads_published_move,
)
from .votes import VoteCount, VoteRefused, comment_vote

__all__ = [
    "COPIES_FETCHED",
    "COPIES_WINDOW",
    "DUPLICATE_WINDOW",
    "CommentRefused",
    "CommentRejected",
    "Poster",
    "VoteCount",
    "VoteRefused",
    "article_comment_count_recount",
    "articles_comment_count_recount",
    "comment_receive",
    "comment_staff_edit",
    "comment_submit",
    "comment_text_fields",
    "comment_text_fields_from_html",
    "comment_text_hash",
    "comment_text_set",
    "comment_vote",
    "comments_claim",
    "comments_erase",
    "comments_followup_stop",
    "max_level",
    "thread_lock_for",
    "thread_recount",
    "thread_renumber",
    "thread_visibility_changed",
    "threads_published_move",
]
