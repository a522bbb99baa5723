"""Turn the objects of a Parley JSON backup (transfer.json_backup) into records, checking
each field's type: a backup is restored exactly, or refused on the line that is wrong."""

import datetime
import decimal

from django.conf import settings

from articles.models import Article
from comments.models import CommentStatus
from comments.models_votes import DOWN, UP
from transfer.reading import moment_in_range
from transfer.records import (
    ArticleRecord,
    AuthorRecord,
    CommentRecord,
    FollowRecord,
    ReadStats,
    SourceFileError,
    UpdateRecord,
    VoteRecord,
)

_COMMENT_STATUSES = frozenset(CommentStatus.values)
_ARTICLE_STATUSES = frozenset(Article.Status.values)


class JsonRecords:
    """Records from a backup's user, article, update and comment objects, each given with
    the line it starts on: a refusal names that line, not the one the parser has reached."""

    def __init__(self, *, stats: ReadStats, site_timezone: datetime.tzinfo):
        self.stats = stats
        self.site_timezone = site_timezone  # for a naive date (a hand-edited file)
        self.line = 0  # where the object being read starts

    def _fail(self, message: str) -> SourceFileError:
        return SourceFileError(message, self.line)

    def user(self, user: dict, line: int) -> AuthorRecord:
        self.line = line
        source_id = self._id(user, "id", f"a user on line {line}")
        groups = user.get("groups") or []
        if type(groups) is not list or not all(type(name) is str for name in groups):
            raise self._fail(f'user {source_id}: "groups" must be a list of names')
        where = f"user {source_id}"
        return AuthorRecord(
            source_id=source_id,
            login=self._text(user, "username", where),
            email=self._text(user, "email", where),
            email_verified=user.get("email_verified") is True,
            first_name=self._text(user, "first_name", where),
            last_name=self._text(user, "last_name", where),
            groups=tuple(groups),
            is_active=user.get("is_active") is not False,
            date_joined=self._when(user, "date_joined", where),
        )

    def article(self, fields: dict, line: int) -> ArticleRecord:
        """The article from its fields other than "updates" and "comments"."""
        self.line = line
        source_id = self._id(fields, "id", f"an article on line {line}")
        where = f"article {source_id}"
        status = self._text(fields, "status", where) or Article.Status.DRAFT
        if status not in _ARTICLE_STATUSES:
            self.stats.warn(f"{where}: unknown status {status!r}, restored as a draft")
            status = Article.Status.DRAFT
        authors = fields.get("authors") or []
        if type(authors) is not list:
            raise self._fail(f'{where}: "authors" must be a list of user ids')
        close_after = fields.get("comments_close_after_days")
        if close_after is not None and (type(close_after) is not int or close_after < 0):
            self.stats.warn(f"{where}: comments_close_after_days {close_after!r} ignored")
            close_after = None
        language = fields.get("language") or ""
        if language not in {code for code, _name in settings.LANGUAGES} | {""}:
            self.stats.warn(f"{where}: language {language!r} is not offered here, so the site's")
            language = ""
        return ArticleRecord(
            source_id=source_id,
            title=self._text(fields, "title", where),
            url=self._text(fields, "url", where),
            slug=self._text(fields, "slug", where),
            body_markdown=self._text(fields, "body", where),
            standfirst=self._text(fields, "standfirst", where),
            author_source_ids=tuple(self._ref(author, where, "authors") for author in authors),
            published_at=self._when(fields, "published_at", where),
            status=status,
            comments_open=fields.get("comments_open", True) is not False,
            comments_close_after_days=close_after,
            language=language,
            follows=tuple(self._follows(fields.get("follows"), where)),
        )

    def _follows(self, follows: object, where: str) -> list[FollowRecord]:
        """An older backup has none; a follow without an address is passed over, warned."""
        records = []
        for follow in self._objects(follows, where, "follows"):
            email = self._text(follow, "email", f"{where}, a follow").strip()
            if not email:
                self.stats.warn(f"{where}: a follow without an address; skipped")
                continue
            what = f"{where}, the follow of {email}"
            records.append(FollowRecord(
                email=email, user_source_id=self._ref(follow.get("user"), what, "user"),
                confirmed_at=self._when(follow, "confirmed_at", what),
                created_at=self._when(follow, "created_at", what),
                language=self._text(follow, "language", what)[:10],
            ))  # fmt: skip
        return records

    def update(self, update: dict, article_id: str, line: int) -> UpdateRecord | None:
        """The update, or None (counted) for one without a publication date."""
        self.line = line
        source_id = self._id(update, "id", f"an update of article {article_id} on line {line}")
        where = f"update {source_id}"
        published_at = self._when(update, "published_at", where)
        if published_at is None:
            self.stats.warn(f"{where} (line {line}) has no publication date: skipped")
            self.stats.skip("update without a date")
            return None
        return UpdateRecord(
            source_id=source_id,
            body_markdown=self._text(update, "body", where),
            published_at=published_at,
            author_source_id=self._ref(update.get("author"), where, "author"),
            corrected_at=self._when(update, "corrected_at", where),
            withdrawn_at=self._when(update, "withdrawn_at", where),
        )

    def comment(self, comment: dict, line: int) -> CommentRecord:
        self.line = line
        source_id = self._id(comment, "id", f"a comment on line {line}")
        where = f"comment {source_id}"
        status = comment.get("status")
        if status not in _COMMENT_STATUSES:
            self.stats.warn(f"{where} (line {line}): unknown status {status!r}, restored held")
            status = CommentStatus.HELD
        ip_address = comment.get("ip")
        return CommentRecord(
            source_id=source_id,
            parent_source_id=self._ref(comment.get("parent"), where, "parent"),
            author_name=self._text(comment, "name", where),
            author_email=self._text(comment, "email", where),
            author_url=self._text(comment, "url", where),
            ip_address=ip_address if type(ip_address) is str and ip_address else None,
            submitted_at=self._when(comment, "submitted_at", where),
            markdown=self._text(comment, "text", where),
            status=status,
            user_source_id=self._ref(comment.get("user"), where, "user"),
            user_agent=self._text(comment, "user_agent", where),
            edited_at=self._when(comment, "edited_at", where),
            followup=comment.get("followup") is True,
            email_proven=comment.get("email_proven") is True,
            picked_at=self._when(comment, "picked_at", where),
            picked_by_source_id=self._ref(comment.get("picked_by"), where, "picked_by"),
            upvotes=self._count(comment, "upvotes", where),
            downvotes=self._count(comment, "downvotes", where),
            best_score=self._score(comment, where),
            votes=tuple(self._votes(comment.get("votes"), where)),
            line=line,
        )

    def _count(self, fields: dict, key: str, where: str) -> int:
        value = fields.get(key, 0)
        if type(value) is not int or value < 0:
            raise self._fail(f'{where}: "{key}" must be a count, not {value!r}')
        return value

    def _score(self, fields: dict, where: str) -> float:
        value = fields.get("best_score", 0.0)
        # The parser gives a number with a fraction as a Decimal.
        if type(value) not in (int, float, decimal.Decimal) or not 0 <= value <= 1:
            raise self._fail(f'{where}: "best_score" must be a number from 0 to 1, not {value!r}')
        return float(value)

    def _votes(self, votes: object, where: str) -> list[VoteRecord]:
        records = []
        for vote in self._objects(votes, where, "votes"):
            key, value = vote.get("voter_key"), vote.get("value")
            if type(key) is not str or not key or len(key) > 80 or value not in (UP, DOWN):
                raise self._fail(f"{where}: a vote must have a voter_key and a value of 1 or -1")
            address_key = vote.get("address_key", "")  # none in a backup from before
            if type(address_key) is not str or len(address_key) > 44:
                raise self._fail(f'{where}: a vote\'s "address_key" must be text, 44 at most')
            records.append(VoteRecord(
                voter_key=key, value=value, address_key=address_key,
                created_at=self._when(vote, "created_at", f"{where}, a vote"),
                updated_at=self._when(vote, "updated_at", f"{where}, a vote"),
            ))  # fmt: skip
        return records

    def _objects(self, value: object, where: str, key: str) -> list[dict]:
        """A list of objects under `key`; none for an older backup, which lacks the key."""
        if value is None:
            return []
        if type(value) is not list or not all(type(item) is dict for item in value):
            raise self._fail(f'{where}: "{key}" must be a list of objects')
        return value

    def _id(self, fields: dict, key: str, where: str) -> str:
        if fields.get(key) is None:
            raise self._fail(f'{where} has no "{key}"')
        return self._ref(fields[key], where, key)

    def _ref(self, value: object, where: str, key: str) -> str:
        """A record's source id, or "" for null."""
        if type(value) is int or (type(value) is str and value):
            return str(value)
        if value is None:
            return ""
        raise self._fail(f'{where}: "{key}" must be an id, not {value!r}')

    def _text(self, fields: dict, key: str, where: str) -> str:
        value = fields.get(key)
        if type(value) is str:
            return value
        if value is None:
            return ""
        raise self._fail(f'{where}: "{key}" must be a string, not {value!r}')

    def _when(self, fields: dict, key: str, where: str) -> datetime.datetime | None:
        """An aware datetime; a naive one (a hand-edited file) is taken as site time."""
        value = fields.get(key)
        if value is None:
            return None
        try:
            when = datetime.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            self.stats.warn(f'{where}: "{key}" is not an ISO 8601 date: {value!r}; ignored')
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=self.site_timezone)
        if not moment_in_range(when):
            self.stats.warn(f'{where}: "{key}" {value!r} is out of range; ignored')
            return None
        return when
