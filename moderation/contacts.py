"""Contact details in a comment, in the forms spammers write them: phone numbers, Telegram
and WhatsApp. Pure functions of normalised text (moderation.normalise), as moderation.links
is for links, and used beside it by the scorer's rules and the model's cues."""

import re
from dataclasses import dataclass
from functools import lru_cache

# Telegram: a t.me or telegram.me link, or an @handle in a text that names Telegram.
TELEGRAM_LINK = re.compile(r"(?<![\w.-])(?:t|telegram)\.me/\w{3,}", re.IGNORECASE)
TELEGRAM_WORD = re.compile(r"\btele?gram\b", re.IGNORECASE)
HANDLE = re.compile(r"(?<![\w.@])@[a-z]\w{3,31}(?![\w@]|\.\w)", re.IGNORECASE)
# WhatsApp: a wa.me link, a group invitation, or a number within a few words of the name.
WHATSAPP_LINK = re.compile(
    r"(?<![\w.-])(?:wa\.me/\+?\d{6,}|chat\.whatsapp\.com/\w+)", re.IGNORECASE
)
WHATSAPP_NUMBER = re.compile(
    r"\bwh?ats?\s?app?\b\W{0,5}(?:[a-z]+\W{1,3}){0,4}?(\+?\(?\d[\d\s().-]{6,22}\d)",
    re.IGNORECASE,
)
# A run of digits with separators, not inside a word, an amount or a decimal number.
PHONE_CANDIDATE = re.compile(
    r"(?<![\w$€£¥+.,/-])(\+\s?)?(\(?\d[\d\s().-]{6,22}\d)(?![\w%$€£]|[.,]\d)"
)
_SEPARATORS = re.compile(r"[\s().-]+")
_DIGIT = re.compile(r"\d")
# phone_number_like takes no fewer digits than this (an international number's minimum).
MIN_PHONE_DIGITS = 8
_THOUSANDS = re.compile(r"\d{1,3}(?:[ .]\d{3})+")
_IP_ADDRESS = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


@dataclass(frozen=True)
class ContactScan:
    phones: tuple[str, ...] = ()
    telegram: tuple[str, ...] = ()
    whatsapp: tuple[str, ...] = ()


def phone_number_like(candidate: str, *, international: bool) -> bool:
    """Whether a run of digits and separators reads as a phone number: not a year, a count
    with thousands separators, an address, an ISBN or a list of small numbers."""
    candidate = candidate.strip()
    groups = [group for group in _SEPARATORS.split(candidate) if group]
    digits = sum(len(group) for group in groups)
    if not international and (len(groups) < 2 or _THOUSANDS.fullmatch(candidate)):
        return False  # an unbroken run is an order or account number; 2 000 000 is a count
    if _IP_ADDRESS.fullmatch(candidate):
        return False
    if "." in candidate and set(_SEPARATORS.findall(candidate)) != {"."}:
        return False  # a decimal number beside another: "3.14159 26535"
    if all(len(group) == 4 and group[:2] in ("19", "20") for group in groups):
        return False  # years: "2012 2013 2014"
    # Every group after a country or area code has two digits or more: "1 2 3 4 5 6 7 8 9 10"
    # and ISBNs (978-3-16-148410-0) have single digits between separators.
    if any(len(group) < 2 for group in groups[1:]):
        return False
    # E.164 numbers have at most 15 digits; national ones at least 9 once written with an
    # area code (07911 123456, 020 7946 0958, 555-123-4567).
    return (MIN_PHONE_DIGITS if international else 9) <= digits <= 15


@lru_cache(maxsize=256)  # as links_find: the rules and the model's cues scan the same text
def contacts_find(text: str) -> ContactScan:
    """Find phone numbers, Telegram and WhatsApp contacts in normalised text."""
    # Each pattern looks behind at every position of the text; most comments lack what any
    # of them needs (the letters of a link, enough digits for a number), so that is checked
    # first. The checks are necessary conditions only: they never decide a match.
    folded = text.casefold()
    numbers = len(_DIGIT.findall(text)) >= MIN_PHONE_DIGITS
    whatsapp = []
    if "wa.me/" in folded or "whatsapp.com/" in folded:
        whatsapp = [match.group(0) for match in WHATSAPP_LINK.finditer(text)]
    whatsapp_numbers = set()
    for match in WHATSAPP_NUMBER.finditer(text) if numbers and "ap" in folded else ():
        number = match.group(1)
        if phone_number_like(number, international=number.startswith("+")):
            whatsapp.append(match.group(0))
            whatsapp_numbers.add(match.start(1))
    telegram = []
    if ".me/" in folded:
        telegram = [match.group(0) for match in TELEGRAM_LINK.finditer(text)]
    if "gram" in folded and TELEGRAM_WORD.search(text):
        telegram += [match.group(0) for match in HANDLE.finditer(text)]
    phones = [
        (match.group(1) or "") + match.group(2)
        for match in (PHONE_CANDIDATE.finditer(text) if numbers else ())
        # A number already given as a WhatsApp contact is one contact, not two reasons.
        if match.start(2) not in whatsapp_numbers
        and match.start(1 if match.group(1) else 2) not in whatsapp_numbers
        and phone_number_like(match.group(2), international=bool(match.group(1)))
    ]
    return ContactScan(tuple(phones), tuple(telegram), tuple(whatsapp))
