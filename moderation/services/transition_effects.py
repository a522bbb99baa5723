"""What follows a comment's status move once it commits (moderation.services.transitions):
the article's page refreshed, the held digest (embedded), and the status signal with its
live events."""

import logging
from functools import partial

from django.conf import settings
from django.db import transaction

from articles.models import Article
from articles.page_cache import page_invalidate
from comments.live import live_batch
from comments.models import Comment, CommentStatus
from core.after_response import on_commit_before_answer
from core.signals import signals_send_on_commit

from ..signals import comment_status_changed

logger = logging.getLogger(__name__)
S = CommentStatus


def effects_schedule(made: list, *, actor_label: str) -> None:
    """Schedule what the status changes set off, for when they have committed: a page
    refresh per article (not per comment), and each comment's signal."""
    moved = [(move.comment, from_status, move.to_status) for move, from_status in made]

    def log() -> None:
        for comment, came, went in moved:
            logger.info("comment %s: %s -> %s (%s)", comment.pk, came, went, actor_label)

    transaction.on_commit(log)
    pages: dict[int, str | None] = {}
    for comment, from_status, to_status in moved:
        # A page shows the change when a comment enters or leaves "published", or when a
        # hidden comment's published replies show a placeholder instead of it.
        if S.PUBLISHED in (from_status, to_status) or comment.nested_count:
            # A new comment carries its article; a stored one is looked up once committed.
            slug = comment.article.slug if Comment.article.is_cached(comment) else None
            pages[comment.article_id] = pages.get(comment.article_id) or slug
    for article_id, slug in pages.items():
        # Before the poster's answer (core.after_response): a reader loading the page next
        # must not be served the stored one without this change.
        on_commit_before_answer(partial(page_refresh, article_id, slug))
    if (
        settings.CELERY_TASK_ALWAYS_EAGER
        and not settings.PARLEY_EMBEDDED_BEAT_TICK
        and any(went == S.HELD for _, _, went in moved)
    ):
        # Embedded with its beat turned off, nothing sends the batched digest: it goes at once.
        from ..tasks import held_digest_task

        transaction.on_commit(held_digest_task.delay, robust=True)
    # One callback for the batch, its live events sent together (comments.live.live_batch).
    signals_send_on_commit(
        comment_status_changed,
        sender=Comment,
        each=[
            {
                "comment_id": comment.pk,
                "from_status": from_status,
                "to_status": to_status,
                "parent_id": comment.parent_id,
                "answered_id": comment.answered_id,
                "followup": comment.followup,
                "guest_email": "" if comment.user_id else comment.user_email,
                "article_id": comment.article_id,
                "thread_id": comment.thread_id,
                "edited_at": comment.edited_at,
                "parent_followup": comment.parent_followup,
            }
            for comment, from_status, to_status in moved
        ],
        around=live_batch,
    )


def page_refresh(article_id: int, slug: str | None) -> None:
    if slug is None:
        slug = Article.objects.filter(pk=article_id).values_list("slug", flat=True).first()
    if slug:
        page_invalidate(slug=slug)
