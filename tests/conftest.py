"""Shared fixtures: plain factory functions over the real database and services."""

import itertools
import logging
import os
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import django
import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client, override_settings
from django.urls import reverse

from articles.models import Article
from articles.services import article_create
from comments.forms import CommentForm
from comments.models import CommentStatus
from comments.services import Poster, comment_submit
from core.collector import collector_settle
from core.roles import AUTHORS_GROUP, MODERATORS_GROUP, groups_ensure
from moderation.services import comment_transition

from .db_flush import flush_made_cheap

_counter = itertools.count(1)

# No beat runs under the tests unless a test asks for one: jobs falling due in the
# background would race what a test checks. The servers the tests start (gunicorn, embedded)
# read the environment; this process read its settings before this file (pytest-django sets
# Django up first), and importing config.wsgi here (tests/articles/test_page_front.py) would
# start a beat thread on the test database.
os.environ.setdefault("PARLEY_EMBEDDED_BEAT_TICK", "0")
django_settings.PARLEY_EMBEDDED_BEAT_TICK = 0
flush_made_cheap()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    """Off by default: most tests change data inside a transaction that never commits, so
    the on-commit invalidation never runs. Page cache tests (and browser tests, which
    commit for real) switch it on."""
    settings.PARLEY_PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with an empty cache and no spam model loaded in this process."""
    from django.conf import settings
    from django.core.cache import cache, caches

    from core.breaker import breakers_reset
    from moderation.model_cache import spam_models

    breakers_reset()
    cache.clear()
    if "beat" in settings.CACHES:
        caches["beat"].clear()
    spam_models.forget()
    yield
    with suppress(Exception):  # a test may leave the cache pointed at a stopped Redis
        cache.clear()


def _site_handlers() -> list:
    # pytest's own capture handlers come and go with each phase of a test.
    return [h for h in logging.getLogger().handlers if not type(h).__module__.startswith("_pytest")]


@pytest.fixture(autouse=True)
def _site_log_kept():
    """A test leaves the site's log handlers as it found them. A second django.setup() (as
    ManagementUtility.execute() runs) points the console at the test's captured stderr,
    which closes when the test ends: every later log line then failed to write, and printed
    a traceback instead, for the rest of the run."""
    before = _site_handlers()
    yield
    if _site_handlers() != before:
        logging.getLogger().handlers[:] = before
        pytest.fail("the test replaced the site's log handlers (a second django.setup()?)")


@pytest.fixture
def django_setup_skipped(monkeypatch):
    """For a test that runs code which sets Django up again (ManagementUtility.execute(),
    Celery's Django fixup): the site is set up already, and set up again its log would write
    to the test's captured stderr, closed when the test ends (_site_log_kept)."""
    monkeypatch.setattr(django, "setup", lambda *args, **kwargs: None)


# Fixtures through which a test reaches the database.
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


def _uses_database(item) -> bool:
    return bool(item.get_closest_marker("django_db")) or not DATABASE_FIXTURES.isdisjoint(
        getattr(item, "fixturenames", ())
    )


def pytest_collection_modifyitems(config, items):
    """Leave out, and say so, the tests this run cannot have: `postgresql` and `sqlite`
    tests on another database, and `needs_path(path)` tests where the path (data kept
    beside the project on a development machine, never in it) is absent. Left out, not
    skipped: a skip fails CI.
    With PARLEY_TEST_DATABASE_ONLY=1 (CI's second run, on PostgreSQL) the tests that never
    touch a database are left out too: the first run has already run them."""
    from django.db import connection

    database_only = os.environ.get("PARLEY_TEST_DATABASE_ONLY") == "1"
    reasons: dict[str, int] = {}
    kept, left_out = [], []
    for item in items:
        reason = ""
        if database_only and not _uses_database(item):
            reason = "use no database (run once, in the SQLite run)"
        if item.get_closest_marker("postgresql") and connection.vendor != "postgresql":
            reason = "needs PostgreSQL"
        if item.get_closest_marker("sqlite") and connection.vendor != "sqlite":
            reason = "needs SQLite"
        needs = item.get_closest_marker("needs_path")
        if needs and not Path(needs.args[0]).exists():
            reason = f"needs {needs.args[0]}"
        if reason:
            left_out.append(item)
            reasons[reason] = reasons.get(reason, 0) + 1
        else:
            kept.append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
    config._parley_left_out = reasons


def pytest_collection_finish(session):
    """Collected, the run holds every test module and item for its whole length: settled as
    a server process settles once it has loaded the site (core.collector), they are not
    walked again at each full collection, and collections are rarer (a run makes millions of
    short-lived objects, few of them in cycles). The collector's time in tests/comments and
    tests/moderation (without browsers and workers) fell from 3.8 s to 2.3 s of their 62 s
    of CPU. CI's suites share two busy cores, so CPU saved is time off its length."""
    collector_settle()


def _ci_skips(config) -> int:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    return len(skipped) if os.environ.get("CI", "").lower() == "true" else 0


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say what was left out and why; under CI=true a skipped test is a failure: every
    service must really be there."""
    for reason, count in getattr(config, "_parley_left_out", {}).items():
        terminalreporter.write_line(f"left out: {count} test(s) that {reason}")
    if _ci_skips(config):
        terminalreporter.write_sep(
            "=", f"CI=true: {_ci_skips(config)} skipped test(s) fail the run", red=True
        )


def pytest_sessionfinish(session, exitstatus):
    # Runs before the terminal summary, so it counts the skips itself.
    if _ci_skips(session.config) and exitstatus == 0:
        session.exitstatus = 1


@pytest.fixture
def full_disk(tmp_path):
    """Make a 64 KiB filesystem with these folders on it, filled to the last byte: every
    write there is refused with ENOSPC, while what is there can be read and removed."""
    import subprocess

    mounted = []

    def make(*folders: str) -> Path:
        disk = tmp_path / "disk"
        disk.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)], capture_output=True
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a small filesystem to fill (needs root): {done.stderr!r}")
        mounted.append(disk)
        for folder in folders:
            (disk / folder).mkdir(parents=True)
        with suppress(OSError), (disk / "filler").open("wb", buffering=0) as filler:
            while True:
                filler.write(b"x" * 4096)
        return disk

    yield make
    for disk in mounted:
        subprocess.run(["umount", str(disk)], check=True)


@pytest.fixture
def site_log():
    """What the site's console handler (settings.LOGGING) writes, captured."""
    import io
    import logging

    console = next(
        handler
        for handler in logging.getLogger().handlers
        if type(handler) is logging.StreamHandler and handler.filters
    )
    written = io.StringIO()
    capture = logging.StreamHandler(written)
    capture.setFormatter(console.formatter)
    for log_filter in console.filters:
        capture.addFilter(log_filter)
    logging.getLogger().addHandler(capture)
    yield written
    logging.getLogger().removeHandler(capture)


@pytest.fixture
def make_user(db):
    def make(
        username=None,
        *,
        password="a-long-passphrase",  # noqa: S107
        email="",
        groups=(),
        **extra,
    ):
        username = username or f"user{next(_counter)}"
        user = get_user_model().objects.create_user(
            username=username, password=password, email=email, **extra
        )
        if groups:
            groups_ensure()
            user.groups.add(*Group.objects.filter(name__in=groups))
        return user

    return make


@pytest.fixture
def author(make_user):
    return make_user("author", groups=[AUTHORS_GROUP], first_name="Ada", last_name="Writer")


@pytest.fixture
def moderator(make_user):
    return make_user("moderator", groups=[MODERATORS_GROUP])


@pytest.fixture
def make_article(db, make_user):
    def make(
        *, title=None, publish=True, authors=None, comments_open=True, body="## Heading\n\nText."
    ):
        title = title or f"Article {next(_counter)}"
        return article_create(
            title=title,
            body=body,
            authors=authors or [],
            publish=publish,
            comments_open=comments_open,
        )

    return make


@pytest.fixture
def article(make_article) -> Article:
    return make_article(title="The test article")


@pytest.fixture
def post(db):
    """Post a comment through the service and give it a status (published by default)."""

    def make(
        article, text=None, *, reply_to=0, name="Reader", status=CommentStatus.PUBLISHED, **poster
    ):
        # Stored pending, as with a queue, then moved to the status asked for.
        with override_settings(PARLEY_COMMENT_JUDGE=""):
            comment = comment_submit(
                article=article,
                poster=Poster(name=name, **poster),
                text=text or f"Comment number {next(_counter)}",
                reply_to=reply_to,
            )
        if status != CommentStatus.PENDING:
            comment_transition(comment_id=comment.pk, to_status=status, actor_label="test")
        comment.refresh_from_db()
        return comment

    return make


@pytest.fixture
def queued_scoring(settings):
    """New comments are stored pending, as when a worker's queue scores them (the test's
    transaction never commits, so nothing reaches a queue)."""
    settings.PARLEY_COMMENT_JUDGE = ""


def form_data(article, **fields) -> dict:
    """A valid "Leave a Reply" POST for `article`, signed as the rendered form would be."""
    # Signed as if the form had been shown half a minute ago, as a reader would take.
    form = CommentForm(article)
    shown = int(time.time()) - 30
    data = {
        "content_type": "articles.article",
        "object_pk": str(article.pk),
        "timestamp": str(shown),
        "security_hash": form.initial_security_hash(shown),
    }
    data.update(
        comment="A thoughtful comment.",
        name="Guest Reader",
        email="",
        url="",
        reply_to="0",
        honeypot="",
    )
    data.update(fields)
    return data


@pytest.fixture
def submit(client, django_capture_on_commit_callbacks):
    """POST the comment form as a browser would, running what commits schedule."""

    def send(data, *, using=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return (using or client).post(reverse("comments:post"), data, **extra)

    return send


@contextmanager
def celery_broker(url: str):
    """Point Parley's Celery app at a real broker (no inline tasks) for the block."""
    from config.celery import app

    keys = ("task_always_eager", "broker_url")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(task_always_eager=False, broker_url=url)
    _reset_pools(app)
    try:
        yield app
    finally:
        app.conf.update(saved)
        _reset_pools(app)


def _reset_pools(app) -> None:
    """Forget cached broker connections so the next publish uses the current broker_url, and
    the runs' marks seen on the last broker (core.tasks.ParleyTask.busy), which a test that
    empties the broker and reuses its address must not be answered from."""
    app._pool = None
    app.amqp._producer_pool = None
    for task in app.tasks.values():
        vars(task).pop("_promised", None)


# The window tests give a rate limit (rate_limit below). The limiter's windows are fixed
# (django-ratelimit ends each key's at an offset of its own), and one that ended in the
# middle of a test would let an extra request through and fail it for no fault of the code:
# a test that spends t seconds counting fails with chance t / window, so with a minute's
# window about once in 500 runs, and with an hour's t / 3600 for each of the twelve tests
# that count, on each database of every CI run. Ten years makes it never in practice.
TEN_YEARS = 10 * 365 * 24 * 3600


@pytest.fixture
def rate_limit(settings):
    """Set one scope's limits for a test, as "count/seconds" for users and guests; tests
    count in TEN_YEARS windows (see there)."""

    def set_limit(scope: str, *, user: str = "0/1", guest: str = "0/1") -> None:
        settings.PARLEY_RATE_LIMITS = {
            **settings.PARLEY_RATE_LIMITS, scope: {"user": user, "guest": guest}
        }  # fmt: skip

    return set_limit


@pytest.fixture
def no_rate_limits(settings):
    """For tests that stand in for many readers posting from one address."""
    off = {"user": "0/1", "guest": "0/1"}
    settings.PARLEY_RATE_LIMITS = {scope: off for scope in settings.PARLEY_RATE_LIMITS}


@pytest.fixture
def scorer_decides(article, post):
    """A comment the scorer judged at `at` (or `days_ago`), through the one transition; with
    `acted=False` a log-only verdict, whose comment is published whatever the decision."""
    from datetime import timedelta

    from django.utils import timezone

    from moderation.models import ModerationEvent, SpamVerdict
    from moderation.scoring import Verdict

    def decide(decision, *, days_ago=0.0, at=None, acted=True, elapsed_ms=None, comment=None):
        comment = comment or post(article, status=CommentStatus.PENDING)
        comment_transition(
            comment_id=comment.pk,
            to_status=decision if acted else CommentStatus.PUBLISHED,
            actor_label="scorer",
            verdict=Verdict(score=0.5, decision=decision, reasons=()),
            verdict_acted=acted,
        )
        at = at or timezone.now() - timedelta(days=days_ago)
        verdict = SpamVerdict.objects.filter(comment=comment).latest("pk")
        SpamVerdict.objects.filter(pk=verdict.pk).update(created_at=at, elapsed_ms=elapsed_ms)
        event = ModerationEvent.objects.filter(comment=comment, actor_label="scorer").latest("pk")
        ModerationEvent.objects.filter(pk=event.pk).update(created_at=at)
        comment.refresh_from_db()
        return comment

    return decide


@pytest.fixture
def stopped_redis_cache(settings):
    """Django's cache pointed at a Redis that is not running (a private, stopped one)."""
    from tests.support import RedisServer

    server = RedisServer()
    server.start()
    server.stop()

    def use(backend, **options):
        settings.CACHES = {
            "default": {
                "BACKEND": backend,
                "LOCATION": f"{server.url}/0",
                "OPTIONS": options,
            }
        }

    return use


def manage_link_followed(client, email: str):
    """`client` follows a new "manage your comments" link for `email` and presses its
    button, as a guest does from the email."""
    from readers.services import manage_link_make
    from tests.support import form_fields

    link = reverse("readers:manage_enter", args=[manage_link_make(email=email)])
    return client.post(link, form_fields(client.get(link).content.decode()))


def token_a_sign_in_replaced(make_user) -> tuple[Client, str]:
    """A browser (CSRF checks on) and the token its page fetched, which a sign-in made since
    in another tab has replaced: what it sends with that token is refused as out of date."""
    browser = Client(enforce_csrf_checks=True)
    old_token = browser.get("/csrf/").json()["token"]
    make_user(username="tabbed")
    signed_in = browser.post(
        "/accounts/login/",
        {"login": "tabbed", "password": "a-long-passphrase", "csrfmiddlewaretoken": old_token},
    )
    assert signed_in.status_code == 302
    assert browser.cookies["csrftoken"].value != old_token
    return browser, old_token


@pytest.fixture
def struck_once(monkeypatch):
    """`struck_once("_commit")` (or "_rollback"): the connection's next commit (or rollback)
    raises SoftTimeLimitExceeded before anything reaches the database, as a worker's time
    limit does when its signal lands there; later calls are real."""

    def strike(name: str) -> None:
        wrapper = type(connections[DEFAULT_DB_ALIAS])
        real = getattr(wrapper, name)

        def struck(self, *args, **kwargs):
            monkeypatch.setattr(wrapper, name, real)
            raise SoftTimeLimitExceeded()

        monkeypatch.setattr(wrapper, name, struck)

    return strike
