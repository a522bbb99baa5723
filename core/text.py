"""Text as readers typed it, made safe to store and to put in a page or a feed."""

import hashlib
import re
import unicodedata

from confusable_homoglyphs import categories, confusables

# Control characters other than tab, newline and carriage return: invisible on a page and not
# allowed in XML (feeds), so they are dropped from stored and rendered text. So are the
# bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): invisible
# too, they reverse what follows them, so "Anna\u202egnp.exe" shows as "Annaexe.png". Text in
# right-to-left scripts needs none of them; the marks U+200E and U+200F are kept.
CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069\ufffe\uffff]"
)


# Characters XML 1.0 cannot carry at all, not even escaped.
NOT_XML_CHARACTERS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def strip_non_xml_characters(text: str) -> str:
    """Text that an XML document can hold: what XML 1.0 forbids is dropped (exports)."""
    return NOT_XML_CHARACTERS.sub("", text or "")


def strip_control_characters(text: str) -> str:
    """Drop the control characters that browsers hide, that reorder text, or XML forbids."""
    return CONTROL_CHARACTERS.sub("", text or "")


LINE_BREAKS = re.compile(r"\s*[\r\n\t\v\f\u0085\u2028\u2029]+\s*")


def one_line(text: str) -> str:
    """Text meant to stay on one line (a name, an email subject): control characters
    dropped, each run of line breaks or tabs made one space, ends trimmed."""
    return LINE_BREAKS.sub(" ", strip_control_characters(text)).strip()


# HTML that already has block tags keeps its own paragraphs.
_BLOCK_TAG = re.compile(r"<\s*(p|div|blockquote|pre|ul|ol|table|h[1-6])\b", re.IGNORECASE)


def paragraphs_from_newlines(html: str) -> str:
    """WordPress's wpautop, at its core: in HTML without block tags, blank lines make
    paragraphs and single newlines line breaks (how WordPress stores posts and comments)."""
    html = (html or "").replace("\r\n", "\n").replace("\r", "\n")
    if _BLOCK_TAG.search(html):
        return html
    return "".join("<p>" + part.replace("\n", "<br>") + "</p>" for part in paragraphs_split(html))


def paragraphs_split(text: str) -> list[str]:
    """Text's paragraphs (split at blank lines), line breaks kept inside them."""
    return [part.strip("\n") for part in re.split(r"\n\s*\n", text) if part.strip()]


def text_fingerprint(text: str) -> str:
    """The same for texts that differ only in case and whitespace."""
    return hashlib.sha1(" ".join(text.lower().split()).encode(), usedforsecurity=False).hexdigest()


def name_skeleton(name: str) -> str:
    """Return what a reader takes a name to be: compatibility forms folded (NFKC: full-width
    letters are plain ones), case folded, and each letter of another script that Unicode
    lists as looking like a Latin one (Cyrillic U+0430 for "a") read as that letter."""
    if name.isascii():
        # Most names, on every post: NFKC leaves ASCII as it is, its case folding is lower(),
        # and every ASCII character is Latin or Common (11 µs to 0.1).
        return name.lower()
    return _unicode_name_skeleton(name)


def _unicode_name_skeleton(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(_latin_lookalike(character) for character in folded).casefold()


def _latin_lookalike(character: str) -> str:
    if categories.alias(character) in ("LATIN", "COMMON"):
        return character
    for glyph in confusables.confusables_data.get(character, ()):
        if all(categories.alias(part) == "LATIN" for part in glyph["c"]):
            return glyph["c"]
    return character
