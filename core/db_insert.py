"""A new row of a hot model, inserted by SQL compiled once per connection.

`Model.save()` on a three-table model (a comment is django_comments' row, xtd's and ours) is
about 1.2 ms of Python for three INSERTs SQLite runs in 0.1 ms: it walks the parents, builds
and compiles an InsertQuery for each table, and checks what an update would need. The SQL of
each table's INSERT is the same for every new row, so `CompiledInsert` lets Django write it
once per connection (the compiler a save would use, from the same fields) and then prepares
each row's values as that compiler does (`pre_save`, then `get_db_prep_save`), runs it, and
reads back the id as the compiler would.

What a save does beyond the INSERTs stays: pre_save and post_save are sent, the parent links
and the primary key are set, and the instance is marked as stored. What it skips is the
model's own `save()` method: a caller uses this only for a model whose `save()` it knows,
doing itself what that method would (and `before_table` is called before each table's row is
prepared, as `_save_table` would be). A value that is an expression, an instance with an
id the database hands out already, or a database this was not compiled for goes through
`save()`. A primary key the caller gives (a one-to-one key) is inserted as given.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model, signals
from django.db.models.sql import InsertQuery

MAX_CONNECTIONS = 64


@dataclass(frozen=True)
class _Table:
    model: type[Model]
    fields: tuple
    # (parent link field, parent model): set from the parent's new id before this row.
    links: tuple
    sql: str
    returning: tuple
    returning_params: tuple
    compiler: Any
    converters: dict


def _chain(model: type[Model]) -> list[type[Model]]:
    """The model's concrete tables in the order a save inserts them: parents first."""
    ordered: list[type[Model]] = []
    for parent in model._meta.parents:
        for table in _chain(parent):
            if table not in ordered:
                ordered.append(table)
    ordered.append(model)
    return ordered


class CompiledInsert:
    def __init__(
        self, model: type[Model], *, before_table: Callable[[Model, type[Model]], None] | None
    ):
        self._model = model
        self._before_table = before_table
        self._compiled: dict[int, tuple[Any, list[_Table]] | None] = {}
        self._auto_ids = tuple(
            table._meta.auto_field.attname
            for table in _chain(model)
            if not table._meta.parents and table._meta.auto_field is not None
        )

    def __call__(self, instance: Model) -> None:
        """Insert `instance` (new, of exactly this model) with all its tables."""
        connection = connections[DEFAULT_DB_ALIAS]
        tables = self._tables(connection, instance)
        if tables is None or not self._plain(instance):
            instance.save(force_insert=True)
            return
        origin = type(instance)
        signals.pre_save.send(
            sender=origin, instance=instance, raw=False, using=DEFAULT_DB_ALIAS,
            update_fields=None,
        )  # fmt: skip
        with (
            transaction.atomic(using=DEFAULT_DB_ALIAS, savepoint=False),
            connection.cursor() as cursor,
        ):
            for table in tables:
                self._insert(cursor, connection, instance, table)
        instance._state.db = DEFAULT_DB_ALIAS
        instance._state.adding = False
        signals.post_save.send(
            sender=origin, instance=instance, created=True, update_fields=None, raw=False,
            using=DEFAULT_DB_ALIAS,
        )  # fmt: skip

    def _insert(self, cursor, connection, instance: Model, table: _Table) -> None:
        for link, parent in table.links:
            setattr(instance, link.attname, getattr(instance, parent._meta.pk.attname))
            if link.is_cached(instance):
                link.delete_cached_value(instance)
        if self._before_table is not None:
            self._before_table(instance, table.model)
        compiler = table.compiler
        params = [
            field.get_db_prep_save(field.pre_save(instance, True), connection)
            for field in table.fields
        ]
        cursor.execute(table.sql, params)
        if not table.returning:
            return
        if connection.features.can_return_columns_from_insert:
            rows = [connection.ops.fetch_returned_insert_columns(cursor, table.returning_params)]
        else:
            meta = table.model._meta
            rows = [(connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column),)]
        if table.converters:
            rows = list(compiler.apply_converters(rows, table.converters))
        for value, field in zip(rows[0], table.returning, strict=True):
            setattr(instance, field.attname, value)

    def _plain(self, instance: Model) -> bool:
        """A new instance of this very model whose values are all plain (no expressions)."""
        if type(instance) is not self._model or not instance._state.adding:
            return False
        # An id the database hands out, given already: save() decides what that means.
        if any(getattr(instance, name) is not None for name in self._auto_ids):
            return False
        return not any(hasattr(value, "resolve_expression") for value in instance.__dict__.values())

    def _tables(self, connection, instance: Model) -> list[_Table] | None:
        known = self._compiled.get(id(connection), False)
        if known is not False and known is not None and known[0] is connection:
            return known[1]
        if known is None:
            return None
        if len(self._compiled) >= MAX_CONNECTIONS:
            self._compiled.clear()  # threads come and go (runserver): forget old ones
        try:
            tables = [self._table_compile(connection, model) for model in _chain(self._model)]
        except Exception:  # save() then runs, and raises whatever is wrong
            tables = None
        self._compiled[id(connection)] = None if tables is None else (connection, tables)
        return tables

    def _table_compile(self, connection, model: type[Model]) -> _Table:
        meta = model._meta
        is_root = not meta.parents
        # As _save_table picks them: a root table's id comes from the database, a child's
        # primary key is its parent link, set before it is inserted.
        fields = tuple(
            field
            for field in meta.local_concrete_fields
            if not field.generated and not (is_root and field is meta.auto_field)
        )
        returning = tuple(meta.db_returning_fields) if is_root else ()
        links = tuple((field, parent) for parent, field in meta.parents.items() if field)
        query = InsertQuery(model)
        # Unsaved instances only give the placeholders their shape; every value is %s.
        query.insert_values(fields, [model()], raw=True)
        compiler = query.get_compiler(connection=connection)
        compiler.returning_fields = returning
        statements = compiler.as_sql()
        if len(statements) != 1:
            raise ValueError("one INSERT per table expected")
        sql, params = statements[0]
        if len(params) != len(fields) or sql.count("%s") != len(fields):
            raise ValueError("a placeholder per field expected")
        converters = {}
        if returning:
            converters = compiler.get_converters(
                [field.get_col(meta.db_table) for field in returning]
            )
        return _Table(
            model=model,
            fields=fields,
            links=links,
            sql=sql,
            returning=returning,
            returning_params=tuple(getattr(compiler, "returning_params", ())),
            compiler=compiler,
            converters=converters,
        )
