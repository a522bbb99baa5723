"""Reads for the exporters: every article with its authors and its comments, a chunk of
articles at a time, so an export's memory follows the chunk and not the site. And the
importer's lookups of what an earlier run stored."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, Max, OuterRef, Prefetch
from django_comments.models import Comment as BaseComment

from articles.models import Article, ArticleUpdate
from comments.models import Comment
from comments.models_votes import Vote
from readers.models import Follow

from .models import Format, ImportRun, SourceRecord

ARTICLES_PER_CHUNK = 200
COMMENT_FIELDS = (
    "pk", "parent_id", "thread_id", "level", "user_id", "user_name", "user_email", "user_url",
    "ip_address", "submit_date", "status", "comment", "comment_html", "user_agent",
    "edited_at", "status_changed_at", "followup", "picked_at", "picked_by_id", "upvotes",
    "downvotes", "best_score", "author_key",
)  # fmt: skip
FOLLOW_FIELDS = ("email", "user_id", "confirmed_at", "created_at", "language")
VOTE_FIELDS = ("voter_key", "address_key", "value", "created_at", "updated_at")


@dataclass
class ExportArticle:
    article: Article  # with `authors` and `updates` prefetched
    # Every comment, whatever its status, in thread order (each thread's comments follow its
    # first, replies after their parent). Dicts of COMMENT_FIELDS; `parent_id` is None for a
    # top-level comment (xtd stores those as their own parent).
    comments: list[dict] = field(default_factory=list)
    # Readers following the article: dicts of FOLLOW_FIELDS, oldest first.
    follows: list[dict] = field(default_factory=list)
    # Comment pk -> its votes, dicts of VOTE_FIELDS, oldest first.
    votes: dict[int, list[dict]] = field(default_factory=dict)


def export_articles(*, chunk: int = ARTICLES_PER_CHUNK) -> Iterator[ExportArticle]:
    """Every article, oldest first, drafts included: five queries per chunk of articles."""
    last_pk = 0
    while True:
        articles = list(
            Article.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .prefetch_related(
                "authors", Prefetch("updates", queryset=ArticleUpdate.objects.order_by("pk"))
            )[:chunk]
        )
        if not articles:
            return
        last_pk = articles[-1].pk
        by_article: dict[int, list[dict]] = {a.pk: [] for a in articles}
        rows = (
            Comment.objects.filter(article_id__in=by_article)
            .order_by("article_id", "thread_id", "order")
            .values("article_id", *COMMENT_FIELDS)
        )
        for row in rows.iterator(chunk_size=2000):
            if row["parent_id"] == row["pk"]:
                row["parent_id"] = None
            by_article[row.pop("article_id")].append(row)
        follows: dict[int, list[dict]] = {pk: [] for pk in by_article}
        rows = Follow.objects.filter(article_id__in=by_article).order_by("pk")
        for row in rows.values("article_id", *FOLLOW_FIELDS).iterator(chunk_size=2000):
            follows[row.pop("article_id")].append(row)
        votes: dict[int, list[dict]] = {}
        rows = Vote.objects.filter(comment__article_id__in=by_article).order_by("pk")
        for row in rows.values("comment_id", *VOTE_FIELDS).iterator(chunk_size=2000):
            votes.setdefault(row.pop("comment_id"), []).append(row)
        for article in articles:
            yield ExportArticle(
                article=article, comments=by_article[article.pk], follows=follows[article.pk],
                votes=votes,
            )  # fmt: skip


def export_authors() -> list:
    """Users who wrote an article or an update: the people an export names as authors."""
    users = get_user_model().objects.filter(articles__isnull=False).distinct().order_by("pk")
    return list(users)


def export_users(*, chunk: int = 2000) -> Iterator:
    """Every user, oldest first, with their groups and whether their address is verified:
    a chunk at a time."""
    verified = EmailAddress.objects.filter(
        user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
    )
    users = (
        get_user_model()
        .objects.order_by("pk")
        .prefetch_related("groups")
        .annotate(email_verified=Exists(verified))
    )
    return users.iterator(chunk_size=chunk)


# An import looks up thousands of ids at a time. On PostgreSQL they go as one array: as
# many parameters, psycopg would spend longer adapting them than the database answering.


def source_records_find(*, source: str, kind: str, source_ids: list[str]) -> dict[str, int]:
    """Source id -> object id of those of `source_ids` recorded for this source and kind."""
    if connection.vendor != "postgresql":
        records = SourceRecord.objects.filter(source=source, kind=kind, source_id__in=source_ids)
        return dict(records.values_list("source_id", "object_id"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT source_id, object_id FROM {SourceRecord._meta.db_table} "  # noqa: S608
            "WHERE source = %s AND kind = %s AND source_id = ANY(%s)",
            [source, kind, source_ids],
        )
        return dict(cursor.fetchall())


def comments_present(*, pks: list[int]) -> set[int]:
    """Those of these comment ids that are still here."""
    if connection.vendor != "postgresql":
        return set(Comment.objects.filter(pk__in=pks).order_by().values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {Comment._meta.pk.column} FROM {Comment._meta.db_table} "  # noqa: S608
            f"WHERE {Comment._meta.pk.column} = ANY(%s)",
            [pks],
        )
        return {row[0] for row in cursor.fetchall()}


def comment_id_last_used() -> int:
    """The highest comment id this site ever handed out, its deleted comments' included (0:
    none): a browser's list of its own comments may name any of them."""
    table = BaseComment._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT GREATEST(MAX(id), pg_sequence_last_value("  # noqa: S608
                f"pg_get_serial_sequence(%s, 'id')::regclass)) FROM {table}",
                [table],
            )
        else:
            # sqlite_sequence keeps the highest id an AUTOINCREMENT table ever held.
            cursor.execute(
                f"SELECT MAX(seq) FROM (SELECT MAX(id) AS seq FROM {table} UNION ALL "  # noqa: S608
                "SELECT seq FROM sqlite_sequence WHERE name = %s)",
                [table],
            )
        return cursor.fetchone()[0] or 0


def restore_last_at() -> datetime | None:
    """When a Parley backup was last restored into this site (None: never). Rows it stored
    got new ids here, so an id in a link sent before it may name another reader's row."""
    runs = ImportRun.objects.filter(format=Format.JSON, status=ImportRun.Status.DONE, dry_run=False)
    return runs.aggregate(last=Max("finished_at"))["last"]


def import_run_running(*, excluding: int | None = None) -> ImportRun | None:
    """The import said to be running that started last (another than `excluding`)."""
    runs = ImportRun.objects.filter(status=ImportRun.Status.RUNNING).exclude(pk=excluding)
    return runs.select_related("started_by").order_by("-started_at", "-pk").first()
