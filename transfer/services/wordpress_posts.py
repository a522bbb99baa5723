"""Disqus threads that the WordPress Disqus plugin made name their WordPress post: the
thread's identifier is "<post id> <guid>". A WordPress import remembers each post's article
under its site's address, so such a thread finds its article even when its link does not
(a permalink renamed since, or "?p=41")."""

import re
from urllib.parse import urlsplit

from ..models import SourceRecord
from ..records import ArticleRecord

Kind = SourceRecord.Kind

# The WordPress Disqus plugin's thread identifier: "<post id> <guid>".
WORDPRESS_IDENTIFIER = re.compile(r"(\d+) (\S+)")


def _site_host(url: str) -> str:
    return urlsplit(url).netloc.lower().removeprefix("www.")


def wordpress_post_named(record: ArticleRecord) -> tuple[str, str] | None:
    """(site host, post id) of the WordPress post a Disqus thread's identifier names."""
    match = WORDPRESS_IDENTIFIER.fullmatch(record.identifier)
    host = _site_host(match[2]) if match else ""
    return (host, match[1]) if host else None


def articles_by_wordpress_post(posts: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """(site host, post id) -> the article a WordPress import stored for that post."""
    if not posts:
        return {}
    rows = SourceRecord.objects.filter(
        kind=Kind.ARTICLE, source__startswith="wordpress ",
        source_id__in={post_id for _, post_id in posts},
    ).values_list("source", "source_id", "object_id")  # fmt: skip
    found = {
        (_site_host(source.removeprefix("wordpress ")), source_id): object_id
        for source, source_id, object_id in rows
    }
    return {post: found[post] for post in posts if post in found}
