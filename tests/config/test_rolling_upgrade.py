"""An upgrade migrates while the release before still serves (README: upgrading in place):
every column added to an existing table has a default in the database itself, so the old
release's inserts, which do not name the column, still work (a vote, a report, a comment)."""

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import AddField

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"articles", "comments", "moderation", "readers", "transfer", "health", "core"}


def added_columns() -> list[tuple[str, str]]:
    """(table, column) of every field a project migration added to an existing model."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    added = []
    for (app, _name), migration in sorted(loader.disk_migrations.items()):
        if app not in PROJECT_APPS:
            continue
        for operation in migration.operations:
            if isinstance(operation, AddField) and not operation.field.many_to_many:
                model = apps.get_model(app, operation.model_name)
                try:
                    field = model._meta.get_field(operation.name)
                except FieldDoesNotExist:  # renamed or removed since
                    continue
                if not field.null:
                    added.append((model._meta.db_table, field.column))
    return added


def column_default(table: str, column: str):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT column_default FROM information_schema.columns "
                "WHERE table_name = %s AND column_name = %s",
                [table, column],
            )
            return cursor.fetchone()[0]
        cursor.execute(f'PRAGMA table_info("{table}")')
        return next(row[4] for row in cursor.fetchall() if row[1] == column)


def test_every_added_column_has_a_database_default():
    """The release before inserts without the new column: the database fills it in."""
    columns = added_columns()
    assert ("moderation_report", "counts") in columns  # the rule sees what it is about
    missing = [
        f"{table}.{column}" for table, column in columns if column_default(table, column) is None
    ]
    assert not missing, f"NOT NULL columns added without db_default: {missing}"
