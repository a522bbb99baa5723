"""Rows written straight to SQL: COPY on PostgreSQL, executemany on SQLite.

Building model instances and letting the ORM compile each value cost four times the
database's own work for an import, so rows go in as tuples; the column lists come from the
models, so a new field is written with its default rather than missed."""

import json
from operator import itemgetter

from django.db import connection, models
from django.db.models.fields import AutoFieldMixin
from django_comments.models import Comment as BaseComment
from django_comments_xtd.models import XtdComment

from comments.models import Comment, Thread

from ..models import SourceRecord


class Table:
    """One model's own table: its columns, their defaults, and how each value is adapted."""

    def __init__(self, model: type[models.Model], *, ids_given: bool):
        # An auto-incremented id is left to the database unless the rows bring their own.
        self.fields = {
            field.attname: field
            for field in model._meta.local_concrete_fields
            if ids_given or not isinstance(field, AutoFieldMixin)
        }
        self.table = connection.ops.quote_name(model._meta.db_table)
        self.plans: dict[tuple[str, ...], tuple] = {}

    def _plan(self, given: tuple[str, ...]) -> tuple:
        """For rows with these keys: how to pick their values, the defaults of the columns
        they leave out, the values to adapt, and the statement (made once per shape)."""
        if given not in self.plans:
            missing = [name for name in self.fields if name not in given]
            tail = tuple(_adapted(self.fields[n], self.fields[n].get_default()) for n in missing)
            adapt = [
                (at, self.fields[name]) for at, name in enumerate(given)
                if _needs_adapting(self.fields[name])
            ]  # fmt: skip
            quote = connection.ops.quote_name
            columns = ", ".join(quote(self.fields[n].column) for n in (*given, *missing))
            marks = ", ".join(["%s"] * len(self.fields))
            sql = (
                f"COPY {self.table} ({columns}) FROM STDIN"
                if connection.vendor == "postgresql"
                else f"INSERT INTO {self.table} ({columns}) VALUES ({marks})"  # noqa: S608
            )
            pick = itemgetter(*given) if len(given) > 1 else (lambda row: (row[given[0]],))
            self.plans[given] = (pick, tail, adapt, sql)
        return self.plans[given]

    def insert(self, rows: list[dict]) -> None:
        """Write rows that all have the same keys (every row a buffer makes does)."""
        if rows:
            rows_write(connection.connection, [self.prepared(rows)])

    def prepared(self, rows: list[dict]) -> tuple[str, list[tuple]]:
        """The statement and the values for rows that all have the same keys."""
        pick, tail, adapt, sql = self._plan(tuple(rows[0]))
        values = []
        for row in rows:
            picked = pick(row)
            if adapt:
                picked = list(picked)
                for at, field in adapt:
                    picked[at] = _adapted(field, picked[at])
            values.append((*picked, *tail))
        return sql, values


def _needs_adapting(field: models.Field) -> bool:
    """JSON goes as text; on SQLite datetimes go as Django stores them (psycopg takes aware
    datetimes as they are)."""
    return isinstance(field, models.JSONField) or (
        isinstance(field, models.DateTimeField) and connection.vendor != "postgresql"
    )


def _adapted(field: models.Field, value):
    """A value as the database driver takes it."""
    if value is None or not _needs_adapting(field):
        return value
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    return connection.ops.adapt_datetimefield_value(value)


_tables: dict[tuple[type, bool], Table] = {}


def table_for(model: type[models.Model], *, ids_given: bool = False) -> Table:
    key = (model, ids_given)
    if key not in _tables:
        _tables[key] = Table(model, ids_given=ids_given)
    return _tables[key]


def rows_write(raw_connection, statements: list[tuple[str, list[tuple]]]) -> None:
    """Run prepared statements. On PostgreSQL through the import's own psycopg connection,
    given, which the thread that writes while the next batch is built can use too."""
    if connection.vendor != "postgresql":
        # SQLite runs in this process: one prepared statement, many rows.
        with connection.cursor() as cursor:
            for sql, values in statements:
                cursor.executemany(sql, values)
        return
    with raw_connection.cursor() as cursor:
        for sql, values in statements:
            # COPY: no statement to parse or plan per row, and no SQL text to build.
            with cursor.copy(sql) as copy:
                for row in values:
                    copy.write_row(row)


def tables_analyse() -> None:
    """Fresh planner statistics for the tables an import fills. Inside the import's
    transaction PostgreSQL counts its own new rows, and without this the planner goes on
    believing the tables are as small as they were, scanning them whole for every lookup."""
    if connection.vendor != "postgresql":
        return
    tables = (SourceRecord, BaseComment, XtdComment, Comment, Thread)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(t._meta.db_table for t in tables))
