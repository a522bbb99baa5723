"""What open article pages hear of a comment's status change (comments/live.py).

- it became published: `comment` (new to them), or `edit` when it was on their pages until
  its author's edit sent it back to be scored;
- it left "published": `remove`, except for the author's edit, which keeps it on their
  pages until the verdict on the new text (then `edit` or `remove`);
- a comment its poster sees awaiting a verdict (pending, held for a moderator, or spam,
  which they see as held so a spammer learns nothing from it) got one: `status`, for the
  poster's page, which asks what it is (comments/views.py comment_status answers the poster
  alone). A removal's carries the id alone: the stream is public.
"""

from comments.live import live_publish
from comments.models import AWAITING_STATES, Comment, CommentStatus

from .models import ModerationEvent

S = CommentStatus
VERDICTS = frozenset({S.PUBLISHED, S.HELD, S.SPAM})


# Where a comment sits, as the status change's signal carries it (read again without it).
PLACE_FIELDS = ("article_id", "thread_id", "parent_id", "edited_at")


def comment_status_announce(
    *, comment_id: int, from_status: str, to_status: str, place: dict | None = None
) -> None:
    """Publish the live events a committed status change means for open pages."""
    if from_status == S.PUBLISHED and to_status == S.PENDING:
        return  # the author's edit: the verdict on the new text decides
    row = place or Comment.objects.filter(pk=comment_id).values(*PLACE_FIELDS).first()
    if row is None:
        return
    article_id = row["article_id"]
    shown = from_status == S.PUBLISHED or (
        from_status == S.PENDING and row["edited_at"] is not None and _shown_before_edit(comment_id)
    )
    if to_status == S.PUBLISHED:
        if shown:
            live_publish(article_id=article_id, kind="edit", data={"id": comment_id})
        else:
            data = {"id": comment_id, "parent_id": row["parent_id"], "thread_id": row["thread_id"]}
            live_publish(article_id=article_id, kind="comment", data=data)
    elif shown:
        # Its thread, so a page that counts it behind "Show N replies" counts one fewer.
        data = {"id": comment_id, "thread_id": row["thread_id"]}
        live_publish(article_id=article_id, kind="remove", data=data)
    if from_status not in AWAITING_STATES:
        return
    if to_status == S.REMOVED:
        live_publish(article_id=article_id, kind="status", data={"id": comment_id})
    elif to_status in VERDICTS:
        status = S.HELD if to_status == S.SPAM else to_status
        if status != (S.HELD if from_status == S.SPAM else from_status):
            data = {"id": comment_id, "status": str(status)}
            live_publish(article_id=article_id, kind="status", data=data)


def _shown_before_edit(comment_id: int) -> bool:
    """Whether the comment was published when its author's edit sent it back to pending:
    the move before the one that just committed came from "published"."""
    events = ModerationEvent.objects.filter(comment_id=comment_id).order_by("-created_at", "-pk")
    previous = events.values_list("from_status", "to_status")[1:2]
    return any(moved == (S.PUBLISHED, S.PENDING) for moved in previous)
