"""Reads a Disqus XML export into the records the import writer stores.

A Disqus export lists its threads first, then every post in date order, interleaved across
threads. To hand the writer one whole thread at a time without holding the file, it is read
twice, streaming: the first pass only counts each thread's posts; the second holds a
thread's posts until its last one has been read, then hands the thread over. Memory follows
the threads still waiting for posts, not the file.
"""

import ipaddress
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from pyexpat import ErrorString, ExpatError

from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml.ElementTree import DefusedXMLParser

from articles.models import Article
from comments.models import CommentStatus

from .records import ArticleGroup, ArticleRecord, CommentRecord, ReadStats, SourceFileError

DISQUS_NS = "http://disqus.com"
INTERNALS_NS = "http://disqus.com/disqus-internals"
# Written by our exporter so a round trip keeps statuses Disqus has no word for.
PARLEY_NS = "https://parley.invalid/disqus-extension"

# Element names as expat reports them with namespaces on: "uri}local".
ROOT, THREAD, POST, PARENT = (f"{DISQUS_NS}}}{n}" for n in ("disqus", "thread", "post", "parent"))
FORUM, TITLE, LINK = (f"{DISQUS_NS}}}{n}" for n in ("forum", "title", "link"))
MESSAGE, CREATED_AT, NAME, EMAIL, USERNAME, IP_ADDRESS = (
    f"{DISQUS_NS}}}{n}" for n in ("message", "createdAt", "name", "email", "username", "ipAddress")
)
IS_CLOSED, IS_DELETED, IS_SPAM, IS_APPROVED = (
    f"{DISQUS_NS}}}{n}" for n in ("isClosed", "isDeleted", "isSpam", "isApproved")
)
DSQ_ID = f"{INTERNALS_NS}}}id"
PARLEY_STATUS = f"{PARLEY_NS}}}status"

CHUNK_BYTES = 1 << 16
STATUSES = frozenset(CommentStatus.values)
ARTICLE_STATUSES = frozenset(Article.Status.values)


class DisqusReader:
    """The threads and posts of a Disqus export, one ArticleGroup per thread with posts."""

    format = "disqus"

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        stats: ReadStats,
        site_timezone: tzinfo = UTC,
        progress: Callable[[int, int], None] | None = None,
    ):
        self.path = path
        self.stats = stats
        self.site_timezone = site_timezone
        self.progress = progress or (lambda done, total: None)
        self.source = ""  # "disqus <forum>", known once the file's first <forum> is read

    def __iter__(self) -> Iterator[ArticleGroup]:
        with open(self.path, "rb") as file:
            total = os.fstat(file.fileno()).st_size
            remaining = self._posts_per_thread(file, total)
            file.seek(0)
            yield from self._groups(file, total, remaining)
        self.progress(total, total)

    def _posts_per_thread(self, file, total: int) -> dict[str, int]:
        """Pass 1, the first half of the progress: how many posts name each thread."""
        parser = _defused_expat()
        counts: dict[str, int] = {}
        in_post = False

        def start(tag: str, attrs: list) -> None:
            nonlocal in_post
            if tag == POST:
                in_post = True
            elif tag == THREAD and in_post:
                # A post's first <thread> names its thread (pass 2 reads it the same way).
                in_post = False
                thread_id = _dsq_id(attrs)
                counts[thread_id] = counts.get(thread_id, 0) + 1

        def root(tag: str, attrs: list) -> None:
            if tag != ROOT:
                raise SourceFileError(
                    f"not a Disqus export: the document is <{tag.rpartition('}')[2]}>, "
                    f'not <disqus xmlns="{DISQUS_NS}">',
                    parser.CurrentLineNumber,
                )
            parser.StartElementHandler = start

        parser.StartElementHandler = root
        for done in _feed(parser, file):
            self.progress(done // 2, total)
        return counts

    def _groups(self, file, total: int, remaining: dict[str, int]) -> Iterator[ArticleGroup]:
        """Pass 2, the second half: each thread with its posts, once its last post is read."""
        parser = _defused_expat()
        collector = _Collector(self, parser, remaining)
        for done in _feed(parser, file):
            yield from self._deliver(collector.ready, (total + done) // 2, total)
            self.progress((total + done) // 2, total)
        collector.finish()
        yield from self._deliver(collector.ready, total, total)

    def _deliver(self, ready: list[ArticleGroup], done: int, total: int):
        if ready and not self.source:
            raise SourceFileError("the export names no forum (<forum>): not a Disqus export?")
        for group in ready:
            self.progress(done, total)
            yield group
        ready.clear()

    def date(self, text: str | None, what: str) -> datetime | None:
        """An aware datetime from ISO 8601 text; the site's zone when it names none."""
        text = (text or "").strip()
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            self.stats.warn(f"{what}: createdAt {text!r} is not an ISO 8601 date")
            return None
        return value if value.tzinfo else value.replace(tzinfo=self.site_timezone)


class _Collector:
    """Pass 2's expat handlers: records the open <thread> or <post> and, when it closes,
    files it; whole threads wait in `ready` for the reader to yield between chunks."""

    def __init__(self, reader: DisqusReader, parser, remaining: dict[str, int]):
        self.reader = reader
        self.stats = reader.stats
        self.remaining = remaining  # posts not yet read, per thread id
        self.open_threads: dict[str, ArticleGroup] = {}  # defined, waiting for posts
        self.early_posts: dict[str, list[CommentRecord]] = {}  # read before their thread
        self.finished: set[str] = set()
        self.ready: list[ArticleGroup] = []
        self._install(parser)

    def _install(self, parser) -> None:
        """Set expat's handlers: closures over local state, as they run some thirty times
        for every post."""
        text: list[str] = []
        # The open <thread> or <post>: its children's text by tag (one flat map: a post's
        # and its author's children have distinct names), its dsq:id, where it starts, and
        # (a post's) the thread and parent it names.
        kind: str | None = None
        fields: dict[str, str] = {}
        element_id = ""
        line = 0
        thread_ref: str | None = None
        parent_ref = ""

        def start(tag: str, attrs: list) -> None:
            nonlocal kind, fields, element_id, line, thread_ref, parent_ref
            text.clear()
            if kind is None:
                if tag in (POST, THREAD):
                    kind, fields, element_id = tag, {}, _dsq_id(attrs)
                    line, thread_ref, parent_ref = parser.CurrentLineNumber, None, ""
            elif kind == POST:
                if tag == THREAD and thread_ref is None:
                    thread_ref = _dsq_id(attrs)
                elif tag == PARENT:
                    parent_ref = _dsq_id(attrs)

        def end(tag: str) -> None:
            nonlocal kind
            if tag == kind:
                kind = None
                if tag == POST:
                    self.post_file(fields, element_id, thread_ref, parent_ref, line)
                else:
                    self.thread_file(fields, element_id, line)
            elif kind is not None:
                fields[tag] = "".join(text)
            elif tag == FORUM:
                self.forum_seen("".join(text))

        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = text.append

    def forum_seen(self, forum: str) -> None:
        forum = forum.strip()
        if forum and not self.reader.source:
            self.reader.source = f"disqus {forum}"

    def thread_file(self, fields: dict[str, str], thread_id: str, line: int) -> None:
        self.forum_seen(fields.get(FORUM, ""))
        if not thread_id:
            self.stats.warn(f"line {line}: a <thread> without dsq:id is left out")
            self.stats.skip("thread without id")
            return
        if thread_id in self.open_threads or thread_id in self.finished:
            self.stats.warn(f"thread {thread_id}: listed twice; the first is kept")
            return
        if _true(fields.get(IS_DELETED)):
            self.stats.warn(f"thread {thread_id}: deleted in Disqus; its comments are imported")
        article = ArticleRecord(
            source_id=thread_id,
            title=fields.get(TITLE, "").strip(),
            url=fields.get(LINK, "").strip(),
            published_at=self.reader.date(fields.get(CREATED_AT), f"thread {thread_id}"),
            comments_open=not _true(fields.get(IS_CLOSED)),
            status=self.article_status(fields, thread_id),
        )
        group = ArticleGroup(article, self.early_posts.pop(thread_id, []), line=line)
        if self.remaining.get(thread_id, 0) > 0:
            self.open_threads[thread_id] = group
        else:
            self.hand_over(group)

    def hand_over(self, group: ArticleGroup) -> None:
        self.finished.add(group.article.source_id)
        if group.comments:
            self.ready.append(group)
        else:
            # Disqus keeps a thread for every page that ever loaded its embed.
            self.stats.skip("thread without comments")

    def post_file(
        self,
        fields: dict[str, str],
        post_id: str,
        thread_id: str | None,
        parent_id: str,
        line: int,
    ) -> None:
        if not thread_id:
            self.stats.warn(f"post {post_id}: names no thread; left out")
            self.stats.skip("post without thread")
            return
        if thread_id in self.finished:
            raise SourceFileError(
                f"post {post_id} names thread {thread_id} after all of its posts were read: "
                "the file changed while it was being read",
                line,
            )
        comment = self.comment(fields, post_id, parent_id, line)
        group = self.open_threads.get(thread_id)
        if group is None:
            self.early_posts.setdefault(thread_id, []).append(comment)
        else:
            group.comments.append(comment)
        left = self.remaining[thread_id] = self.remaining.get(thread_id, 1) - 1
        if left <= 0 and group is not None:
            self.hand_over(self.open_threads.pop(thread_id))

    def comment(
        self, fields: dict[str, str], post_id: str, parent_id: str, line: int
    ) -> CommentRecord:
        ip_text = fields.get(IP_ADDRESS, "").strip()
        ip = _ip_address(ip_text) if ip_text else None
        if ip_text and ip is None:
            self.stats.warn(f"post {post_id}: ipAddress {ip_text!r} is not an IP address")
        return CommentRecord(
            source_id=post_id,
            parent_source_id=parent_id,
            author_name=(
                fields.get(NAME, "").strip() or fields.get(USERNAME, "").strip() or "Anonymous"
            ),
            author_email=fields.get(EMAIL, "").strip(),
            ip_address=ip,
            submitted_at=self.reader.date(fields.get(CREATED_AT), f"post {post_id}"),
            html=fields.get(MESSAGE, "").strip(),
            status=self.status(fields, post_id),
            line=line,
        )

    def article_status(self, fields: dict[str, str], thread_id: str) -> str:
        """Disqus threads are public pages; our exporter names drafts and scheduled ones."""
        ours = fields.get(PARLEY_STATUS, Article.Status.PUBLISHED).strip()
        if ours in ARTICLE_STATUSES:
            return ours
        self.stats.warn(f"thread {thread_id}: unknown parley:status {ours!r}; published")
        return Article.Status.PUBLISHED

    def status(self, fields: dict[str, str], post_id: str) -> str:
        ours = fields.get(PARLEY_STATUS)
        if ours is not None:
            ours = ours.strip()
            if ours == CommentStatus.PENDING:
                # Imported comments are never scored, so one left pending would wait forever.
                return CommentStatus.HELD
            if ours in STATUSES:
                return ours
            self.stats.warn(f"post {post_id}: unknown parley:status {ours!r}; Disqus's flags used")
        if _true(fields.get(IS_SPAM)):
            return CommentStatus.SPAM
        if _true(fields.get(IS_DELETED)):
            return CommentStatus.REMOVED
        if fields.get(IS_APPROVED, "").strip().lower() == "false":
            return CommentStatus.HELD
        return CommentStatus.PUBLISHED

    def finish(self) -> None:
        """At the end of the file: threads still open, and posts whose thread never came."""
        for group in self.open_threads.values():
            self.hand_over(group)
        self.open_threads = {}
        for thread_id, comments in self.early_posts.items():
            for comment in comments:
                self.stats.warn(
                    f"post {comment.source_id}: its thread {thread_id} is not in the file; left out"
                )
            self.stats.skip("post without thread", len(comments))
        self.early_posts = {}


def _defused_expat():
    """An expat parser with defusedxml's guards, for handlers of our own.

    defusedxml's iterparse runs ElementTree's pure-Python layer, two Python calls per element
    before ours; a Disqus post has about fifteen elements and is read twice, which alone
    would take ~80 µs a comment. Our handlers go straight onto the expat parser inside
    DefusedXMLParser instead: its guards are separate handlers (entity declarations,
    external references) and stay in place.
    """
    parser = DefusedXMLParser(target=object()).parser  # a target with nothing to call
    # ElementTree's default handler would see every event we leave unhandled; without it,
    # expat itself rejects an undefined entity (no DTD may define one).
    parser.DefaultHandlerExpand = None
    parser.StartDoctypeDeclHandler = _doctype_start
    parser.buffer_size = CHUNK_BYTES  # a long message arrives in one piece
    return parser


def _doctype_start(name, system_id, public_id, has_internal_subset) -> None:
    # Expat fetches nothing, but an external DTD could declare what we never see.
    if system_id or public_id:
        raise ExternalReferenceForbidden(None, None, system_id, public_id)


def _feed(parser, file) -> Iterator[int]:
    """Feed the file to the parser a chunk at a time, yielding the bytes read so far."""
    try:
        while chunk := file.read(CHUNK_BYTES):
            parser.Parse(chunk, False)
            yield file.tell()
        parser.Parse(b"", True)
    except ExpatError as exc:
        raise SourceFileError(
            f"not well-formed XML: {ErrorString(exc.code)} (column {exc.offset})", exc.lineno
        ) from None
    except DefusedXmlException as exc:
        raise SourceFileError(_refusal(exc), parser.CurrentLineNumber) from None


def _refusal(exc: DefusedXmlException) -> str:
    if isinstance(exc, EntitiesForbidden):
        if exc.sysid or exc.pubid:
            return (
                f"external entity {exc.name!r} ({exc.sysid or exc.pubid}) is refused "
                "(possible external-entity attack)"
            )
        return "entity declarations are refused (possible entity-expansion attack)"
    if isinstance(exc, ExternalReferenceForbidden):
        return "external references are refused (possible external-entity attack)"
    if isinstance(exc, DTDForbidden):
        return "document type declarations are refused"
    return f"refused: {exc}"


def _dsq_id(attrs: list) -> str:
    """The dsq:id among an element's attributes (expat lists them as name, value, ...)."""
    for at in range(0, len(attrs), 2):
        if attrs[at] == DSQ_ID:
            return attrs[at + 1]
    return ""


def _true(text: str | None) -> bool:
    return text is not None and text.strip().lower() in ("true", "1")


@lru_cache(maxsize=4096)
def _ip_address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None
