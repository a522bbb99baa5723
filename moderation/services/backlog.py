"""Scoring runs: a worker that finds comments waiting scores them in batches.

One message per comment costs a worker more in Celery than the scoring itself, and a busy
site posts faster than a worker takes messages one by one. So a worker, once it has scored
the comment its message named, keeps scoring whatever else is pending, oldest first, BATCH
comments per transaction, until none is left. A new comment sends no message while another
one is still waiting in the queue.

Why nothing is missed: the comment is committed before the queue is looked at, and a
message still waiting there starts a run later, which finds every comment committed before
it started. With the queue empty, the comment sends its own message. A run that dies is
delivered again (acks_late), and the pending sweep is behind both.
"""

import time

from comments.models import Comment, CommentStatus

from .scoring import comment_enqueue_scoring, comments_score_batch

BATCH = 20
# Below the task's soft time limit; a longer backlog is handed on to a new message.
RUN_SECONDS = 15


def scoring_message_waiting() -> bool:
    """True when a scoring message waits in the queue: its run will reach a comment
    committed now, so that comment needs no message of its own."""
    from ..tasks import comment_score_task

    return comment_score_task.waiting() > 0


def _waiting(skip: set[int]) -> list[int]:
    ids = Comment.objects.filter(status=CommentStatus.PENDING).order_by("pk")
    return list(ids.exclude(pk__in=skip).values_list("pk", flat=True)[:BATCH])


def comments_score_backlog() -> int:
    """Score pending comments in batches until none is left (after RUN_SECONDS a new
    message carries the run on). Returns how many were scored here."""
    scored, failed = 0, set()
    deadline = time.monotonic() + RUN_SECONDS
    while batch := _waiting(failed):
        if time.monotonic() > deadline:
            comment_enqueue_scoring(comment_id=batch[0])
            break
        done, failures = comments_score_batch(comment_ids=batch)
        scored += done
        failed.update(failures)
    return scored
