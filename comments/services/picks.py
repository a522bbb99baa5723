"""Editor's picks: the published comments an article's authors or moderators set above its
threads, at most PICKS_PER_ARTICLE of them.

A pick is `Comment.picked_at`; only published picks show and count, so a pick that is held,
removed or deleted leaves the section and frees its slot without moderation writing
anything here. Should it come back once its slot was given to another, the page shows the
PICKS_PER_ARTICLE picked last.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from articles.models import Article
from articles.page_cache import page_invalidate

from ..models import PICKS_PER_ARTICLE, Comment, CommentStatus
from ..selectors_picks import picks_published
from .threads import thread_lock_for

# Why a comment that is not published cannot be picked, by its status.
NOT_PUBLISHED = {
    CommentStatus.PENDING: gettext_lazy(
        "Only a published comment can be an Editor's pick, and this one is pending."
    ),
    CommentStatus.HELD: gettext_lazy(
        "Only a published comment can be an Editor's pick, and this one is held for a moderator."
    ),
    CommentStatus.SPAM: gettext_lazy(
        "Only a published comment can be an Editor's pick, and this one is spam."
    ),
    CommentStatus.REMOVED: gettext_lazy(
        "Only a published comment can be an Editor's pick, and this one is removed."
    ),
    CommentStatus.DELETED: gettext_lazy(
        "Only a published comment can be an Editor's pick, and this one is deleted by its author."
    ),
}


class PickRefused(Exception):
    """The comment cannot be picked: `reason` is "limit" or "not_published"."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


def comment_pick(*, comment_id: int, picker: AbstractBaseUser) -> bool:
    """Make a published comment one of its article's Editor's picks; False if it already was.

    Locks the comment's thread, then the comment (every status change's order), then the
    article, whose row stands for its picks: two pickers racing for the last slot queue
    there, and the second one counts the first one's pick.
    """
    with transaction.atomic():
        thread_lock_for(comment_id=comment_id)
        comment = (
            Comment.objects.select_for_update()
            .filter(pk=comment_id)
            .only("pk", "status", "picked_at", "article_id")
            .first()
        )
        if comment is None:
            raise Comment.DoesNotExist(f"No comment {comment_id}.")
        if comment.status != CommentStatus.PUBLISHED:
            raise PickRefused(
                "not_published",
                str(
                    NOT_PUBLISHED.get(
                        comment.status, gettext("Only a published comment can be an Editor's pick.")
                    )
                ),
            )
        slug = (
            Article.objects.select_for_update()
            .filter(pk=comment.article_id)
            .values_list("slug", flat=True)
            .get()
        )
        others = picks_published(article_id=comment.article_id).exclude(pk=comment.pk).count()
        if others >= PICKS_PER_ARTICLE:
            raise PickRefused(
                "limit",
                ngettext(
                    "This article already has %(count)s Editor's pick, the most it can show. "
                    "Unpick it first.",
                    "This article already has %(count)s Editor's picks, the most it can show. "
                    "Unpick one of them first.",
                    PICKS_PER_ARTICLE,
                )
                % {"count": PICKS_PER_ARTICLE},
            )
        if comment.picked_at is not None:
            return False
        Comment.objects.filter(pk=comment.pk).update(picked_at=timezone.now(), picked_by=picker)
        _page_refresh_on_commit(slug=slug)
    return True


def comment_unpick(*, comment_id: int) -> bool:
    """Take a comment out of its article's Editor's picks; False if it was not one."""
    with transaction.atomic():
        picked = Comment.objects.filter(pk=comment_id, picked_at__isnull=False)
        slug = picked.values_list("article__slug", flat=True).first()
        if slug is None or not picked.update(picked_at=None, picked_by=None):
            return False
        _page_refresh_on_commit(slug=slug)
    return True


def _page_refresh_on_commit(*, slug: str) -> None:
    """Drop the article's shared anonymous page once the change has committed."""
    transaction.on_commit(lambda: page_invalidate(slug=slug), robust=True)
