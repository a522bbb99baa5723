"""A transaction cut short inside its own commit or rollback is rolled back, on both databases.

A worker's time limit is a signal: Celery raises SoftTimeLimitExceeded wherever the process
is, inside a transaction's commit or rollback too, before it reaches the database. The atomic
block then turned autocommit back on with the transaction still open. psycopg refused
("connection in transaction status INTRANS", the end state of a CI failure that came there by
another path: tests/transfer/test_run_time_limit.py), and every write after it went into a
transaction nobody ended, lost when the connection closed. Python's sqlite3 committed it: what
was being rolled back was stored. Here the exception is raised where that signal lands: as
Django hands the commit or the rollback to the database driver (core/backends/cut_short.py),
with tests/conftest.py's struck_once."""

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.auth.models import Group
from django.db import connection, transaction

pytestmark = pytest.mark.django_db(transaction=True)


def _stored() -> list[str]:
    return list(Group.objects.filter(name__startswith="cut ").values_list("name", flat=True))


@pytest.mark.parametrize(
    "struck, body_fails",
    [("_rollback", True), ("_commit", False)],
    ids=["struck in the rollback", "struck in the commit"],
)
def test_a_transaction_struck_as_it_ends_stores_nothing_and_the_connection_goes_on(
    struck_once, struck, body_fails
):
    ran = []
    with pytest.raises(SoftTimeLimitExceeded), transaction.atomic():
        Group.objects.create(name="cut short")
        transaction.on_commit(lambda: ran.append("of the cut-short transaction"))
        struck_once(struck)
        if body_fails:
            raise ValueError("the transaction fails, and is rolled back")
    # The caller heard of the exception that cut it short, and nothing of it was stored.
    assert connection.get_autocommit()
    assert _stored() == []
    # The connection works on, and what the cut-short transaction registered never runs.
    with transaction.atomic():
        Group.objects.create(name="cut later")
    assert _stored() == ["cut later"]
    assert ran == []


def test_a_transaction_that_ends_as_it_should_is_untouched():
    ran = []
    with transaction.atomic():
        Group.objects.create(name="cut kept")
        transaction.on_commit(lambda: ran.append("committed"))
    with pytest.raises(ValueError), transaction.atomic():
        Group.objects.create(name="cut rolled back")
        raise ValueError
    assert _stored() == ["cut kept"]
    assert ran == ["committed"]
