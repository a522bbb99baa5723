"""What a comment section reads of each comment (comments.selectors and
comments.selectors_context read them)."""

from dataclasses import dataclass
from datetime import datetime

# What a comment section shows of each comment.
SECTION_FIELDS = (
    "pk", "thread_id", "parent_id", "level", "order", "user_id", "user_name", "user_url",
    "comment_html", "submit_date", "edited_at", "status", "nested_count", "submission_meta",
    "picked_at", "upvotes", "downvotes", "user_email", "ip_address",
)  # fmt: skip


@dataclass(slots=True)
class SectionRow:
    """One comment as a comment section reads it: its SECTION_FIELDS, in that order, and
    nothing else. Not a model instance: making a thousand of those (three tables, deferred
    fields) was a fifth of the time a 1,000-comment thread took to render."""

    pk: int
    thread_id: int
    parent_id: int
    level: int
    order: int
    user_id: int | None
    user_name: str
    user_url: str
    comment_html: str
    submit_date: datetime
    edited_at: datetime | None
    status: str
    nested_count: int
    submission_meta: dict
    picked_at: datetime | None
    upvotes: int
    downvotes: int
    # Who posted it, for screening its author before offering an edit (comments.presenters).
    user_email: str
    ip_address: str | None
