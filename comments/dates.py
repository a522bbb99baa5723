"""Dates as the comments app shows them: in the reader's language, each inside
<time datetime>.

A day is written in the translators' format (DAY_FORMAT) with Django's month names, so each
language orders and inflects it its own way. A page of threads shows hundreds of dates, and
Django's date formatting costs several times what the rest of a comment's markup does, so
`day_formatter()` turns the active language's format into a plain function once.
"""

import functools
from collections.abc import Callable
from datetime import datetime

from django.utils import dateformat, timezone
from django.utils.dates import MONTHS, MONTHS_3, MONTHS_ALT
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, override, pgettext_lazy

# Translators: how a day is written, in the letters of Django's date filter
# (https://docs.djangoproject.com/en/stable/ref/templates/builtins/#date): "j F Y" is
# "27 November 2026"; "j. F Y" is German's, "j E Y" Ukrainian's (month in the genitive).
DAY_FORMAT = pgettext_lazy("date format", "j F Y")

# The format letters a compiled formatter writes itself; any other letter sends the whole
# format through Django's date formatting (correct, only slower).
_FAST: dict[str, Callable[[datetime, dict[str, list[str]]], str]] = {
    "j": lambda day, names: str(day.day),
    "d": lambda day, names: f"{day.day:02d}",
    "n": lambda day, names: str(day.month),
    "m": lambda day, names: f"{day.month:02d}",
    "Y": lambda day, names: str(day.year),
    "y": lambda day, names: f"{day.year % 100:02d}",
    "F": lambda day, names: names["F"][day.month - 1],
    "E": lambda day, names: names["E"][day.month - 1],
    "M": lambda day, names: names["M"][day.month - 1],
    "b": lambda day, names: names["b"][day.month - 1],
}


@functools.lru_cache(maxsize=32)
def _compiled(language: str | None, day_format: str, html: bool) -> Callable[[datetime], str]:
    """`day_format` as a function of a local datetime, with `language`'s month names;
    `html`: its text escaped (the names and the format's own letters are, once, here)."""
    pieces = dateformat.re_formatchars.split(day_format)
    letters = pieces[1::2]
    if any(letter not in _FAST for letter in letters):
        if html:
            return lambda day: escape(dateformat.format(day, day_format))
        return functools.partial(dateformat.format, format_string=day_format)
    text = escape if html else str
    with override(language):
        names = {
            "F": [text(str(MONTHS[number])) for number in range(1, 13)],
            "E": [text(str(MONTHS_ALT[number])) for number in range(1, 13)],
            "M": [text(str(MONTHS_3[number]).title()) for number in range(1, 13)],
            "b": [text(str(MONTHS_3[number])) for number in range(1, 13)],
        }
    parts: list[str | Callable] = []
    for index, piece in enumerate(pieces):
        if index % 2:
            parts.append(_FAST[piece])
        elif piece:
            parts.append(text(dateformat.re_escaped.sub(r"\1", piece)))

    def write(day: datetime) -> str:
        return "".join(part if isinstance(part, str) else part(day, names) for part in parts)

    return write


def day_formatter(*, html: bool = False) -> Callable[[datetime], str]:
    """A function writing a local datetime's day in the active language (DAY_FORMAT), as
    plain text or (`html`) escaped."""
    return _compiled(get_language(), str(DAY_FORMAT), html)


def day_html(value: datetime) -> SafeString:
    """A day in the active language, as a <time> element carrying its ISO 8601 form."""
    local = timezone.localtime(value)
    return format_html('<time datetime="{}">{}</time>', local.isoformat(), day_formatter()(local))
