"""Text as readers typed it, made safe to store and to put in a page or a feed."""

import re

# Control characters other than tab, newline and carriage return: invisible on a page and not
# allowed in XML (feeds), so they are dropped from stored and rendered text.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def strip_control_characters(text: str) -> str:
    """Drop the control characters that browsers hide and XML forbids."""
    return CONTROL_CHARACTERS.sub("", text or "")
