"""Text as readers typed it, made safe to store and to put in a page or a feed."""

import re

# Control characters other than tab, newline and carriage return: invisible on a page and not
# allowed in XML (feeds), so they are dropped from stored and rendered text. So are the
# bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): invisible
# too, they reverse what follows them, so "Anna\u202egnp.exe" shows as "Annaexe.png". Text in
# right-to-left scripts needs none of them; the marks U+200E and U+200F are kept.
CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069\ufffe\uffff]"
)


def strip_control_characters(text: str) -> str:
    """Drop the control characters that browsers hide, that reorder text, or XML forbids."""
    return CONTROL_CHARACTERS.sub("", text or "")
