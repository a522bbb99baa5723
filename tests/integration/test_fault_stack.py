"""Faults against the whole stack as production runs it (gunicorn, a Celery worker,
PostgreSQL and Redis, each of its own): Redis killed, Redis hung, the worker killed, and
PostgreSQL connections dropped while readers post. Nothing answered as posted is lost, and
nothing answered as not posted was stored."""

import pytest

from tests.faults import Stack, faults, postgres_answers

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stack():
    if not postgres_answers():
        pytest.skip("no PostgreSQL server to make the fault stack's database on")
    stack = Stack()
    yield stack
    stack.close()


@pytest.mark.parametrize(
    "fault", ["Redis killed", "Redis hung", "worker killed", "PostgreSQL connections dropped"]
)
def test_nothing_is_lost_and_nothing_is_stored_behind_an_error(stack, fault):
    """Every post answered 302 is stored and gets its verdict; none answered as not posted
    was stored; no 500s."""
    begin, end = faults(stack)[fault]
    result = stack.run(fault, begin, end)
    row = result.row()
    assert row["lost"] == 0, row
    assert row["stored behind error"] == 0, row
    assert row["500"] == 0, row
    assert row["pending after"] == 0, row
    assert row["stored"] >= row["posts"] - row["could not tell"] - sum(
        p.status != 302 for p in result.posts
    )
