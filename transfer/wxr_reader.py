"""Read a WordPress eXtended RSS export (WXR 1.0 to 1.2) into transfer records, as a stream.

The file goes through defusedxml's expat parser, so entity declarations and external
references are refused, but no element is ever built: ElementTree's iterparse costs about
75 µs a comment before any work, more than the reader's share of the import. Our handlers
keep only the fields of the author, post, comment and comment meta being read, and turn them
into records as each closes. Memory follows the largest post, not the file.
"""

import datetime
import os
from collections.abc import Callable, Iterator
from html import unescape
from pyexpat import ErrorString
from urllib.parse import urlsplit

from defusedxml import EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError
from django.utils.html import strip_tags

from articles.models import Article
from comments.models import CommentStatus
from transfer.models import Format
from transfer.records import (
    ArticleGroup,
    ArticleRecord,
    AuthorRecord,
    CommentRecord,
    ReadStats,
    SourceFileError,
)

CHUNK_BYTES = 1 << 16
UTC = datetime.UTC
ZERO_DATE = "0000-00-00 00:00:00"
PARLEY_STATUS_KEY = "_parley_status"  # the comment meta transfer.wxr_writer adds
# Keys stored beside a record's fields: "@" starts no XML name, so no field overwrites them.
KIND, LINE, COMMENTS, RESTORED = "@kind", "@line", "@comments", "@parley_status"

ARTICLE_STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.SCHEDULED,
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.DRAFT,
    "private": Article.Status.DRAFT,
}
SKIPPED_POST_STATUSES = {"trash": "trashed post", "auto-draft": "auto-draft"}
COMMENT_STATUSES = {
    "1": CommentStatus.PUBLISHED,
    "0": CommentStatus.HELD,
    "spam": CommentStatus.SPAM,
    "trash": CommentStatus.REMOVED,
    "post-trashed": CommentStatus.REMOVED,
}
COMMENT_TYPES = frozenset({"", "comment", "review"})
# Imported comments are never scored, so one exported while pending waits for a moderator.
RESTORED_STATUSES = {status.value: status.value for status in CommentStatus} | {
    CommentStatus.PENDING.value: CommentStatus.HELD.value
}

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


class WxrReader:
    """Yield a WXR file's authors, then each post with all of its comments."""

    format = Format.WORDPRESS

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        stats: ReadStats,
        site_timezone: datetime.tzinfo = UTC,
        progress: Callable[[int, int], None] | None = None,
    ):
        self.path = path
        self.stats = stats
        self.site_timezone = site_timezone
        self.progress = progress
        self.source = ""
        self._ready: list[AuthorRecord | ArticleGroup] = []

    def __iter__(self) -> Iterator[AuthorRecord | ArticleGroup]:
        total = os.path.getsize(self.path)
        parser = DefusedXMLParser(target=_NoTarget())
        expat = parser.parser
        self._install_handlers(expat)
        ready = self._ready
        with open(self.path, "rb") as file:
            while True:
                chunk = file.read(CHUNK_BYTES)
                try:
                    if chunk:
                        parser.feed(chunk)
                    else:
                        parser.close()
                except ParseError as error:
                    raise SourceFileError(ErrorString(error.code), error.position[0]) from error
                except EntitiesForbidden as error:
                    raise SourceFileError(_refusal(error), expat.CurrentLineNumber) from error
                except ExternalReferenceForbidden as error:
                    raise SourceFileError(
                        "external references are refused (possible external-entity attack)",
                        expat.CurrentLineNumber,
                    ) from error
                done = file.tell()
                for record in ready:
                    if self.progress is not None and type(record) is ArticleGroup:
                        self.progress(done, total)
                    yield record
                ready.clear()
                if not chunk:
                    break
        if not self.source:
            raise SourceFileError("no <channel> in <rss>: not a WordPress WXR export")
        if self.progress is not None:
            self.progress(total, total)

    def _install_handlers(self, expat) -> None:
        """Keep the fields of each open element that holds fields (channel, author, item,
        comment, comment meta) in a dict, and make records of them as each closes."""
        text: list[str] = []
        clear, join = text.clear, "".join
        stack: list[dict] = [{}]  # innermost last
        fields_get, containers_get = FIELD_NAMES.get, CONTAINER_NAMES.get
        closers = {
            "rss": _ignore,
            "image": _ignore,
            "channel": self._channel_closed,
            "author": self._author_closed,
            "item": self._item_closed,
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
                    f"the root element is <{name}>, not <rss>: not a WordPress WXR export",
                    expat.CurrentLineNumber,
                )
            expat.StartElementHandler = start
            start(name, attributes)

        def doctype(name, system_id, public_id, has_internal_subset):
            # Expat fetches nothing, but an external DTD could declare what we never see.
            if system_id or public_id:
                raise ExternalReferenceForbidden(None, None, system_id, public_id)

        expat.StartElementHandler = root_start
        expat.EndElementHandler = end
        expat.CharacterDataHandler = text.append
        expat.StartDoctypeDeclHandler = doctype
        # ElementTree's default handler sees only CDATA markers here, two a field; without
        # it expat itself rejects an undefined entity, and no DTD may define one.
        expat.DefaultHandlerExpand = None
        expat.buffer_size = CHUNK_BYTES

    def _channel_closed(self, fields: dict, parent: dict) -> None:
        if not self.source:  # the export of a site without posts
            self._name_source(fields, fields[LINE])

    def _author_closed(self, fields: dict, parent: dict) -> None:
        self._ready.append(self._author(fields))

    def _item_closed(self, fields: dict, parent: dict) -> None:
        group = self._article_group(fields, fields.get(COMMENTS, ()))
        if group is not None:
            self._ready.append(group)

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

    def _author(self, fields: dict) -> AuthorRecord:
        login = fields.get("author_login", "").strip()
        return AuthorRecord(
            source_id=fields.get("author_id", "").strip() or login,
            login=login,
            email=fields.get("author_email", "").strip(),
            display_name=fields.get("author_display_name", "").strip(),
            first_name=fields.get("author_first_name", "").strip(),
            last_name=fields.get("author_last_name", "").strip(),
        )

    def _article_group(self, fields: dict, comments) -> ArticleGroup | None:
        """The post with its comments, or None (counted) for an item that is not a post."""
        post_type = fields.get("post_type", "").strip()
        if post_type != "post":
            self.stats.skip(post_type or "item without a post type")
            return None
        post_status = fields.get("status", "").strip()
        if post_status in SKIPPED_POST_STATUSES:
            self.stats.skip(SKIPPED_POST_STATUSES[post_status])
            return None
        article = self._article(fields, post_status)
        records = [self._comment(comment, article.source_id) for comment in comments]
        return ArticleGroup(
            article=article,
            comments=[record for record in records if record is not None],
            line=fields[LINE],
        )

    def _article(self, fields: dict, post_status: str) -> ArticleRecord:
        post_id = fields.get("post_id", "").strip()
        status = ARTICLE_STATUSES.get(post_status)
        if status is None:
            self.stats.warn(f"post {post_id}: unknown status {post_status!r}, read as a draft")
            status = Article.Status.DRAFT
        gmt = fields.get("post_date_gmt")
        published_at = self._date(gmt, fields.get("post_date"), f"post {post_id}")
        if status == Article.Status.DRAFT and _is_unset(gmt):
            # WordPress fixes a draft's GMT date only once a date is chosen; until then its
            # local date is merely when it was last saved.
            published_at = None
        creator = fields.get("creator", "").strip()
        return ArticleRecord(
            source_id=post_id,
            title=fields.get("title", "").strip(),
            url=fields.get("link", "").strip(),
            slug=fields.get("post_name", "").strip(),
            body_html=fields.get("content", ""),
            standfirst=" ".join(unescape(strip_tags(fields.get("excerpt", ""))).split()),
            author_logins=(creator,) if creator else (),
            published_at=published_at,
            status=status,
            comments_open=fields.get("comment_status", "").strip() == "open",
        )

    def _comment(self, fields: dict, post_id: str) -> CommentRecord | None:
        get = fields.get
        comment_type = get("comment_type", "").strip()
        if comment_type not in COMMENT_TYPES:
            self.stats.skip(comment_type)  # pingback, trackback, or a plugin's own type
            return None
        comment_id = get("comment_id", "").strip()
        if not comment_id:
            self.stats.warn(f"post {post_id}: a comment without wp:comment_id, skipped")
            return None
        approved = get("comment_approved", "").strip()
        status = COMMENT_STATUSES.get(approved)
        if status is None:
            self.stats.warn(f"comment {comment_id}: unknown comment_approved {approved!r}, held")
            status = CommentStatus.HELD
        restored = get(RESTORED)
        if restored is not None:
            status = RESTORED_STATUSES.get(restored.strip(), status)
            if restored.strip() not in RESTORED_STATUSES:
                self.stats.warn(f"comment {comment_id}: unknown Parley status {restored!r}")
        parent = get("comment_parent", "").strip()
        user = get("comment_user_id", "").strip()
        return CommentRecord(
            source_id=comment_id,
            parent_source_id="" if parent == "0" else parent,
            author_name=get("comment_author", "").strip(),
            author_email=get("comment_author_email", "").strip(),
            author_url=get("comment_author_url", "").strip(),
            ip_address=get("comment_author_IP", "").strip() or None,
            submitted_at=self._date(
                get("comment_date_gmt"), get("comment_date"), f"comment {comment_id}"
            ),
            html=get("comment_content", ""),
            status=status,
            user_source_id="" if user == "0" else user,
            line=fields[LINE],
        )

    def _date(self, gmt: str | None, local: str | None, what: str) -> datetime.datetime | None:
        """The GMT date when it is set, else the local one in the site's time zone."""
        for value, zone in ((gmt, UTC), (local, self.site_timezone)):
            value = (value or "").strip()
            if value in ("", ZERO_DATE):
                continue
            try:
                moment = datetime.datetime.fromisoformat(value)
            except ValueError:
                self.stats.warn(f"{what}: unreadable date {value!r}")
                continue
            return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(UTC)
        return None


class _NoTarget:
    """defusedxml's parser wants a target; our handlers replace all it would call."""


def _comment_closed(fields: dict, item: dict) -> None:
    item.setdefault(COMMENTS, []).append(fields)


def _commentmeta_closed(fields: dict, comment: dict) -> None:
    if fields.get("meta_key", "").strip() == PARLEY_STATUS_KEY:
        comment[RESTORED] = fields.get("meta_value", "")


def _ignore(fields: dict, parent: dict) -> None:
    pass


def _is_unset(value: str | None) -> bool:
    return (value or "").strip() in ("", ZERO_DATE)


def _refusal(error: EntitiesForbidden) -> str:
    if error.sysid or error.pubid:
        return f"external entity {error.name!r} is refused (possible external-entity attack)"
    return "entity declarations are refused (possible entity-expansion attack)"
