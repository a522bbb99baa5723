"""Comments already on the site that no earlier import recorded: a site's own backup (or an
export of it) read back into it. Each is recognised by its article, date, name and words,
and recorded, so it is neither stored twice nor looked for again."""

from datetime import UTC, timedelta

from django.db.models.functions import TruncSecond

from comments.models import Comment
from core.text import one_line, strip_control_characters

from ..models import SourceRecord
from ..records import ArticleGroup, CommentRecord
from .storing import comment_text_prepare


def comments_recognise(
    *, pairs: list, stored: dict[str, int], source: str, run_id: int | None
) -> dict[str, int]:
    """Source id -> pk of the comments of these (group, article) pairs that are on the site
    already though not in `stored`; records where each came from."""
    # By the second: a WordPress export writes dates to the second, and a comment posted
    # here was stored to the microsecond.
    wanted: dict[tuple, list[CommentRecord]] = {}
    for group, article in pairs:
        for record in _unrecorded(group, stored):
            second = record.submitted_at.replace(microsecond=0)
            wanted.setdefault((article.pk, second), []).append(record)
    if not wanted:
        return {}
    seconds = {second for _, second in wanted}
    rows = (
        Comment.objects.annotate(second=TruncSecond("submit_date", tzinfo=UTC))
        .filter(
            article_id__in={article_id for article_id, _ in wanted},
            # The range lets the date's index narrow what the truncation then picks from.
            submit_date__gte=min(seconds),
            submit_date__lt=max(seconds) + timedelta(seconds=1),
            second__in=seconds,
        )
        .order_by()
        .values_list("pk", "article_id", "submit_date", "user_name", "comment")
    )
    found: dict[str, int] = {}
    taken: set[int] = set()
    for pk, article_id, when, name, text in rows:
        for record in wanted.get((article_id, when.replace(microsecond=0)), ()):
            if record.source_id in found or pk in taken:
                continue
            if record.submitted_at.microsecond and record.submitted_at != when:
                continue  # a date kept to the microsecond (a backup) must match exactly
            # Stored on one line now; a comment stored before that kept the name's breaks.
            raw = record.author_name
            if name not in (one_line(raw)[:50], strip_control_characters(raw)[:50]):
                continue
            if (record.text_fields or comment_text_prepare(record))["comment"] == text:
                found[record.source_id] = pk
                taken.add(pk)
    SourceRecord.objects.bulk_create([
        SourceRecord(source=source, kind=SourceRecord.Kind.COMMENT, source_id=source_id,
                     object_id=pk, run_id=run_id)
        for source_id, pk in found.items()
    ])  # fmt: skip
    return found


def _unrecorded(group: ArticleGroup, stored: dict[str, int]):
    return (c for c in group.comments if c.source_id not in stored and c.submitted_at)
