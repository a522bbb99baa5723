"""Read a Parley JSON backup (transfer.json_backup) back into records, as a stream.

The file is fed to ijson a line at a time (the exporter writes one record a line), so every
event is known to come from the line just fed: a record, a warning or a parse error names
its line without a second pass. Only one article and its comments are held at once."""

import datetime
import os
from collections.abc import Callable, Iterator

import ijson

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
    UpdateRecord,
)

BACKUP_FORMAT = "parley-backup"
BACKUP_VERSION = 1
# At most this much is fed to the parser at once: a file written on one line (minified by
# hand) is still read in bounded pieces.
CHUNK_BYTES = 64 * 1024
# A backup nests five levels (document, articles, article, comments, comment); anything far
# deeper is hostile, and a Python-recursive build must stop well before the stack does.
MAX_DEPTH = 16

_OPENERS = frozenset(("start_map", "start_array"))
_COMMENT_STATUSES = frozenset(CommentStatus.values)
_ARTICLE_STATUSES = frozenset(Article.Status.values)

Events = Iterator[tuple[str, object]]


class JsonReader:
    """Records from a Parley JSON backup: the users first, then each article with its
    updates and comments, statuses exactly as they were."""

    format = Format.JSON.value

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        stats: ReadStats,
        site_timezone: datetime.tzinfo = datetime.UTC,
        progress: Callable[[int, int], None] | None = None,
    ):
        self.path = path
        self.stats = stats
        self.site_timezone = site_timezone
        self.progress = progress
        self.source = ""
        self._line = 0  # the line the parser was last fed

    def __iter__(self) -> Iterator[AuthorRecord | ArticleGroup]:
        with open(self.path, "rb") as file:
            total = os.fstat(file.fileno()).st_size
            events = self._events(file)
            for record in self._document(events):
                yield record
                if self.progress is not None and type(record) is ArticleGroup:
                    self.progress(file.tell(), total)
            if self.progress is not None:
                self.progress(total, total)

    def _fail(self, message: str) -> SourceFileError:
        return SourceFileError(message, self._line)

    def _events(self, file) -> Events:
        events = ijson.sendable_list()
        parser = ijson.basic_parse_coro(events)
        line = 1
        try:
            while chunk := file.readline(CHUNK_BYTES):
                self._line = line
                parser.send(chunk)
                if chunk[-1] == 10:  # b"\n": the next chunk starts a new line
                    line += 1
                if events:
                    yield from events
                    events.clear()
            parser.close()
        # Whatever the parser raises means the bytes are not JSON: yajl reports syntax
        # errors as IncompleteJSONError, but an absurdly long number as a SystemError.
        except Exception as error:
            raise self._fail(f"not valid JSON: {_parser_message(error)}") from error
        yield from events

    def _document(self, events: Events) -> Iterator[AuthorRecord | ArticleGroup]:
        event, _ = next(events, ("", None))
        if event != "start_map":
            raise self._fail("not a Parley backup: the document is not a JSON object")
        header: dict = {}
        seen: set[str] = set()
        for event, key in events:
            if event == "end_map":
                break
            event, value = next(events)
            if key in ("users", "articles"):
                self._header_check(header)
                if key in seen:
                    raise self._fail(f'"{key}" appears twice')
                if key == "articles" and "users" not in seen:
                    raise self._fail('"articles" comes before "users": users must be read first')
                seen.add(key)
                reader = self._users if key == "users" else self._articles
                yield from reader(events, event)
            elif key in ("format", "version", "site"):
                header[key] = self._value(events, event, value)
                self._header_check(header, partial=True)
            elif event in _OPENERS:  # a newer exporter's addition: nothing to restore here
                self._value(events, event, value)
        for _ in events:  # to the end, so that trailing garbage is found
            pass
        for key in ("users", "articles"):
            if key not in seen:
                raise self._fail(f'not a Parley backup: no "{key}"')

    def _header_check(self, header: dict, *, partial: bool = False) -> None:
        if header.get("format", BACKUP_FORMAT) != BACKUP_FORMAT:
            raise self._fail(f"not a Parley backup: format is {header['format']!r}")
        version = header.get("version", 1)
        if type(version) is not int or version < 1:
            raise self._fail(f"not a Parley backup: version {version!r}")
        if version > BACKUP_VERSION:
            raise self._fail(
                f"backup version {version} is newer than this Parley reads ({BACKUP_VERSION}): "
                "upgrade Parley to restore it"
            )
        site = header.get("site")
        if site is not None and (type(site) is not str or not site):
            raise self._fail(f'"site" must name the exporting site, not {site!r}')
        if partial:
            return
        for key in ("format", "version", "site"):
            if key not in header:
                raise self._fail(f'not a Parley backup: no "{key}" before the records')
        self.source = f"json {site}"

    def _value(self, events: Events, event: str, value: object, depth: int = 0) -> object:
        """The whole value that starts with this event: a scalar, or a dict or list built
        from the events that follow."""
        if event not in _OPENERS:
            return value
        if depth > MAX_DEPTH:
            raise self._fail(f"nested more than {MAX_DEPTH} levels deep")
        build = self._value
        if event == "start_map":
            built: dict = {}
            for event, key in events:
                if event == "end_map":
                    return built
                event, value = next(events)
                built[key] = build(events, event, value, depth + 1) if event in _OPENERS else value
        else:
            items: list = []
            for event, value in events:
                if event == "end_array":
                    return items
                items.append(build(events, event, value, depth + 1) if event in _OPENERS else value)
        raise self._fail("the document ends inside a value")  # the parser says so first

    def _items(self, events: Events, event: str, what: str, build: Callable) -> Iterator:
        """What `build` makes of each object in the array that starts here."""
        if event != "start_array":
            raise self._fail(f'"{what}" must be a list')
        for event, _ in events:
            if event == "end_array":
                return
            if event != "start_map":
                raise self._fail(f"each of {what} must be an object")
            yield build(events)

    def _object(self, events: Events) -> tuple[dict, int]:
        """The object just opened, and the line it starts on."""
        line = self._line
        return self._value(events, "start_map", None, 2), line

    def _users(self, events: Events, event: str) -> Iterator[AuthorRecord]:
        for user, line in self._items(events, event, "users", self._object):
            parsed, self._line = self._line, line
            record = self._user_record(user, line)
            self._line = parsed
            yield record

    def _user_record(self, user: dict, line: int) -> AuthorRecord:
        source_id = self._id(user, "id", f"a user on line {line}")
        groups = user.get("groups") or []
        if type(groups) is not list or not all(type(name) is str for name in groups):
            raise self._fail(f'user {source_id}: "groups" must be a list of names')
        where = f"user {source_id}"
        return AuthorRecord(
            source_id=source_id,
            login=self._text(user, "username", where),
            email=self._text(user, "email", where),
            first_name=self._text(user, "first_name", where),
            last_name=self._text(user, "last_name", where),
            groups=tuple(groups),
            is_active=user.get("is_active") is not False,
            date_joined=self._when(user, "date_joined", where),
        )

    def _articles(self, events: Events, event: str) -> Iterator[ArticleGroup]:
        return self._items(events, event, "articles", self._article)

    def _article(self, events: Events) -> ArticleGroup:
        line = self._line
        fields: dict = {}
        updates: list[tuple[dict, int]] = []
        comments: list[tuple[dict, int]] = []
        for event, key in events:
            if event == "end_map":
                break
            event, value = next(events)
            if key == "comments":
                comments = list(self._items(events, event, "comments", self._object))
            elif key == "updates":
                updates = list(self._items(events, event, "updates", self._object))
            else:
                fields[key] = self._value(events, event, value, 3)
        # A refusal names the record's own line, not the one the parser has reached.
        parsed, self._line = self._line, line
        source_id = self._id(fields, "id", f"an article on line {line}")
        group = ArticleGroup(article=self._article_record(fields, source_id), line=line)
        for update, self._line in updates:
            if (record := self._update_record(update, source_id, self._line)) is not None:
                group.updates.append(record)
        for comment, self._line in comments:
            group.comments.append(self._comment_record(comment, self._line))
        self._line = parsed
        return group

    def _article_record(self, fields: dict, source_id: str) -> ArticleRecord:
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
        )

    def _update_record(self, update: dict, article_id: str, line: int) -> UpdateRecord | None:
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

    def _comment_record(self, comment: dict, line: int) -> CommentRecord:
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
            line=line,
        )

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
        return when


def _parser_message(error: Exception) -> str:
    """yajl's first line, without its picture of the bytes (a bytes repr for bad UTF-8)."""
    text = str(error)
    if text.startswith(("b'", 'b"')):
        text = text[2:].replace("\\n", "\n")
    return text.splitlines()[0].strip() if text.strip() else type(error).__name__
