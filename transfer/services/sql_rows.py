"""Rows written straight to SQL: binary COPY on PostgreSQL, executemany on SQLite.

Building model instances and letting the ORM compile each value cost four times the
database's own work for an import, so rows go in as tuples; the columns the rows leave
out come from the models, so a new field is written with its default rather than missed.
PostgreSQL takes the values in its binary format: nothing to print on our side or to parse
on its side, a third of the work of text COPY for numbers, dates and addresses."""

import json
from dataclasses import dataclass

from django.db import connection, models
from django.db.models.fields import AutoFieldMixin
from django_comments.models import Comment as BaseComment
from django_comments_xtd.models import XtdComment

from comments.models import Comment, Thread

from ..models import SourceRecord


@dataclass(frozen=True, slots=True)
class Statement:
    sql: str
    types: tuple[int, ...]  # PostgreSQL: each column's type, which binary COPY must be told
    rows: list[tuple]


class Table:
    """One model's own table, written with rows that bring `columns` (attribute names) in
    that order; its other columns get their defaults."""

    def __init__(self, model: type[models.Model], columns: tuple[str, ...]):
        fields = {field.attname: field for field in model._meta.local_concrete_fields}
        given = [fields[name] for name in columns]
        # An auto-incremented id is left to the database unless the rows bring their own.
        missing = [
            field for field in fields.values()
            if field.attname not in columns and not isinstance(field, AutoFieldMixin)
        ]  # fmt: skip
        self.tail = tuple(_adapted(field, field.get_default()) for field in missing)
        self.adapt = [(at, field) for at, field in enumerate(given) if _needs_adapting(field)]
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        names = ", ".join(quote(field.column) for field in (*given, *missing))
        marks = ", ".join(["%s"] * (len(given) + len(missing)))
        self.postgresql = connection.vendor == "postgresql"
        self.sql = (
            f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)"
            if self.postgresql
            else f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
        )
        self.types = _column_types(model, [f.column for f in (*given, *missing)])

    def prepared(self, rows: list[tuple]) -> Statement:
        """The statement for these rows, each with its values in the order of `columns`
        (the list is the statement's from then on)."""
        adapt, tail = self.adapt, self.tail
        if adapt:
            rows = [list(row) for row in rows]
            for row in rows:
                for at, field in adapt:
                    row[at] = _adapted(field, row[at])
            rows = [(*row, *tail) for row in rows]
        elif tail:
            rows = [row + tail for row in rows]
        return Statement(self.sql, self.types, rows)


def _column_types(model: type[models.Model], columns: list[str]) -> tuple[int, ...]:
    if connection.vendor != "postgresql":
        return ()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [model._meta.db_table],
        )
        types = dict(cursor.fetchall())
    return tuple(types[column] for column in columns)


def _needs_adapting(field: models.Field) -> bool:
    """PostgreSQL's binary format takes every value as the rows bring it (addresses as
    address objects, JSON as Python values); SQLite takes addresses and JSON as text, and
    datetimes as Django stores them."""
    return connection.vendor != "postgresql" and isinstance(
        field, models.GenericIPAddressField | models.JSONField | models.DateTimeField
    )


def _adapted(field: models.Field, value):
    """A value as the database driver takes it."""
    if value is None or not _needs_adapting(field):
        return value
    if isinstance(field, models.GenericIPAddressField):
        return str(value)  # an ipaddress object's spelling is the canonical one
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    return connection.ops.adapt_datetimefield_value(value)


_tables: dict[tuple[str, type, tuple[str, ...]], Table] = {}


def table_for(model: type[models.Model], columns: tuple[str, ...]) -> Table:
    key = (connection.vendor, model, columns)
    if key not in _tables:
        _tables[key] = Table(model, columns)
    return _tables[key]


def rows_write(raw_connection, statements: list[Statement]) -> None:
    """Run prepared statements. On PostgreSQL through the import's own psycopg connection,
    given, which the thread that writes while the next batch is built can use too."""
    if connection.vendor != "postgresql":
        # SQLite runs in this process: one prepared statement, many rows.
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.executemany(statement.sql, statement.rows)
        return
    with raw_connection.cursor() as cursor:
        for statement in statements:
            # COPY: no statement to parse or plan per row, and no SQL text to build.
            with cursor.copy(statement.sql) as copy:
                copy.set_types(statement.types)
                write = copy.write_row
                for row in statement.rows:
                    write(row)


def tables_analyse(raw_connection=None) -> None:
    """Fresh planner statistics for the tables an import filled, for the site's queries and
    the next import (not needed during the import: the planner scales its row counts with
    the tables' size on disk, and each lookup the import makes goes by a unique index).
    Through `raw_connection` when given (a thread other than the connection's own)."""
    if connection.vendor != "postgresql":
        return
    tables = (SourceRecord, BaseComment, XtdComment, Comment, Thread)
    sql = "ANALYZE " + ", ".join(t._meta.db_table for t in tables)
    if raw_connection is not None:
        with raw_connection.cursor() as cursor:
            cursor.execute(sql)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql)
