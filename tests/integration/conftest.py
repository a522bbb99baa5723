"""Real Celery workers against a real Redis, sharing the test database with this process.

Tests here are transactional (the worker must see committed rows). Redis comes from
REDIS_TEST_URL (default redis://127.0.0.1:6379); when nothing answers there, a
redis-server of the tests' own is started on a free port, and when there is no redis-server
binary the tests skip and say so.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis as redis_client
from django.db import connection

from tests.support import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
BROKER_DB, CACHE_DB = 14, 13


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


def answers(url: str) -> bool:
    try:
        return redis_client.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis_client.RedisError:
        return False


class RedisServer:
    """A redis-server process of the tests' own, on a free port."""

    def __init__(self):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip(
                "no redis-server binary to start a private Redis (apt-get install redis-server)"
            )
        self.binary = binary
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="parley-redis-")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.dir],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(lambda: answers(self.url), 10, "the private redis-server to answer")

    def stop(self) -> None:
        if self.process is not None:
            self.thaw()
            self.process.terminate()
            self.process.wait(10)
            self.process = None
        wait_until(lambda: not answers(self.url), 10, "the private redis-server to stop")

    def freeze(self) -> None:
        """Hang Redis (SIGSTOP): connections stay open and nothing answers."""
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)


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


class Worker:
    """`celery -A config worker` as a real process (and process group) of its own."""

    def __init__(self, redis_url: str, *, concurrency: int = 2, visibility_timeout: int = 300):
        handle, log_path = tempfile.mkstemp(prefix="parley-worker-", suffix=".log")
        self.log = Path(log_path)
        env = {
            **os.environ,
            **database_env(),
            "REDIS_URL": redis_url,
            "REDIS_BROKER_DB": str(BROKER_DB),
            "REDIS_CACHE_DB": str(CACHE_DB),
            "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO",
             f"--concurrency={concurrency}", "--pool=prefork", "--without-gossip",
             "--without-mingle", f"--hostname=test-{os.getpid()}-{time.monotonic_ns()}@%h"],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        os.close(handle)
        wait_until(self.ready, 60, f"the Celery worker to start (log: {self.log})")

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the worker exited early:\n{self.output()[-3000:]}")
        return " ready." in self.output()

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children), as a crash would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.unlink(missing_ok=True)


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
        worker.stop()


@pytest.fixture
def queue_redis(redis_base_url):
    """The Redis the queue tests use, with their broker and cache databases emptied."""
    for db in (BROKER_DB, CACHE_DB):
        redis_client.Redis.from_url(f"{redis_base_url}/{db}").flushdb()
    yield redis_base_url
    for db in (BROKER_DB, CACHE_DB):
        redis_client.Redis.from_url(f"{redis_base_url}/{db}").flushdb()
