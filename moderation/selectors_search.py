"""The moderators' search over every comment, old and published ones included: words of its
text, the author's name, email and IP address, its article, status and date.

On PostgreSQL the words go through full-text search on the tsvector column and GIN index
that comments' migration 0007 adds to django_comments (outside any model, hence the SQL
below); name, email and address use that migration's expression indexes. SQLite, for small
sites, matches each word as a substring of the case-folded text (core.fold: its own folding
knows only ASCII letters).
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.functional import cached_property

from articles.models import Article
from comments.models import Comment
from core.fold import Folded

from .selectors_queue import QueueItem, queue_items

MAX_WORDS = 10
PREFIX_FROM = 3  # shorter words match whole only: "a:*" would match nearly everything
# Counting every match of a common word costs more than the rest of the page; past this
# many the page says "more than" and lists the newest.
COUNT_LIMIT = 1000

# The stored column uses the 'simple' configuration: no stemming and no stop words, since
# comments come in any language and a moderator looks for what was written; each word also
# matches as a prefix ("moderat" finds "moderators"). Matching ids are found first: joined
# and ordered by date, a text match lets PostgreSQL walk the date index testing every
# comment, for seconds when the word is rare.
WORDS_MATCHING = (
    "SELECT id FROM django_comments "
    "WHERE parley_search_vector @@ to_tsquery('simple'::regconfig, %s)"
)


@dataclass(frozen=True)
class CommentSearch:
    text: str = ""
    name: str = ""
    email: str = ""
    ip_address: str = ""
    article: Article | None = None
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @property
    def words(self) -> list[str]:
        return re.findall(r"\w+", self.text.lower())[:MAX_WORDS]

    @property
    def is_empty(self) -> bool:
        return not (
            self.words
            or self.name
            or self.email
            or self.ip_address
            or self.article
            or self.status
            or self.date_from
            or self.date_to
        )


def _day_start(day: date) -> datetime:
    """Midnight starting `day` here; at either end of the calendar, where that is no datetime
    the database can compare (in UTC), the earliest or the latest there is."""
    try:
        start = timezone.make_aware(datetime.combine(day, time.min))
        start.astimezone(UTC)
    except (OverflowError, ValueError):
        return (datetime.max if day.year == date.max.year else datetime.min).replace(tzinfo=UTC)
    return start


def _text_matching(comments: QuerySet[Comment], words: list[str]) -> QuerySet[Comment]:
    if connection.vendor != "postgresql":
        comments = comments.alias(folded_text=Folded("comment"))
        for word in words:
            comments = comments.filter(folded_text__contains=word.casefold())
        return comments
    # Words are runs of \w, so they carry no tsquery operator of their own.
    terms = [f"{word}:*" if len(word) >= PREFIX_FROM else word for word in words]
    matching = RawSQL(WORDS_MATCHING, [" & ".join(terms)])  # noqa: S611 - the words are bound
    return comments.filter(pk__in=matching)


def search_queryset(search: CommentSearch) -> QuerySet[Comment]:
    """Every comment the search matches, newest first."""
    comments = Comment.objects.all()
    if search.words:
        comments = _text_matching(comments, search.words)
    if search.name and connection.vendor != "postgresql":
        name = search.name.casefold()
        comments = comments.alias(folded_name=Folded("user_name")).filter(
            folded_name__startswith=name
        )
    elif search.name:
        comments = comments.filter(user_name__istartswith=search.name)
    if search.email:
        comments = comments.filter(user_email__iexact=search.email)
    if search.ip_address:
        comments = comments.filter(ip_address=search.ip_address)
    if search.article is not None:
        comments = comments.filter(article=search.article)
    if search.status:
        comments = comments.filter(status=search.status)
    if search.date_from:
        comments = comments.filter(submit_date__gte=_day_start(search.date_from))
    if search.date_to and search.date_to < date.max:  # the whole of the last day
        comments = comments.filter(submit_date__lt=_day_start(search.date_to + timedelta(days=1)))
    return comments.order_by("-submit_date", "-pk")


class LimitedPaginator(Paginator):
    """Pages over the first COUNT_LIMIT results; `beyond_limit` says whether there are more."""

    @cached_property
    def count(self) -> int:
        return min(self.counted, COUNT_LIMIT)

    @cached_property
    def counted(self) -> int:
        return self.object_list.order_by()[: COUNT_LIMIT + 1].count()

    @property
    def beyond_limit(self) -> bool:
        return self.counted > COUNT_LIMIT


def search_page(
    *, search: CommentSearch, page_number, per_page: int = 25
) -> tuple[Page, list[QueueItem]]:
    """One page of results as queue items, in a fixed number of queries whatever its size."""
    comments = search_queryset(search).select_related("article", "user")
    page = LimitedPaginator(comments, per_page).get_page(page_number)
    return page, queue_items(list(page.object_list))
