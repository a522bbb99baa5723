"""Helpers the tests and the benchmarks share: waiting on a condition, a free port, the
signed fields of a rendered comment form, what an action could change on an article, a
moderator's verified address, a browser-like client over real HTTP, and gunicorn as a
process of its own."""

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis as redis_client

ROOT = Path(__file__).resolve().parents[1]

# The signed part of a rendered "Leave a Reply" form, and the CSRF token beside it.
HIDDEN_FIELDS = re.compile(
    r'name="(csrfmiddlewaretoken|content_type|object_pk|timestamp|security_hash)"'
    r' value="([^"]*)"'
)


def wait_until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll a condition (no fixed sleeps) and fail with `what` if it never holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def live_server_threads() -> list[threading.Thread]:
    """The live server's connection threads (socketserver names them so), each holding one
    browser or client connection, a stream's included."""
    return [thread for thread in threading.enumerate() if "process_request_thread" in thread.name]


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def form_fields(html: str) -> dict[str, str]:
    """The signed hidden fields (and CSRF token) of the comment form in a page."""
    return dict(HIDDEN_FIELDS.findall(html))


def article_state(article) -> dict:
    """What an action could change on an article, read fresh from the database."""
    fresh = type(article).objects.get(pk=article.pk)
    return {
        "title": fresh.title,
        "body": fresh.body,
        "status": fresh.status,
        "comments_open": fresh.comments_open,
        "updates": fresh.updates.count(),
    }


def moderator_address_verified(moderator) -> None:
    """Give the moderator the verified address held digests go to."""
    # Here, not at the top: the benchmarks import this module before Django is set up.
    from allauth.account.models import EmailAddress

    moderator.email = "mod@example.com"
    moderator.save()
    EmailAddress.objects.create(
        user=moderator, email="mod@example.com", primary=True, verified=True
    )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    headers: dict
    body: str
    seconds: float


class HttpReader:
    """A browser-like client over real HTTP: keeps its cookies, follows no redirects, and
    posts the "Leave a Reply" form with the signed fields of the page it loaded."""

    def __init__(self, base: str, *, forwarded_for: str = ""):
        self.base = base.rstrip("/")
        self.headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def request(self, path: str, data: dict | None = None, *, timeout: float = 30) -> Answer:
        encoded = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(
            self.base + path, data=encoded, headers={**self.headers, "Referer": self.base + path}
        )
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=timeout) as response:
                body = response.read().decode(errors="replace")
                status, headers = response.status, dict(response.headers)
        except urllib.error.HTTPError as error:
            body = error.read().decode(errors="replace")
            status, headers = error.code, dict(error.headers)
        return Answer(status, headers, body, time.monotonic() - started)

    def get(self, path: str) -> Answer:
        return self.request(path)

    def post_comment(self, page_path: str, **fields) -> Answer:
        """Load the page (for its form), then send the form with `fields`. The shared
        article page's form has no CSRF token: ask for one first, as its script does."""
        form = form_fields(self.get(page_path).body)
        if not form.get("csrfmiddlewaretoken"):
            form["csrfmiddlewaretoken"] = json.loads(self.get("/csrf/").body)["token"]
        form.update(
            {"comment": "", "name": "Reader", "email": "", "url": "", "reply_to": "0",
             "honeypot": ""} | fields
        )  # fmt: skip
        return self.request("/comments/post/", form)


class AppServer:
    """gunicorn serving Parley as a process of its own, on a free port."""

    def __init__(self, env: dict, *, workers: int = 1, log: Path | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log or Path(tempfile.mkstemp(prefix="parley-web-", suffix=".log")[1])
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(workers),
             "--bind", f"127.0.0.1:{self.port}", "--timeout", "60"],
            cwd=ROOT, env={**os.environ, **env}, stdout=self.log.open("w"),
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        wait_until(self._serving, 60, f"gunicorn on port {self.port} (log: {self.log})")

    def _serving(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{self.log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        group_stop(self.process)


def group_stop(process: subprocess.Popen) -> None:
    """SIGTERM a process started in its own session with all its children; SIGKILL them if
    they are not gone in 20 s."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def answers(url: str) -> bool:
    try:
        return redis_client.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis_client.RedisError:
        return False


def redis_cache_config(url: str, *, timeout: float) -> dict:
    """settings.CACHES for the site's Redis cache on a private redis-server's database 1."""
    return {
        "default": {
            "BACKEND": "core.cache.ParleyRedisCache",
            "LOCATION": f"{url}/1",
            "OPTIONS": {"SOCKET_TIMEOUT": timeout, "SOCKET_CONNECT_TIMEOUT": timeout},
        }
    }


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


class CeleryWorker:
    """`celery -A config worker` as a real process (and process group) of its own."""

    def __init__(self, env: dict, *, concurrency: int = 2):
        handle, log_path = tempfile.mkstemp(prefix="parley-worker-", suffix=".log")
        self.log = Path(log_path)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO",
             "--queues=celery,webhooks", f"--concurrency={concurrency}", "--pool=prefork",
             "--without-gossip", "--without-mingle",
             f"--hostname=test-{os.getpid()}-{time.monotonic_ns()}@%h"],
            cwd=ROOT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
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
        group_stop(self.process)
        self.log.unlink(missing_ok=True)


def nginx_site_conf(directory: Path) -> tuple[str, str]:
    """The installed nginx, and deploy/nginx-parley.conf with its certificate (a self-signed
    one, made in `directory`) and its cache folder pointed into `directory`."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    key, cert = directory / "key.pem", directory / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "1", "-subj", "/CN=parley.test"],
        check=True, capture_output=True,
    )  # fmt: skip
    site = (ROOT / "deploy" / "nginx-parley.conf").read_text()
    site = re.sub(r"ssl_certificate_key .*?;", f"ssl_certificate_key {key};", site)
    site = re.sub(r"ssl_certificate .*?;", f"ssl_certificate {cert};", site)
    return nginx, site.replace("/var/cache/nginx/parley", str(directory / "cache"))


def posted_twice_at_once(client, url: str, data: dict) -> tuple:
    """POST `data` to `url` twice, the second while the first's work is held uncommitted
    (PostgreSQL): the second must reach a row the first wrote and wait on it. Returns both
    answers; an answer the second never gave (it raised) is None."""
    # Django's, here: this module is also read where Django is not set up.
    from django.db import connection, transaction

    answers = []

    def second_post():
        try:
            answers.append(client.post(url, data))
        finally:
            connection.close()

    def second_waits() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_locks "
                "WHERE NOT granted AND locktype = 'transactionid')"
            )
            return cursor.fetchone()[0]

    thread = threading.Thread(target=second_post)
    with transaction.atomic():  # the first POST's work, held uncommitted
        first = client.post(url, data)
        thread.start()
        wait_until(second_waits, 20, "the second POST to wait on a row the first wrote")
    thread.join(20)
    return first, (answers[0] if answers else None)
