"""Real Celery workers against a real Redis, sharing the test database with this process.

Tests here are transactional (the worker must see committed rows). Redis comes from
REDIS_TEST_URL (default redis://127.0.0.1:6379); when nothing answers there, a
redis-server of the tests' own is started on a free port, and when there is no redis-server
binary the tests skip and say so.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis as redis_client
from django.db import connection

from tests.support import CeleryWorker, RedisServer, answers

ROOT = Path(__file__).resolve().parents[2]
BROKER_DB, CACHE_DB, LIVE_DB = 14, 13, 12


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def redis_base_url():
    """A Redis URL (no database number) that answers: the shared one, or a private one."""
    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379")
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}"
    if answers(base):
        yield base
        return
    server = RedisServer()
    server.start()
    yield server.url
    server.stop()


def database_env() -> dict[str, str]:
    """Environment that points a worker process at this test run's database."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": str(settings["NAME"]), "DATABASE_URL": ""}
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return {"DATABASE_URL": f"postgres://{auth}{host}:{port}/{settings['NAME']}"}


class Worker(CeleryWorker):
    """A Celery worker on this test run's database and the tests' broker databases."""

    def __init__(self, redis_url: str, *, concurrency: int = 2, visibility_timeout: int = 300):
        super().__init__(
            {
                **database_env(),
                "REDIS_URL": redis_url,
                "REDIS_BROKER_DB": str(BROKER_DB),
                "REDIS_CACHE_DB": str(CACHE_DB),
                "REDIS_LIVE_DB": str(LIVE_DB),
                "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
            },
            concurrency=concurrency,
        )


@pytest.fixture
def start_worker():
    """Start Celery workers for a test; they are stopped when it ends."""
    workers: list[Worker] = []

    def start(redis_url: str, **options) -> Worker:
        worker = Worker(redis_url, **options)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        # Printed at every teardown, shown by pytest only when the test failed: what the
        # worker logged is the first clue to a failure that happened in it. Enough of it
        # for a chain of tracebacks: the last 4,000 characters cut off the first exception
        # of the one that showed where an import's time limit struck.
        print(f"--- the worker's log ({worker.log}), last lines ---\n{worker.output()[-40000:]}")
        worker.stop()


@pytest.fixture
def queue_redis(redis_base_url, settings):
    """The Redis the queue tests use, with their broker, cache and live databases emptied.
    The live streams this process serves read what the workers publish, as in production."""
    for db in (BROKER_DB, CACHE_DB, LIVE_DB):
        redis_client.Redis.from_url(f"{redis_base_url}/{db}").flushdb()
    settings.PARLEY_LIVE_REDIS_URL = f"{redis_base_url}/{LIVE_DB}"
    yield redis_base_url
    for db in (BROKER_DB, CACHE_DB, LIVE_DB):
        redis_client.Redis.from_url(f"{redis_base_url}/{db}").flushdb()


@pytest.fixture
def private_redis():
    """A redis-server of the test's own on a spare port, to stop, freeze and restart."""
    server = RedisServer()
    server.start()
    yield server
    server.stop()
