"""Dropping the cached pages of articles whose visible content changed."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .. import page_cache, page_shell
from ..models import Article


def pages_refresh(*, slugs: Iterable[str | None]) -> None:
    """Drop the cached pages of these articles once the change is committed."""
    slugs = sorted({slug for slug in slugs if slug})

    def invalidate() -> None:
        for slug in slugs:
            page_cache.page_invalidate(slug=slug)
            page_shell.shell_invalidate(slug=slug)

    transaction.on_commit(invalidate)


def author_pages_refresh(*, author: AbstractBaseUser) -> None:
    """Drop the cached pages of the articles `author` writes: their byline is on them (a new
    display name, an erased account). Their slugs are read now, while the author still is."""
    pages_refresh(slugs=Article.objects.authored_by(author).values_list("slug", flat=True))
