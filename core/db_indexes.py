"""Dropping an index that no query needs, from a migration, without blocking writes.

For indexes a migration's model state does not track (a library's tables), or whose
AlterField would cost more than the index: on PostgreSQL, AlterField(db_index=False) on a
foreign key drops and re-adds the constraint, which checks every row while comments wait;
on SQLite it copies the whole table.
"""

from django.db import migrations


def _concurrently(schema_editor) -> str:
    # On PostgreSQL without blocking the table's writes; the migration must not be atomic.
    return " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""


def single_column_indexes(schema_editor, table: str) -> dict[str, str]:
    """The plain indexes of one column each on `table`, name to column, PostgreSQL's
    varchar_pattern_ops (LIKE) copies included; not unique ones, keys or constraints."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        name: found["columns"][0]
        for name, found in constraints.items()
        if found["index"] and len(found["columns"]) == 1
        and not (found["unique"] or found["primary_key"] or found["foreign_key"])
    }  # fmt: skip


def single_column_indexes_drop(schema_editor, table: str, columns: tuple[str, ...]) -> None:
    """Drop every plain index of `table` on one of `columns` alone."""
    quote = schema_editor.quote_name
    for name, column in single_column_indexes(schema_editor, table).items():
        if column in columns:
            schema_editor.execute(
                f"DROP INDEX{_concurrently(schema_editor)} IF EXISTS {quote(name)}"
            )


def single_column_indexes_create(
    schema_editor, table: str, columns: tuple[str, ...], like: tuple[str, ...] = ()
) -> None:
    """The reverse: an index on each of `columns`, named as Django names them, and on
    PostgreSQL the LIKE copy (varchar_pattern_ops) Django adds for each of `like`."""
    quote = schema_editor.quote_name
    indexes = [(column, "", "") for column in columns]
    if schema_editor.connection.vendor == "postgresql":
        indexes += [(column, "_like", " varchar_pattern_ops") for column in like]
    for column, suffix, operators in indexes:
        name = schema_editor._create_index_name(table, [column], suffix=suffix)
        schema_editor.execute(
            f"CREATE INDEX{_concurrently(schema_editor)} IF NOT EXISTS {quote(name)} "
            f"ON {quote(table)} ({quote(column)}{operators})"
        )


def unused_indexes_drop(
    columns_of: dict[str, tuple[str, ...]], *, like_of: dict[str, tuple[str, ...]] | None = None
) -> migrations.RunPython:
    """A migration's operation dropping, per table, the plain indexes on each of its columns
    alone, LIKE copies included (and making them again when unapplied: the LIKE copies of
    the columns `like_of` names). Its migration must not be atomic."""

    def drop(apps, schema_editor):
        for table, columns in columns_of.items():
            single_column_indexes_drop(schema_editor, table, columns)

    def create(apps, schema_editor):
        for table, columns in columns_of.items():
            like = (like_of or {}).get(table, ())
            single_column_indexes_create(schema_editor, table, columns, like)

    return migrations.RunPython(drop, create, elidable=False)
