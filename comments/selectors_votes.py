"""Reads for votes: the reader's own votes on the comments of a page."""

from collections.abc import Iterable

from .models import Vote


def votes_of_voter(*, voter_key: str, comment_ids: Iterable[int]) -> dict[int, int]:
    """{comment id: 1 or -1} for this voter's votes among these comments, in one query;
    none for a reader who has no voter key yet."""
    ids = list(comment_ids)
    if not voter_key or not ids:
        return {}
    return dict(
        Vote.objects.filter(voter_key=voter_key, comment_id__in=ids).values_list(
            "comment_id", "value"
        )
    )
