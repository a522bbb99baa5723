"""Hot reads whose SQL is compiled once per connection, then only executed.

Building and compiling a queryset costs most of what a small read costs: on the three-table
comment model about 0.6 of 1 ms, against 0.06 ms for the database itself. A read that runs on
every post has the same SQL every time, with other values; `CompiledValues` lets Django write
that SQL (and its type conversions) once, then reuses it with each call's values put in their
places.

Where each value goes is found, not guessed: the query is compiled once with a marker value
for each parameter (a value no real query carries), and the positions holding a marker are
its slots. A query where a marker does not show up as a parameter is never reused and always
runs through the ORM, so a query this cannot handle costs speed, not results. Only values
prepared as a plain field value fit (exact and range lookups; not `__in`, `__contains` or
expressions over the value), and a None (which Django writes as IS NULL) runs through the ORM.
What the builder does with its values must not change the query's shape: a slice or a list
made from them would be compiled once, with the markers' shape, and kept.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Field
from django.db.models.sql import UpdateQuery

MAX_CONNECTIONS = 64
_INTEGER_TYPES = frozenset(
    ("AutoField", "BigAutoField", "IntegerField", "BigIntegerField", "PositiveIntegerField",
     "PositiveBigIntegerField")
)  # fmt: skip
_SMALL_INTEGER_TYPES = frozenset(("SmallIntegerField", "PositiveSmallIntegerField"))
_TEXT_TYPES = frozenset(("CharField", "TextField", "SlugField", "EmailField"))


def _marker(field: Field, index: int):
    """A value of the field's type that no real query carries, or None for a type this
    does not handle."""
    while field.is_relation:  # a key: its target's type (a parent link may point at another)
        field = field.target_field
    kind = field.get_internal_type()
    if kind in _INTEGER_TYPES:
        return 2_147_480_000 + index  # within every backend's integer range
    if kind in _SMALL_INTEGER_TYPES:
        return 32_700 + index
    if kind in _TEXT_TYPES:
        return f"core.db-marker-{index}-7f3a"
    if kind == "DateTimeField":
        return datetime(1901, 2, 3, 4, 5, index, 271828, tzinfo=UTC)
    return None


@dataclass(frozen=True)
class _Compiled:
    connection: Any
    compiler: Any
    sql: str
    params: tuple
    slots: tuple[tuple[int, str], ...]
    converters: dict
    names: tuple[str, ...]


def _names(query) -> tuple[str, ...]:
    """The keys of a values() row, in the order of its columns (as ValuesIterable has them)."""
    return (*query.extra_select, *query.values_select, *query.annotation_select)


class _Marked:
    """A query built by `build(**values)` and compiled once per connection with markers in
    place of the values; `fields` names the model field that prepares each value."""

    def __init__(self, build: Callable, **fields: Field):
        self._build = build
        self._fields = fields
        # By connection (one per thread), each kept with its connection so a reused id is
        # never mistaken for it; None for a query that cannot be reused.
        self._compiled: dict[int, _Compiled | None] = {}

    def _ready(self, connection, values: dict) -> tuple[_Compiled, list] | None:
        """The compiled query and this call's parameters, or None to run through the ORM."""
        compiled = self._compiled.get(id(connection), False)
        if compiled is False or (compiled is not None and compiled.connection is not connection):
            if len(self._compiled) >= MAX_CONNECTIONS:
                self._compiled.clear()  # threads come and go (runserver): forget old ones
            compiled = self._compiled[id(connection)] = self._compile(connection)
        if compiled is None or any(value is None for value in values.values()):
            return None
        params = list(compiled.params)
        for position, name in compiled.slots:
            params[position] = self._fields[name].get_db_prep_value(
                values[name], connection, prepared=False
            )
        return compiled, params

    def _compiler(self, markers: dict):
        """The compiler of the query built with these markers (None if it cannot be)."""
        raise NotImplementedError

    def _compile(self, connection) -> _Compiled | None:
        markers = {
            name: _marker(field, index) for index, (name, field) in enumerate(self._fields.items())
        }
        if any(marker is None for marker in markers.values()):
            return None
        try:
            compiler = self._compiler(markers)
            if compiler is None or compiler.using != DEFAULT_DB_ALIAS:
                return None
            sql, params = compiler.as_sql()
        except Exception:  # the ORM then runs it, and raises whatever is wrong
            return None
        prepared = {
            name: self._fields[name].get_db_prep_value(marker, connection, prepared=False)
            for name, marker in markers.items()
        }
        slots = tuple(
            (position, name)
            for position, param in enumerate(params)
            for name, marker in prepared.items()
            if param == marker
        )
        if {name for _, name in slots} != set(markers):
            return None
        converters, names = {}, ()
        if hasattr(compiler, "col_count"):  # a SELECT: how its rows are read
            selected = [column[0] for column in compiler.select[0 : compiler.col_count]]
            names = _names(compiler.query)
            if len(names) != len(selected):
                return None
            converters = compiler.get_converters(selected)
        return _Compiled(connection, compiler, sql, tuple(params), slots, converters, names)


class CompiledValues(_Marked):
    """A `.values()` query, built by `build(**values)`, that runs compiled after its first
    call: rows as dicts, as the queryset would give them."""

    def __call__(self, **values) -> list[dict]:
        connection = connections[DEFAULT_DB_ALIAS]
        ready = self._ready(connection, values)
        if ready is None:
            return list(self._build(**values))
        compiled, params = ready
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        names = compiled.names
        return [dict(zip(names, row, strict=True)) for row in rows]

    def _compiler(self, markers: dict):
        queryset = self._build(**markers)
        return queryset.query.get_compiler(using=queryset.db)


class CompiledUpdate(_Marked):
    """An UPDATE, built by `build(**values)` as (queryset, changes) for
    `queryset.update(**changes)`, that runs compiled after its first call; returns the
    number of rows changed. One that would touch a parent model's table too (more than one
    statement) runs through the ORM."""

    def __call__(self, **values) -> int:
        connection = connections[DEFAULT_DB_ALIAS]
        ready = self._ready(connection, values)
        if ready is None:
            queryset, changes = self._build(**values)
            return queryset.update(**changes)
        compiled, params = ready
        with (
            transaction.mark_for_rollback_on_error(using=DEFAULT_DB_ALIAS),
            connection.cursor() as cursor,
        ):
            cursor.execute(compiled.sql, params)
            return cursor.rowcount

    def _compiler(self, markers: dict):
        queryset, changes = self._build(**markers)
        queryset._for_write = True  # as QuerySet.update() asks for the database to write to
        query = queryset.query.chain(UpdateQuery)
        query.add_update_values(changes)
        if query.related_updates:
            return None
        # Only MySQL's UPDATE takes an ORDER BY (a manager's default order, here).
        query.clear_ordering(force=True)
        query.clear_select_clause()
        return query.get_compiler(using=queryset.db)


# The longest list of keys compiled (_ByCount): a scoring worker's batch
# (moderation.services.backlog.BATCH). A longer one, a sweep's, is rare.
MOST_KEYS_COMPILED = 20


class _ByCount:
    """A query over a list of keys (an `__in` lookup), compiled once per length of the list:
    `IN` writes one parameter per key, so each length is its own SQL. `build(keys, **values)`
    builds it; `keys` names the field that prepares each key, and `fields` the other values
    as for the compiled query itself. A list longer than MOST_KEYS_COMPILED, or an empty
    one, runs through the ORM."""

    kind: type[_Marked]

    def __init__(self, build: Callable, keys: Field, **fields: Field):
        self._build = build
        self._keys = keys
        self._fields = fields
        self._by_count: dict[int, _Marked] = {}

    def _for(self, count: int) -> _Marked:
        compiled = self._by_count.get(count)
        if compiled is None:
            names = tuple(f"key{index}" for index in range(count))

            def build(**values):
                return self._build([values.pop(name) for name in names], **values)

            keyed = dict.fromkeys(names, self._keys)
            compiled = self._by_count[count] = self.kind(build, **keyed, **self._fields)
        return compiled

    def __call__(self, keys, **values):
        keys = list(keys)
        if not keys or len(keys) > MOST_KEYS_COMPILED:
            return self._orm(keys, **values)
        named = {f"key{index}": key for index, key in enumerate(keys)}
        return self._for(len(keys))(**named, **values)

    def _orm(self, keys: list, **values):
        raise NotImplementedError


class CompiledValuesIn(_ByCount):
    """A `.values()` query over a list of keys, compiled once per length of the list (see
    CompiledValues): rows as dicts, as the queryset would give them."""

    kind = CompiledValues

    def _orm(self, keys: list, **values) -> list[dict]:
        return list(self._build(keys, **values))


class CompiledUpdateIn(_ByCount):
    """An UPDATE of the rows with the given keys, compiled once per length of the list (see
    CompiledUpdate); returns the number of rows changed."""

    kind = CompiledUpdate

    def _orm(self, keys: list, **values) -> int:
        queryset, changes = self._build(keys, **values)
        return queryset.update(**changes)
