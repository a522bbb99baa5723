"""A few cues about a comment that hashed n-grams cannot see, for the learned model.

N-grams learn words; they do not count. Whether a text carries a link in any of its forms
(a bare domain has no "http" to learn), asks readers to leave the site, is one word long or
two hundred, or shouts, are what separate spam on a site the model has never seen from the
sites it was trained on. Each cue is scaled to [0, 1] so that it weighs like one normalised
block of n-grams.

Which cues a model was trained with is stored in its settings ("dense_features": the version
below); a model stored without the key was trained without them and is served without them,
and one stored with an earlier version is served that version's cues (NAMES_OF, and the
patterns of _cues).
"""

import math
import re
import string

import numpy as np

from .contacts import contacts_find
from .links import links_find

VERSION = 3
# Version 2 added "engagement". Its words ("like this comment", "thumbs up if", "share
# this") are where spam on one site and on the next say the same thing in different words, so
# n-grams learnt on other sites miss them: without it, leave-one-video-out, such comments
# scored 0.1 to 0.4 and were published.
NAMES_OF = {
    1: (
        "links",
        "hidden_links",
        "contact",
        "promotion",
        "length",
        "shouting",
        "exclamations",
        "digits",
    ),
}
NAMES_OF[2] = (*NAMES_OF[1], "engagement")
# Version 3 reads the same cues, with promotion and engagement as their author means them
# (PROMOTION_AUTHORS, ENGAGEMENT_ASKS).
NAMES_OF[3] = NAMES_OF[2]
NAMES = NAMES_OF[VERSION]
# Words a comment uses to send readers somewhere else: to a channel, a page, a profile.
PROMOTION = re.compile(
    r"\b(?=[cefgmpsv])(?:subscribe|subscribing|subs?|channel|check\s+(?:out|it|my)|visit|"
    r"follow|click|"
    r"my\s+(?:video|channel|music|page|blog|site|website|song|track|profile)|"
    r"free|earn|money|promo|giveaway|please|plz|pls)\b",
    re.IGNORECASE,
)
# Words a comment uses to ask readers to act on the comment or its author, not to discuss the
# page: like it, give it a thumbs up, share it, vote, count its author's subscribers.
ENGAGEMENT = re.compile(
    r"\b(?=[glpstv])(?:like\s+(?:this\s+comment|my\s+comment|if)|thumbs?\s+up|"
    r"give\s+(?:it|this|me)\s+a\s+(?:like|thumbs)|share\s+(?:this|it|my)|please\s+share|"
    r"vote\s+for|subscribers?|subscribed)\b",
    re.IGNORECASE,
)
# Version 3: promotion is the author's own, or an imperative. A channel named alone is
# somebody's ("her own YouTube channel"), not an invitation; the author's own work or page
# ("see my new track", "this is my playlist") and asking readers to look it up are, and in
# version 2 they went unseen wherever the n-grams had not met those words.
PROMOTION_AUTHORS = re.compile(
    r"\b(?=[cefghlmpsv])(?:subscribe|subscribing|subs?|check\s+(?:out|it|my|me)|visit|follow|click|"
    r"my\s+(?:(?:new|latest|first|own)\s+)?(?:videos?|channel|music|page|blog|site|website|"
    r"songs?|tracks?|profile|playlist|album|mixtape|rap|beats?)|"
    r"(?:look|hit)\s+(?:me|us|it|them)\s+up|look\s+up|search\s+for|"
    r"free|earn|money|promo|giveaway|please|plz|pls)\b",
    re.IGNORECASE,
)
# Version 3: subscribers count as engagement only when the author asks for them ("my
# subscribers", "help me get 100 subscribers"): a channel's count is what readers of a video
# discuss ("so close to 14,000,000 subscribers"), and in version 2 it weighed as much as
# "like this comment".
ENGAGEMENT_ASKS = re.compile(
    r"\b(?=[ghlmprstv])(?:like\s+(?:this\s+comment|my\s+comment|if)|thumbs?\s+up|"
    r"give\s+(?:it|this|me)\s+a\s+(?:like|thumbs)|share\s+(?:this|it|my)|please\s+share|"
    r"vote\s+for|my\s+subscribers|(?:get|reach|hit)\s+\d[\d,.]*k?\s+(?:subs|subscribers)|"
    r"subscribed)\b",
    re.IGNORECASE,
)
# Each pattern above looks ahead for the first letters its words can start with: without it,
# every alternative was tried at every word boundary of a comment, most of their time.
_TAG = re.compile(r"<[^>]*>")
_LONG_TEXT_WORDS = 200


def dense_rows(
    texts: list[str], version: int = VERSION, own_hosts: tuple[str, ...] = ()
) -> np.ndarray:
    """One row of cues per text (already normalised as the model reads it, case kept), those
    of the given version; links to own_hosts (the site's own) are no links.

    Every version reads own_hosts so, with no version of its own: the texts models are
    trained on carry no links to the site that serves them, so their cues are unchanged,
    and a stored model serves as it was trained."""
    width = len(NAMES_OF[version])
    rows = [_cues(text, version, own_hosts)[:width] for text in texts]
    return np.array(rows, dtype=np.float64).reshape(len(texts), width)


def _cues(text: str, version: int, own_hosts: tuple[str, ...]) -> list[float]:
    # Each version's cues are the first of these: a version adds at the end, or reads one in
    # a new way.
    # Links are looked for before tags are dropped: an HTML link's address is in its tag.
    scan = links_find(text).elsewhere(own_hosts)
    contacts = contacts_find(text)
    words = _TAG.sub(" ", text).split()
    letters, upper, digits = _character_counts(text)
    return [
        min(scan.total, 3) / 3,
        float(bool(scan.bare_domains or scan.spaced or scan.shorteners)),
        float(bool(contacts.phones or contacts.telegram or contacts.whatsapp)),
        _promotion(text, version),
        min(math.log1p(len(words)) / math.log1p(_LONG_TEXT_WORDS), 1.0),
        upper / letters if letters >= 8 else 0.0,
        min(text.count("!"), 5) / 5,
        digits / max(len(text), 1),
        _engagement(text, version),
    ]


def _promotion(text: str, version: int) -> float:
    pattern = PROMOTION_AUTHORS if version >= 3 else PROMOTION
    return min(len(pattern.findall(text)), 3) / 3


def _engagement(text: str, version: int) -> float:
    if version < 3:
        return min(len(ENGAGEMENT.findall(text)), 2) / 2
    # One ask is the whole of engagement bait ("like this comment if you are watching in
    # 2015"); in version 2 it counted for half, and such comments scored 0.1 to 0.4.
    return float(bool(ENGAGEMENT_ASKS.search(text)))


_ASCII_LETTERS = string.ascii_letters.encode()
_ASCII_UPPER = string.ascii_uppercase.encode()
_ASCII_DIGITS = string.digits.encode()


def _character_counts(text: str) -> tuple[int, int, int]:
    """Letters, capital letters and digits, as str.isalpha, isupper and isdigit count them.
    Walking the characters in Python took half the model's time on a comment of a few
    paragraphs; for ASCII text, which those methods read as these byte sets, bytes.translate
    counts them in C."""
    if text.isascii():
        raw = text.encode("ascii")
        return (
            len(raw) - len(raw.translate(None, _ASCII_LETTERS)),
            len(raw) - len(raw.translate(None, _ASCII_UPPER)),
            len(raw) - len(raw.translate(None, _ASCII_DIGITS)),
        )
    letters = [character for character in text if character.isalpha()]
    return (
        len(letters),
        sum(character.isupper() for character in letters),
        sum(character.isdigit() for character in text),
    )
