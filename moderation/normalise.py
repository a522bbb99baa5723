"""Text as the spam rules and the model read it: the look-alike forms folded to plain ones.

Spammers write links and words the rules look for in forms a reader sees as the same text:
full-width letters and colons (U+FF48 for "h", U+FF1A for ":"), mathematical bold or circled
letters, and invisible characters inside a word (exam<U+200B>ple.com). This copy of the text
is only ever read by the scorer, never stored or shown, so folding away characters that matter
for display (joiners in emoji and in Persian or Indic words) costs nothing here.

Confusables from other scripts (Cyrillic U+0430 for Latin "a") are not folded here. A full
UTS #39 skeleton of a whole text would also fold ordinary Latin ("m" becomes "rn"), and the
spam model was trained on text without it. Usernames are another matter: there a letter of
another script that reads as a Latin one is folded (core.text.name_skeleton, on the
confusable-homoglyphs package's copy of Unicode's table), Latin letters are left alone.
"""

import re
import unicodedata
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .scoring import Submission

# Characters that show nothing but split a word for a pattern: zero-width space, non-joiner
# and joiner, the left-to-right and right-to-left marks, word joiner and the invisible
# operators, the byte order mark used as a zero-width no-break space, the soft hyphen (shown
# only at a line break), the combining grapheme joiner, the Mongolian vowel separator and the
# Hangul fillers that render blank.
INVISIBLE_CHARACTERS = re.compile(
    "[\u00ad\u034f\u115f\u1160\u180e\u200b-\u200f\u2060-\u2064\u3164\ufeff\uffa0]"
)
# The full stops that browsers accept between the labels of a domain name (IDNA): between
# Latin letters or digits they are a dot in a link, not the end of a sentence in Chinese or
# Japanese. (NFKC already turns the full-width and half-width forms into these two.)
DOMAIN_FULL_STOPS = re.compile(r"(?<=[A-Za-z0-9])[\u3002\uff61](?=[A-Za-z0-9])")


def text_normalise(text: str) -> str:
    """Return the text with compatibility forms folded (NFKC) and invisible characters removed."""
    if not text:
        return ""
    if text.isascii():
        return text  # nothing to fold: most comments stop here
    # Invisible characters go first so NFKC composes the letters they kept apart.
    text = unicodedata.normalize("NFKC", INVISIBLE_CHARACTERS.sub("", text))
    return DOMAIN_FULL_STOPS.sub(".", text)


def submission_normalise(submission: "Submission") -> "Submission":
    """Return the submission with every field a rule reads normalised."""
    return replace(
        submission,
        text=text_normalise(submission.text),
        name=text_normalise(submission.name),
        email=text_normalise(submission.email),
        url=text_normalise(submission.url),
        user_agent=text_normalise(submission.user_agent),
    )
