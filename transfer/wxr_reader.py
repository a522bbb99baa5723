"""Read a WordPress eXtended RSS export (WXR 1.0 to 1.2) into transfer records, as a stream.

The file goes through defusedxml's guarded expat parser (transfer.xml_stream), so entity
declarations and external references are refused, but no element is ever built. Our
handlers keep only the fields of the author, post, comment and comment meta being read,
and transfer.wxr_fields turns them into records as each closes. Memory follows the largest
post, not the file.
"""

import os
from collections.abc import Iterator
from urllib.parse import urlsplit

from transfer.models import Format
from transfer.reading import SourceReader
from transfer.records import ArticleGroup, AuthorRecord, SourceFileError
from transfer.wxr_fields import COMMENTS, KIND, LINE, RESTORED, WxrRecords
from transfer.wxr_fields import ZERO_DATE as ZERO_DATE  # re-exported to transfer.wxr_writer
from transfer.xml_stream import CHUNK_BYTES as CHUNK_BYTES  # re-exported to the tests
from transfer.xml_stream import defused_expat, feed, root_refused

PARLEY_STATUS_KEY = "_parley_status"  # the comment meta transfer.wxr_writer adds

WP_FIELDS = (
    "wxr_version", "base_site_url", "base_blog_url",
    "author_id", "author_login", "author_email", "author_display_name", "author_first_name",
    "author_last_name",
    "post_id", "post_date", "post_date_gmt", "comment_status", "post_name", "status",
    "post_type",
    "comment_id", "comment_author", "comment_author_email", "comment_author_url",
    "comment_author_IP", "comment_date", "comment_date_gmt", "comment_content",
    "comment_approved", "comment_type", "comment_parent", "comment_user_id",
    "meta_key", "meta_value",
)  # fmt: skip


def _expat_names() -> tuple[dict[str, str], dict[str, str]]:
    """Expat's "namespace}local" names of the fields read, to the keys they are kept under,
    and of the elements that hold fields, to their kind. The WXR 1.0, 1.1 and 1.2
    namespaces give the same keys."""
    fields = {
        "title": "title",
        "link": "link",
        "http://purl.org/rss/1.0/modules/content/}encoded": "content",
        "http://purl.org/dc/elements/1.1/}creator": "creator",
    }
    # An <image> (the site's icon) holds a title and link that are not the channel's.
    containers = {"rss": "rss", "channel": "channel", "item": "item", "image": "image"}
    for version in ("1.0", "1.1", "1.2"):
        wp = f"http://wordpress.org/export/{version}/}}"
        fields[f"http://wordpress.org/export/{version}/excerpt/}}encoded"] = "excerpt"
        fields.update({wp + key: key for key in WP_FIELDS})
        for kind in ("author", "comment", "commentmeta", "postmeta"):
            containers[wp + kind] = kind
    return fields, containers


FIELD_NAMES, CONTAINER_NAMES = _expat_names()


class WxrReader(SourceReader):
    """Yield a WXR file's authors, then each post with all of its comments."""

    format = Format.WORDPRESS

    def __iter__(self) -> Iterator[AuthorRecord | ArticleGroup]:
        total = os.path.getsize(self.path)
        records = WxrRecords(stats=self.stats, site_timezone=self.site_timezone)
        ready: list[AuthorRecord | ArticleGroup] = []
        expat = defused_expat()
        self._install_handlers(expat, records, ready)
        with open(self.path, "rb") as file:
            for done in feed(expat, file):
                yield from self._hand_over(ready, done, total)
            yield from self._hand_over(ready, total, total)
        if not self.source:
            raise SourceFileError("no <channel> in <rss>: not a WordPress WXR export")
        self.progress(total, total)

    def _install_handlers(self, expat, records: WxrRecords, ready: list) -> None:
        """Keep the fields of each open element that holds fields (channel, author, item,
        comment, comment meta) in a dict, and make records of them into `ready` as each
        closes."""
        text: list[str] = []
        clear, join = text.clear, "".join
        stack: list[dict] = [{}]  # innermost last
        fields_get, containers_get = FIELD_NAMES.get, CONTAINER_NAMES.get

        def channel_closed(fields: dict, parent: dict) -> None:
            if not self.source:  # the export of a site without posts
                self._name_source(fields, fields[LINE])

        def author_closed(fields: dict, parent: dict) -> None:
            ready.append(records.author(fields))

        def item_closed(fields: dict, parent: dict) -> None:
            group = records.article_group(fields)
            if group is not None:
                ready.append(group)

        closers = {
            "rss": _ignore,
            "image": _ignore,
            "channel": channel_closed,
            "author": author_closed,
            "item": item_closed,
            "comment": _comment_closed,
            "commentmeta": _commentmeta_closed,
            "postmeta": _ignore,
        }

        def start(name, attributes):
            clear()
            kind = containers_get(name)
            if kind is not None:
                line = expat.CurrentLineNumber
                if (kind == "item" or kind == "author") and not self.source:
                    self._name_source(stack[-1], line)
                stack.append({KIND: kind, LINE: line})

        def end(name):
            key = fields_get(name)
            if key is not None:
                stack[-1][key] = join(text)
            elif name in CONTAINER_NAMES:
                fields = stack.pop()
                closers[fields[KIND]](fields, stack[-1])

        def root_start(name, attributes):
            if name != "rss":
                raise SourceFileError(
                    "not a WordPress WXR export: " + root_refused(name, "<rss>"),
                    expat.CurrentLineNumber,
                )
            expat.StartElementHandler = start
            start(name, attributes)

        expat.StartElementHandler = root_start
        expat.EndElementHandler = end
        expat.CharacterDataHandler = text.append

    def _name_source(self, channel: dict, line: int) -> None:
        """Name the exporting site from the channel's header."""
        if "wxr_version" not in channel:
            raise SourceFileError(
                "no wp:wxr_version before the first author or post: not a WordPress WXR "
                "export (versions 1.0 to 1.2 are read)",
                line,
            )
        # A multisite network shares base_site_url; each blog's own address is base_blog_url.
        url = next(
            (channel.get(key, "").strip() for key in ("base_blog_url", "base_site_url", "link")
             if channel.get(key, "").strip()),
            "",
        )  # fmt: skip
        if not url:
            raise SourceFileError("the channel has no wp:base_site_url or <link>", line)
        parts = urlsplit(url)
        site = f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path}".rstrip("/")
        self.source = f"wordpress {site}"


def _comment_closed(fields: dict, item: dict) -> None:
    item.setdefault(COMMENTS, []).append(fields)


def _commentmeta_closed(fields: dict, comment: dict) -> None:
    if fields.get("meta_key", "").strip() == PARLEY_STATUS_KEY:
        comment[RESTORED] = fields.get("meta_value", "")


def _ignore(fields: dict, parent: dict) -> None:
    pass
