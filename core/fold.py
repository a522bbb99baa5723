"""Case folding SQLite does not do: its LIKE, LOWER and UPPER fold only ASCII letters, so a
search for "Übertragungsnetz" typed as written missed a comment that says it.

Each SQLite connection gets PARLEY_FOLD (Python's str.casefold), and `Folded` calls it
there; elsewhere it is LOWER, which PostgreSQL applies to every letter.
"""

from django.db.models import Func, TextField


def _fold(value):
    return value.casefold() if isinstance(value, str) else value


def sqlite_fold_add(sender, connection, **kwargs) -> None:
    """Give a new SQLite connection PARLEY_FOLD (a receiver of connection_created)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("PARLEY_FOLD", 1, _fold, deterministic=True)


class Folded(Func):
    """A text column case-folded in the database, for matching against str.casefold()."""

    function = "LOWER"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="PARLEY_FOLD", **extra_context)
