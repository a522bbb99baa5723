"""What every source reader is given, and how it reports progress to its caller."""

import datetime
import os
from collections.abc import Callable, Iterator

from transfer.records import ArticleGroup, AuthorRecord, ReadStats

Progress = Callable[[int, int], None]


class SourceReader:
    """A reader of one export file: iterating it yields the file's AuthorRecord and
    ArticleGroup objects in file order; `source` names the exporting site from the file's
    header, known before the first record is yielded."""

    format: str
    # What the file calls a comment, for the warnings that name one by its id there.
    comment_term = "comment"

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        stats: ReadStats,
        site_timezone: datetime.tzinfo = datetime.UTC,
        progress: Progress | None = None,
    ):
        self.path = path
        self.stats = stats
        self.site_timezone = site_timezone  # for dates the file gives without a zone
        # progress(bytes read, file size): called as each article is handed over and once
        # the whole file is read, so a caller need not ask whether there is one.
        self.progress = progress or _unreported
        self.source = ""
        # A Parley backup's highest comment id on its site (None: the file does not say):
        # known, like `source`, before the first record is yielded.
        self.comment_id_max: int | None = None

    def _hand_over(
        self, ready: list[AuthorRecord | ArticleGroup], done: int, total: int
    ) -> Iterator[AuthorRecord | ArticleGroup]:
        """Yield the records made from the bytes read so far, reporting progress before each
        article, and empty `ready` for those the next bytes make."""
        for record in ready:
            if type(record) is ArticleGroup:
                self.progress(done, total)
            yield record
        ready.clear()


def _unreported(done: int, total: int) -> None:
    pass


def moment_in_range(moment: datetime.datetime) -> bool:
    """Whether an aware moment can be stored: one that is a valid date in its own zone may
    still fall outside years 1 to 9999 in UTC (9999-12-31T23:00-05:00)."""
    try:
        moment.astimezone(datetime.UTC)
    except OverflowError:
        return False
    return True
