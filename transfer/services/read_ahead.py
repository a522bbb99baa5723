"""Reading an export ahead of the writer: in a child process where the system can fork one
(Linux), else in a thread.

Reading the file and preparing each comment's words (sanitising and converting) is over
half of an import's Python work. In a thread it shares one core with the writer (Python
runs one thread at a time); a child process takes it to the core the database leaves
idle, and hands the records over pickled (a tenth of what making them costs). Either way
nothing there touches the database, and the reader keeps READ_AHEAD comments ahead."""

import mmap
import os
import pickle
import sys
import threading
from collections import deque
from collections.abc import Iterator

from ..records import ArticleGroup
from .storing import comment_text_prepare

# Comments read and prepared ahead of the writer: about two of its batches, so reading goes
# on while the database writes one (a group larger than this still passes, alone).
READ_AHEAD = 10_000
# Read in a child process on Linux (tests switch it to check that both ways store alike).
READ_IN_CHILD = sys.platform == "linux"
# The share of the comments' words the child prepares: the parent has room for the rest,
# and the child is what the parent waits for.
CHILD_SHARE = 0.5


class PrepareFlag:
    """Whether the reader prepares the comments' words: the writer clears it while the
    file's comments are already here (a re-run), so that work is left for what is new.
    Kept in memory a forked child shares."""

    def __init__(self):
        self._byte = mmap.mmap(-1, 1)  # anonymous and shared across fork()
        self.set()

    def set(self) -> None:
        self._byte[0] = 1

    def clear(self) -> None:
        self._byte[0] = 0

    def is_set(self) -> bool:
        return self._byte[0] == 1


def read_ahead(reader, prepare: PrepareFlag) -> Iterator:
    """The reader's records, read and prepared ahead of the caller; the reader's `source`,
    `comment_id_max` and `stats` are kept up to date as they are handed over."""
    if _fork_safe():
        return _read_in_child(reader, prepare)
    return _read_in_thread(reader, prepare)


def _fork_safe() -> bool:
    """Whether to fork: only from a process running one thread (a management command, a
    worker process), since a lock another thread holds at that moment would stay held in
    the child for ever (a threaded development server reads in a thread instead)."""
    return READ_IN_CHILD and threading.active_count() == 1


def _prepared(item, prepare: PrepareFlag):
    if isinstance(item, ArticleGroup) and prepare.is_set():
        for record in item.comments:
            if record.text_fields is None:
                record.text_fields = comment_text_prepare(record)
    return item


class _Handoff:
    """Items passed from a producing thread to the consumer, at most READ_AHEAD comments
    ahead; `stop()` releases a producer that waits for room."""

    def __init__(self):
        self.items: deque = deque()
        self.ahead = 0
        self.changed = threading.Condition()
        self.stopping = False

    def put(self, item, size: int) -> None:
        with self.changed:
            while self.ahead and self.ahead + size > READ_AHEAD and not self.stopping:
                self.changed.wait()
            self.items.append((item, size))
            self.ahead += size
            self.changed.notify_all()

    def get(self):
        with self.changed:
            while not self.items:
                self.changed.wait()
            item, size = self.items.popleft()
            self.ahead -= size
            self.changed.notify_all()
            return item

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()


def _size(item) -> int:
    return len(item.comments) if isinstance(item, ArticleGroup) else 0


_FINISHED = ("finished",)


def _read_in_thread(reader, prepare: PrepareFlag) -> Iterator:
    handoff = _Handoff()

    def read() -> None:
        try:
            for item in reader:
                handoff.put(_prepared(item, prepare), _size(item))
                if handoff.stopping:
                    return
            handoff.put(_FINISHED, 0)
        except BaseException as error:  # handed to the writer, which raises it
            handoff.put(error, 0)

    thread = threading.Thread(target=read, name="parley-import-reader", daemon=True)
    thread.start()
    try:
        while (item := handoff.get()) is not _FINISHED:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        handoff.stop()
        thread.join(timeout=5)


def _read_in_child(reader, prepare: PrepareFlag) -> Iterator:
    """Fork a child that reads and prepares, and sends each record pickled through a pipe
    with the reader's source and progress at that point; a thread here unpickles them."""
    incoming, outgoing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(incoming)
        _child_read(reader, prepare, outgoing)
    os.close(outgoing)
    handoff = _Handoff()
    receiver = threading.Thread(
        target=_receive,
        args=(incoming, handoff, prepare),
        name="parley-import-receiver",
        daemon=True,
    )
    receiver.start()
    finished = False
    try:
        while True:
            message = handoff.get()
            kind = message[0]
            if kind == "item":
                _, item, header, progress = message
                reader.source, reader.comment_id_max = header
                for done, total in progress:
                    reader.progress(done, total)
                yield item
            elif kind == "finished":
                _, stats, header, progress = message
                reader.source, reader.comment_id_max = header
                for done, total in progress:
                    reader.progress(done, total)
                reader.stats.skipped.update(stats.skipped)
                reader.stats.warnings.extend(stats.warnings)
                finished = True
                return
            else:
                raise message[1]
    finally:
        if not finished:
            os.kill(pid, 9)  # it may be waiting for room in the pipe; nothing of it is kept
        handoff.stop()
        receiver.join()
        os.waitpid(pid, 0)


def _receive(incoming: int, handoff: _Handoff, prepare: PrepareFlag) -> None:
    with os.fdopen(incoming, "rb") as stream:
        try:
            while not handoff.stopping:
                header = stream.read(8)
                if len(header) < 8:
                    raise RuntimeError("the process reading the file ended unexpectedly")
                # Our own child's output, through a pipe only the two hold.
                message = pickle.loads(stream.read(int.from_bytes(header, "little")))  # noqa: S301
                if message[0] == "item":
                    _prepared(message[1], prepare)  # the groups the child left to this side
                handoff.put(message, _size(message[1]) if message[0] == "item" else 0)
                if message[0] != "item":
                    return
        except BaseException as error:
            handoff.put(("error", error), 0)


def _header(reader) -> tuple[str, int | None]:
    """What the file's header told the reader, for the parent's copy of it."""
    return reader.source, reader.comment_id_max


def _child_read(reader, prepare: PrepareFlag, outgoing: int) -> None:
    """The forked child's whole life: read, prepare, send, and leave without running
    anything of the parent's (no cleanup, no exit handlers: the parent's database
    connection is its own, and this process only shares it)."""
    status = 0
    try:
        progress: list[tuple[int, int]] = []
        reader.progress = lambda done, total: progress.append((done, total))
        with os.fdopen(outgoing, "wb") as stream:

            def send(message: tuple) -> None:
                data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
                stream.write(len(data).to_bytes(8, "little"))
                stream.write(data)
                stream.flush()
                progress.clear()

            read = prepared = 0
            try:
                for item in reader:
                    # Its share of the words; this side's receiving thread prepares the rest.
                    size = _size(item)
                    if size and prepared <= CHILD_SHARE * read:
                        prepared += size
                        for record in _prepared(item, prepare).comments:
                            if record.text_fields is not None:  # what is no longer needed
                                record.html, record.markdown = "", None
                    read += size
                    send(("item", item, _header(reader), list(progress)))
                send(("finished", reader.stats, _header(reader), list(progress)))
            except Exception as error:  # the parent raises it
                try:
                    send(("error", error))
                except Exception:  # an error that cannot be pickled
                    send(("error", RuntimeError(f"reading the file failed: {error!r}")))
    except BaseException:  # the parent stopped reading, or worse
        status = 1
    finally:
        os._exit(status)
