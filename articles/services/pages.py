"""Dropping the cached pages of articles whose visible content changed."""

from collections.abc import Iterable

from django.db import transaction

from .. import page_cache, page_shell


def pages_refresh(*, slugs: Iterable[str | None]) -> None:
    """Drop the cached pages of these articles once the change is committed."""
    slugs = sorted({slug for slug in slugs if slug})

    def invalidate() -> None:
        for slug in slugs:
            page_cache.page_invalidate(slug=slug)
            page_shell.shell_invalidate(slug=slug)

    transaction.on_commit(invalidate)
