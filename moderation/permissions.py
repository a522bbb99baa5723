"""Who may moderate which comments, answered in one place.

Moderators moderate everywhere. An article's authors moderate the comments on that article
only, and only when the site's rules say so (ModerationRules.authors_moderate_own_articles).
Banning a commenter reaches beyond one article, so the ban page stays moderators' only
(moderation.views_bans.ban_author), and the article page offers it to moderators only. The comments
app asks `comment_moderation_allowed` through PARLEY_COMMENT_MODERATION_CHECK, the in-place
views ask it for every comment they act on.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from articles.models import Article
from articles.selectors import article_written_by
from core.roles import is_moderator

from .selectors import rules_get


def comment_moderation_allowed(*, user: AbstractBaseUser | AnonymousUser, article: Article) -> bool:
    """Whether `user` may approve, mark spam or remove the comments on `article`."""
    if is_moderator(user):
        return True
    return article_written_by(article=article, user=user) and (
        rules_get().authors_moderate_own_articles
    )
