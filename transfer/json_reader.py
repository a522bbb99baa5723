"""Read a Parley JSON backup (transfer.json_backup) back into records, as a stream.

The file is fed to ijson a line at a time (the exporter writes one record a line), so every
event is known to come from the line just fed: a record, a warning or a parse error names
its line without a second pass. Only one article and its comments are held at once."""

import os
from collections.abc import Callable, Iterator

import ijson

from transfer.json_fields import JsonRecords
from transfer.models import Format
from transfer.reading import SourceReader
from transfer.records import ArticleGroup, AuthorRecord, SourceFileError

BACKUP_FORMAT = "parley-backup"
# The version written, and the newest read. Version 2 added articles' followers and
# comments' "notify me" choices, editor's picks and votes (which the last version 1 exports
# already carried); a version 1 backup reads the same way, without what it lacks.
BACKUP_VERSION = 2
# Comment ids are PostgreSQL integers: a "comment_id_max" above this is no id.
COMMENT_ID_LIMIT = 2**31 - 1
# At most this much is fed to the parser at once: a file written on one line (minified by
# hand) is still read in bounded pieces.
CHUNK_BYTES = 64 * 1024
# A backup nests five levels (document, articles, article, comments, comment); anything far
# deeper is hostile, and a Python-recursive build must stop well before the stack does.
MAX_DEPTH = 16

_OPENERS = frozenset(("start_map", "start_array"))
# A backup that went through a Windows editor may begin with a byte order mark. JSON's RFC
# lets a reader skip UTF-8's; another encoding's needs saving again as UTF-8.
UTF8_BOM = b"\xef\xbb\xbf"
OTHER_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16",
}  # fmt: skip

Events = Iterator[tuple[str, object]]


class JsonReader(SourceReader):
    """Records from a Parley JSON backup: the users first, then each article with its
    updates and comments, statuses exactly as they were."""

    format = Format.JSON.value

    def __iter__(self) -> Iterator[AuthorRecord | ArticleGroup]:
        self._line = 0  # the line the parser was last fed
        self._records = JsonRecords(stats=self.stats, site_timezone=self.site_timezone)
        with open(self.path, "rb") as file:
            total = os.fstat(file.fileno()).st_size
            events = self._events(file)
            for record in self._document(events):
                yield record
                if type(record) is ArticleGroup:
                    self.progress(file.tell(), total)
            self.progress(total, total)

    def _fail(self, message: str) -> SourceFileError:
        return SourceFileError(message, self._line)

    def _events(self, file) -> Events:
        events = ijson.sendable_list()
        parser = ijson.basic_parse_coro(events)
        line = 1
        self._line = line
        self._encoding_check(file)
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

    def _encoding_check(self, file) -> None:
        """Step over a UTF-8 byte order mark; refuse another encoding's, by its name."""
        start = file.read(4)
        for mark, encoding in OTHER_BOMS.items():
            if start.startswith(mark):
                raise self._fail(
                    f"the file is {encoding}, but a Parley backup is UTF-8: save it as UTF-8"
                )
        file.seek(len(UTF8_BOM) if start.startswith(UTF8_BOM) else 0)

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
            elif key == "comment_id_max" and not seen:
                value = self._value(events, event, value)
                # Anything but an id a comment can have restores as a backup without it.
                if type(value) is int and 0 <= value <= COMMENT_ID_LIMIT:
                    self.comment_id_max = value
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
            yield self._records.user(user, line)

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
        records = self._records
        article = records.article(fields, line)
        group = ArticleGroup(article=article, line=line)
        for update, update_line in updates:
            if (record := records.update(update, article.source_id, update_line)) is not None:
                group.updates.append(record)
        for comment, comment_line in comments:
            group.comments.append(records.comment(comment, comment_line))
        return group


def _parser_message(error: Exception) -> str:
    """yajl's first line, without its picture of the bytes (a bytes repr for bad UTF-8)."""
    text = str(error)
    if text.startswith(("b'", 'b"')):
        text = text[2:].replace("\\n", "\n")
    # yajl ends its sentence with a full stop, and the message it goes into adds one.
    return text.splitlines()[0].strip().rstrip(".") if text.strip() else type(error).__name__
