"""Database ids from the outside world: ASCII digits only, and small enough for any database.

`str.isdigit()` accepts "²" and Python's int() accepts 5,000 digits; SQLite's INTEGER stops at
2**63 - 1. Anything else is simply not an id, so lookups answer "not found", never a 500.
"""

MAX_DIGITS = 18  # every 18-digit number fits in a signed 64-bit integer


def parse_id(value) -> int | None:
    """The positive id in `value`, or None when it is not one."""
    text = str(value if value is not None else "").strip()
    if text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS:
        number = int(text)
        return number or None
    return None


def parse_ids(values, *, limit: int) -> list[int]:
    """The valid ids among `values`, in order, without repeats, at most `limit` of them."""
    ids = []
    for value in values:
        number = parse_id(value)
        if number is not None and number not in ids:
            ids.append(number)
        if len(ids) >= limit:
            break
    return ids


class IdConverter:
    """URL converter for ids: like <int:...> but bounded to what a database can hold."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)
