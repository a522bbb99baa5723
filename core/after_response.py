"""What a committed write sets off, run once its answer has been sent.

A poster waits for their comment to be stored and judged, not for what the commit sets off:
the page refresh, live events, webhooks, the scoring message, emails (which the embedded
default sends inline). Those are `transaction.on_commit` callbacks; inside
`commit_hooks_after_response` they are gathered when the transaction commits, instead of
being run there, and run by the response's close(), which the WSGI server (gunicorn,
runserver) calls once the answer's bytes are written: the poster has their answer and the
work goes on meanwhile. The test client closes a response before handing it over, so tests
see everything done, as before.

They still run only after a commit, in the order registered and with their own `robust`
flags, as the commit would have run them. A callback registered inside the block outside
any transaction (Django would run it at once) waits with them; one registered while they
run (outside the block by then) runs at once, as ever. If the block raises, or no response
took them, they run as it ends: work set off by a stored comment is never dropped. What the
very next request must see is registered with `on_commit_before_answer` and runs at commit.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpResponseBase

logger = logging.getLogger(__name__)


_PATCHED = ("run_and_clear_commit_hooks", "on_commit")


class CommitHooks:
    """The callbacks gathered at commit, until a response takes them or the block ends."""

    def __init__(self) -> None:
        self.hooks: list[tuple[Callable[[], object], bool]] = []
        self.taken = False

    def gather(self, pending: list) -> None:
        # Django's entries are (savepoint ids, callback, robust); the ids matter only
        # before the commit. What must be done before the answer is run now.
        now = []
        for _ids, func, robust in pending:
            (now if isinstance(func, _BeforeAnswer) else self.hooks).append((func, robust))
        _run(now, raising=True)

    def attach(self, response: HttpResponseBase) -> HttpResponseBase:
        """Run the gathered callbacks when `response` is closed (once it has been sent)."""
        if self.hooks:
            response._resource_closers.append(self.run)
            self.taken = True
        return response

    def run(self) -> None:
        hooks, self.hooks = self.hooks, []
        # Once a response took them, Django's close() would swallow what one raises.
        _run(hooks, raising=not self.taken)


def _run(hooks: list[tuple[Callable[[], object], bool]], *, raising: bool) -> None:
    for func, robust in hooks:
        try:
            func()
        except Exception:
            # Logged as the commit would have logged it, so a failure is never silent.
            logger.exception("A callback set off by a commit failed: %s", func)
            if not robust and raising:
                raise


class _BeforeAnswer:
    """A callback that runs at the commit even inside commit_hooks_after_response."""

    def __init__(self, callback: Callable[[], object]) -> None:
        self.callback = callback

    def __call__(self) -> object:
        return self.callback()

    def __repr__(self) -> str:
        return repr(self.callback)


def on_commit_before_answer(func: Callable[[], object], *, robust: bool = True) -> None:
    """transaction.on_commit, but never put off until the answer is sent: for what the very
    next request must see (the shared page dropped, so no reader is served it stale)."""
    transaction.on_commit(_BeforeAnswer(func), robust=robust)


@contextmanager
def commit_hooks_after_response(using: str = DEFAULT_DB_ALIAS) -> Iterator[CommitHooks]:
    """Gather the on_commit callbacks of transactions committed inside this block, for
    `attach` to run them once the answer is sent (see the module's docstring)."""
    connection = connections[using]
    later = CommitHooks()

    def gather() -> None:
        # In place of BaseDatabaseWrapper.run_and_clear_commit_hooks, which the outermost
        # atomic block calls after its commit (and set_autocommit after a manual one).
        connection.validate_no_atomic_block()
        pending, connection.run_on_commit = connection.run_on_commit, []
        later.gather(pending)

    def on_commit(func, robust=False) -> None:
        # Outside a transaction Django runs a callback at once: what a write made in
        # autocommit sets off (or what is announced after the atomic block ends) waits too.
        if connection.in_atomic_block or isinstance(func, _BeforeAnswer):
            original_on_commit(func, robust=robust)
        else:
            later.hooks.append((func, robust))

    # Restored as found: a block inside another leaves the outer one's in place.
    found = {name: connection.__dict__.get(name) for name in _PATCHED}
    original_on_commit = connection.on_commit
    connection.run_and_clear_commit_hooks = gather
    connection.on_commit = on_commit
    try:
        yield later
    finally:
        for name, value in found.items():
            if value is None:
                del connection.__dict__[name]
            else:
                connection.__dict__[name] = value
        if not later.taken:
            later.run()
