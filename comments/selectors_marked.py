"""Compiled reads whose shape depends on a viewer or a page: one compiled query per shape.

core.db's CompiledValues takes only fixed-shape queries. A comment section's queries vary in
a few ways: whether the viewer is signed in, how many comments this browser posted, how many
threads a page holds. `Marks` carries a query's values with the field preparing each, lists
of ids among them padded to one of a few lengths (by repeating their last id: the same rows),
so the names of its values tell its shape, and keeps one compiled query per shape. A padded
list fits an `__in` lookup: each of its ids is a value of its own, with its own marker, and
their number is fixed by the shape.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count

from django.db.models import Field, QuerySet

from core.db import CompiledValues

LIST_SIZES = (1, 2, 4, 8, 16, 32, 64)
# Shapes kept: by query, a handful of list sizes, orders and page offsets.
MAX_SHAPES = 512

_reads: dict[tuple, CompiledValues] = {}


def marked_list(values: dict, name: str) -> list:
    """The ids of list `name` (padded) among a query's values or markers."""
    ids = []
    for index in count():
        key = f"{name}_{index}"
        if key not in values:
            return ids
        ids.append(values[key])


@dataclass(frozen=True)
class Marks:
    """A query's values by name and the model field that prepares each."""

    values: dict = field(default_factory=dict)
    fields: dict = field(default_factory=dict)
    compilable: bool = True  # False: a list too long to pad; the ORM runs it

    def with_value(self, name: str, value, prepared_by: Field) -> "Marks":
        """These marks and one more value (None leaves it out: the query has no such part)."""
        if value is None:
            return self
        values, fields = {**self.values, name: value}, {**self.fields, name: prepared_by}
        return Marks(values, fields, self.compilable)

    def without(self, name: str) -> "Marks":
        """These marks but value `name` (a query that does not take it)."""
        values = {key: value for key, value in self.values.items() if key != name}
        return Marks(values, {key: self.fields[key] for key in values}, self.compilable)

    def only(self, *names: str) -> "Marks":
        """These marks with only the values named (those of them it has): for a query that
        uses no other."""
        values = {key: value for key, value in self.values.items() if key in names}
        return Marks(values, {key: self.fields[key] for key in values}, self.compilable)

    def with_list(self, name: str, ids: list, prepared_by: Field) -> "Marks":
        """These marks and a list of ids, padded to the next of LIST_SIZES."""
        if not ids:
            return self
        size = next((size for size in LIST_SIZES if size >= len(ids)), len(ids))
        padded = {f"{name}_{index}": ids[min(index, len(ids) - 1)] for index in range(size)}
        return Marks(
            {**self.values, **padded},
            {**self.fields, **dict.fromkeys(padded, prepared_by)},
            self.compilable and size in LIST_SIZES,
        )

    def read(self, key: tuple, build: Callable[[dict], QuerySet]) -> list[dict]:
        """The rows of the `.values()` query `build(values)`, compiled once per shape.

        `key` must name everything `build` makes its query from besides the values (an
        order, an offset): the query compiled for the first call serves every later one."""
        if not self.compilable:
            return list(build(self.values))
        shape = (key, tuple(self.fields))
        read = _reads.get(shape)
        if read is None:
            if len(_reads) >= MAX_SHAPES:
                _reads.clear()
            read = _reads[shape] = CompiledValues(lambda **marked: build(marked), **self.fields)
        return read(**self.values)


class PageRows:
    """What Paginator pages, read compiled: `page_read(offset)` gives up to `per_page` rows
    from `offset` on, `count_read()` counts them all."""

    def __init__(self, *, page_read: Callable[[int], list], count_read: Callable[[], int]):
        self._page_read, self._count_read = page_read, count_read

    def count(self) -> int:
        return self._count_read()

    def __getitem__(self, item: slice) -> list:
        return self._page_read(item.start)[: item.stop - item.start]
