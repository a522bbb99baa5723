"""Reading an export ahead of the writer, in a thread of its own."""

import queue
import sys
import threading
from collections.abc import Iterator

from ..records import ArticleGroup
from .storing import comment_text_prepare

READ_AHEAD = 8  # article groups read and prepared ahead of the writer
SWITCH_INTERVAL = 0.0002


def read_ahead(reader, prepare: threading.Event) -> Iterator:
    """The reader's records, read in a thread of their own that also prepares each
    comment's words (sanitising and converting is most of the Python work), so that work
    goes on while the writer waits for the database. Nothing there touches the database.
    While `prepare` is clear (the file's comments are already here) words are not
    prepared: the writer does it for what turns out to be new."""
    handoff: queue.Queue = queue.Queue(maxsize=READ_AHEAD)
    finished = object()
    stopping = threading.Event()

    def read() -> None:
        try:
            for item in reader:
                if isinstance(item, ArticleGroup) and prepare.is_set():
                    for record in item.comments:
                        record.text_fields = comment_text_prepare(record)
                while not stopping.is_set():
                    try:
                        handoff.put(item, timeout=0.2)
                        break
                    except queue.Full:
                        continue
                if stopping.is_set():
                    return
            handoff.put(finished)
        except BaseException as error:  # handed to the writer, which raises it
            handoff.put(error)

    thread = threading.Thread(target=read, name="parley-import-reader", daemon=True)
    # Python hands the GIL over every 5 ms by default: each database round trip of the
    # writer would then wait out the reading thread's slice. Shorter slices while importing.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    thread.start()
    try:
        while (item := handoff.get()) is not finished:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stopping.set()
        thread.join(timeout=5)
        sys.setswitchinterval(interval)
