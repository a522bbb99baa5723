"""Writes for articles and their follow-up updates, one module per concern; everything is
importable from here.

- writing: create, edit and delete articles, open or close their comments
- publication: publish now, schedule, unschedule, and publish what is due (beat)
- updates: post, schedule, correct, withdraw, cancel and remove follow-up updates, and announce
  the scheduled ones that are due (beat)
- pages: drop the cached pages of articles that changed
"""

from .pages import author_pages_refresh, pages_refresh
from .publication import (
    AlreadyPublished,
    article_publish,
    article_schedule,
    article_unschedule,
    articles_publish_due,
)
from .updates import (
    CorrectionAlreadySaved,
    update_cancel,
    update_correct,
    update_correction_announced,
    update_delete,
    update_publish,
    update_publish_once,
    update_save,
    update_text_digest,
    update_withdraw,
    updates_publish_due,
)
from .writing import (
    ArticleEditConflict,
    article_create,
    article_create_once,
    article_edit,
    article_save,
    article_set_comments_open,
    article_slug_unique,
    articles_delete,
)

__all__ = [
    "AlreadyPublished",
    "ArticleEditConflict",
    "CorrectionAlreadySaved",
    "article_create",
    "article_create_once",
    "article_edit",
    "article_publish",
    "article_save",
    "article_schedule",
    "article_set_comments_open",
    "article_slug_unique",
    "article_unschedule",
    "articles_delete",
    "articles_publish_due",
    "author_pages_refresh",
    "pages_refresh",
    "update_cancel",
    "update_correct",
    "update_correction_announced",
    "update_delete",
    "update_publish",
    "update_publish_once",
    "update_save",
    "update_text_digest",
    "update_withdraw",
    "updates_publish_due",
]
