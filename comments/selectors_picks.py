"""Reads for Editor's picks: the picks an article shows, and who may choose them."""

from django.db.models import QuerySet

from articles.models import Article
from articles.selectors import article_written_by
from core.roles import is_moderator

from .models import PICKS_PER_ARTICLE, Comment

# What the picks section shows of each pick.
PICK_FIELDS = ("pk", "user_name", "comment_html", "submit_date", "picked_at")


def picks_published(*, article_id: int) -> QuerySet[Comment]:
    """An article's picked comments that are published: a pick that is held, removed or
    deleted stops showing and stops counting towards the limit, with no write of its own."""
    return Comment.objects.published().filter(article_id=article_id, picked_at__isnull=False)


def article_picks(*, article: Article) -> list[Comment]:
    """The Editor's picks an article's page shows (one query; the article page itself gets
    them with its comments, comments.selectors.comment_page)."""
    picks = (
        picks_published(article_id=article.pk)
        .only(*PICK_FIELDS)
        .order_by("-picked_at", "-pk")[:PICKS_PER_ARTICLE]
    )
    return picks_latest(list(picks))


def picks_latest(picks: list[Comment]) -> list[Comment]:
    """The last PICKS_PER_ARTICLE of these published picks, in the order they were picked: a
    pick that was hidden while its slot went to another and is then published again does not
    push out the one picked in its place."""
    newest = sorted(picks, key=lambda pick: (pick.picked_at, pick.pk), reverse=True)
    return list(reversed(newest[:PICKS_PER_ARTICLE]))


def may_pick(*, user, article: Article) -> bool:
    """Whether `user` may choose `article`'s Editor's picks: a moderator, or one of its
    authors who still holds the author role. No query once the authors are prefetched."""
    if is_moderator(user):
        return True
    return article_written_by(article=article, user=user)


def comment_for_picking(*, comment_id: int) -> Comment | None:
    """The comment a pick or unpick button names, with its published article and the
    article's authors (to check who may pick)."""
    return (
        Comment.objects.select_related("article")
        .prefetch_related("article__authors")
        .filter(pk=comment_id, article__in=Article.objects.published())
        .only("pk", "user_name", "status", "thread_id", "picked_at", "article")
        .first()
    )
