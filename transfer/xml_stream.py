"""Stream an XML export through expat with defusedxml's guards, into handlers of our own.

ElementTree's parser, and defusedxml's iterparse over it, run a pure-Python layer of two
calls per element before any of ours: some 75 µs a comment in a WordPress export, more
than the reader's whole share of an import, and a Disqus export is read twice. The readers
set their handlers straight on the expat parser inside DefusedXMLParser instead: its guards
are handlers of their own (entity declarations, external references) and stay in place,
and no element is ever built.
"""

from collections.abc import Iterator
from pyexpat import ErrorString, ExpatError, errors
from typing import BinaryIO

from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from transfer.records import SourceFileError

CHUNK_BYTES = 1 << 16
INVALID_TOKEN = errors.codes[errors.XML_ERROR_INVALID_TOKEN]


def defused_expat():
    """An expat parser with defusedxml's guards, reporting names as "namespace}local" and
    attributes as a flat [name, value, ...] list; the caller sets the element handlers."""
    parser = DefusedXMLParser(target=object()).parser  # a target with nothing to call
    # ElementTree's default handler would see every event we leave unhandled; without it,
    # expat itself rejects an undefined entity (no DTD may define one).
    parser.DefaultHandlerExpand = None
    parser.StartDoctypeDeclHandler = _doctype_start
    parser.buffer_size = CHUNK_BYTES  # a long field arrives in one piece
    return parser


def _doctype_start(name, system_id, public_id, has_internal_subset) -> None:
    # Expat fetches nothing, but an external DTD could declare what we never see.
    if system_id or public_id:
        raise ExternalReferenceForbidden(None, None, system_id, public_id)


def feed(parser, file: BinaryIO) -> Iterator[int]:
    """Feed the file to the parser a chunk at a time, yielding the bytes read so far after
    each; what the handlers make of the file's end is theirs once this is exhausted. A file
    that is not well-formed, or that the guards refuse, raises SourceFileError."""
    try:
        while chunk := file.read(CHUNK_BYTES):
            parser.Parse(chunk, False)
            yield file.tell()
        parser.Parse(b"", True)
    except ExpatError as exc:
        message = f"not well-formed XML: {ErrorString(exc.code)} (column {exc.offset})"
        if exc.code == INVALID_TOKEN and _line_not_utf8(file, exc.lineno):
            message += (
                ". That line is not UTF-8, which the file says it is written in: a file saved"
                " again by another program, in Latin-1 or Windows-1252, reads like this. Save"
                " it as UTF-8 (or name its encoding in its first line) and import it again"
            )
        raise SourceFileError(message, exc.lineno) from None
    except DefusedXmlException as exc:
        raise SourceFileError(_refusal(exc), parser.CurrentLineNumber) from None


# The other formats' roots, as expat names them: a file given as the wrong one says which
# it is, since choosing the wrong format in the admin's list is the likeliest mistake.
ROOTS = {
    # Any RSS feed has this root: only a WordPress export's adds the wp: fields.
    "rss": "an RSS document, as a WordPress export is: if it is one, import it as "
    "WordPress (WXR), or with import_wordpress",
    "http://disqus.com}disqus": "a Disqus export: import it as Disqus XML, or with import_disqus",
}


def root_refused(tag: str, wanted: str) -> str:
    """Why a document whose root element is `tag` ("namespace}local") is not the format
    wanted, in the words a person reads: the element's own name, and what the file is
    when it is one of the others."""
    message = f"the document is <{tag.rpartition('}')[2]}>, not {wanted}"
    return f"{message}: it is {ROOTS[tag]}" if tag in ROOTS else message


def _line_not_utf8(file: BinaryIO, lineno: int) -> bool:
    """Whether line `lineno` of the file is not UTF-8: expat calls a stray Latin-1 byte in a
    file declared (or taken to be) UTF-8 only an "invalid token", which says nothing of why."""
    if not file.seekable():
        return False
    file.seek(0)
    for number, line in enumerate(file, start=1):
        if number == lineno:
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return True
            return False
    return False


def _refusal(exc: DefusedXmlException) -> str:
    if isinstance(exc, EntitiesForbidden):
        if exc.sysid or exc.pubid:
            return (
                f"external entity {exc.name!r} ({exc.sysid or exc.pubid}) is refused "
                "(possible external-entity attack)"
            )
        return "entity declarations are refused (possible entity-expansion attack)"
    if isinstance(exc, ExternalReferenceForbidden):
        return "external references are refused (possible external-entity attack)"
    return f"refused: {exc}"
