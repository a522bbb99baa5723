"""Reads a Disqus XML export into the records the import writer stores.

A Disqus export lists its threads first, then every post in date order, interleaved across
threads. To hand the writer one whole thread at a time without holding the file, it is read
twice, streaming through defusedxml's guarded expat parser (transfer.xml_stream): the first
pass only counts each thread's posts; the second holds a thread's posts until its last one
has been read, then hands the thread over. Memory follows the threads still waiting for
posts, not the file.
"""

import os
from collections.abc import Iterator

from transfer.disqus_fields import (
    DISQUS_NS,
    DSQ_ID,
    FORUM,
    PARENT,
    POST,
    ROOT,
    THREAD,
    DisqusRecords,
)
from transfer.disqus_fields import INTERNALS_NS as INTERNALS_NS  # re-exported to disqus_writer
from transfer.disqus_fields import PARLEY_NS as PARLEY_NS  # re-exported to disqus_writer
from transfer.reading import SourceReader
from transfer.records import ArticleGroup, CommentRecord, SourceFileError
from transfer.xml_stream import defused_expat, feed, root_refused


class DisqusReader(SourceReader):
    """The threads and posts of a Disqus export, one ArticleGroup per thread with posts.
    `source` is "disqus <forum>", known once the file's first <forum> is read."""

    format = "disqus"
    comment_term = "post"  # Disqus's <post>, as its own warnings say

    def __iter__(self) -> Iterator[ArticleGroup]:
        with open(self.path, "rb") as file:
            total = os.fstat(file.fileno()).st_size
            remaining = self._posts_per_thread(file, total)
            file.seek(0)
            yield from self._groups(file, total, remaining)
        self.progress(total, total)

    def _posts_per_thread(self, file, total: int) -> dict[str, int]:
        """Pass 1, the first half of the progress: how many posts name each thread."""
        parser = defused_expat()
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
                    "not a Disqus export: " + root_refused(tag, f'<disqus xmlns="{DISQUS_NS}">'),
                    parser.CurrentLineNumber,
                )
            parser.StartElementHandler = start

        parser.StartElementHandler = root
        for done in feed(parser, file):
            self.progress(done // 2, total)
        return counts

    def _groups(self, file, total: int, remaining: dict[str, int]) -> Iterator[ArticleGroup]:
        """Pass 2, the second half: each thread with its posts, once its last post is read."""
        parser = defused_expat()
        collector = _Collector(self, parser, remaining)
        for done in feed(parser, file):
            yield from self._deliver(collector.ready, (total + done) // 2, total)
            self.progress((total + done) // 2, total)
        collector.finish()
        yield from self._deliver(collector.ready, total, total)

    def _deliver(self, ready: list[ArticleGroup], done: int, total: int) -> Iterator[ArticleGroup]:
        if ready and not self.source:
            # Said as a statement: the command adds ". Nothing was imported." after it.
            raise SourceFileError(
                "the export names no forum (<forum>), as every Disqus export does"
            )
        return self._hand_over(ready, done, total)


class _Collector:
    """Pass 2's expat handlers: records the open <thread> or <post> and, when it closes,
    files it; whole threads wait in `ready` for the reader to yield between chunks."""

    def __init__(self, reader: DisqusReader, parser, remaining: dict[str, int]):
        self.reader = reader
        self.stats = reader.stats
        self.records = DisqusRecords(stats=reader.stats, site_timezone=reader.site_timezone)
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
        article = self.records.article(fields, thread_id)
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
        comment = self.records.comment(fields, post_id, parent_id, line)
        group = self.open_threads.get(thread_id)
        if group is None:
            self.early_posts.setdefault(thread_id, []).append(comment)
        else:
            group.comments.append(comment)
        left = self.remaining[thread_id] = self.remaining.get(thread_id, 1) - 1
        if left <= 0 and group is not None:
            self.hand_over(self.open_threads.pop(thread_id))

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


def _dsq_id(attrs: list) -> str:
    """The dsq:id among an element's attributes (expat lists them as name, value, ...)."""
    for at in range(0, len(attrs), 2):
        if attrs[at] == DSQ_ID:
            return attrs[at + 1]
    return ""
