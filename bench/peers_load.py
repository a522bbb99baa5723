"""What both sides of bench/peers.py share: the comment texts, server CPU read from /proc, a
load run that counts every answer and the CPU it cost, sequential reads, wrk (or a Python
client when wrk is missing), nginx serving a file as the static ceiling, and gunicorn serving
the same bytes from a bare WSGI app as the ceiling of the server Parley runs in.

Server CPU is utime + stime of a server's whole process tree (workers, and children already
reaped) before and after, divided by the requests sent.
"""

import contextlib
import http.client
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.http_client import Load, fetch, page_getter, run_load
from bench.processes import ROOT, spawn, stop, wait_until_serving
from tests.support import free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TICKS = os.sysconf("SC_CLK_TCK")
# Not bench.seed's list: that module needs Django set up, and the Isso half runs without it.
WORDS = [
    "thread", "reply", "article", "winter", "storage", "network", "tariff", "meter", "cable",
    "pylon", "substation", "demand", "forecast", "outage", "battery", "solar", "wind",
    "turbine", "frequency", "market", "planning", "budget", "council",
]  # fmt: skip


def comment_text(client: int, n: int, series: int = 0) -> str:
    """The n-th comment of a client in a series of runs: one to three paragraphs with an
    emphasised word.

    The same (series, client, n) gives the same text on every server; the numbers at the end
    keep each text unique, so no server may treat a post as a resubmission of an earlier one.
    Each run numbers its posts from 0, so runs that post to the same article (one per number
    of clients) each need a series of their own: a text posted again by the same poster is a
    duplicate that Parley holds for a moderator, which is not the path being measured.
    """
    rng = random.Random((series * 1_000_003 + client) * 1_000_003 + n)
    paragraphs = []
    for _ in range(rng.randint(1, 3)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(12, 45))]
        words[rng.randrange(len(words))] = f"*{rng.choice(WORDS)}*"
        paragraphs.append(" ".join(words).capitalize() + ".")
    return "\n\n".join(paragraphs) + f" ({series}.{client}.{n})"


def reply_parent(parents: list[int], n: int) -> int | None:
    """Every second comment replies to one of the comments already there."""
    return random.choice(parents) if parents and n % 2 else None


# ---------------------------------------------------------------------------
# Server CPU from /proc
# ---------------------------------------------------------------------------
def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by `pid` and every descendant, reaped children included."""
    children: dict[int, list[int]] = {}
    ticks: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        children.setdefault(int(stat[1]), []).append(int(entry.name))
        ticks[int(entry.name)] = sum(int(value) for value in stat[11:15])  # u, s, cu, cs time
    total, todo, seen = 0, [pid], set()
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            total += ticks.get(current, 0)
            todo.extend(children.get(current, []))
    return total / TICKS


def wait_idle(pid: int, timeout: float = 60) -> None:
    """Wait until the server stops working off requests a load generator left in flight."""
    deadline = time.monotonic() + timeout
    last = tree_cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = tree_cpu_seconds(pid)
        if now - last < 0.02:
            return
        last = now


# ---------------------------------------------------------------------------
# Load with every answer counted
# ---------------------------------------------------------------------------
SERVER_WORKERS, WARM_ROUNDS = 2, 3


def warm(make_request: Callable, *, clients: int) -> None:
    """A few requests two at a time, so that each server worker has been through the code
    once (imports, templates, connections) before any CPU is counted."""

    def send(thread: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", make_request.port, timeout=60)
        try:
            for round_ in range(WARM_ROUNDS):
                # Numbered past any measured request, so no text repeats one of them.
                make_request(connection, thread % clients, 10**6 + thread * 100 + round_).read()
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(SERVER_WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@dataclass
class Measured:
    """A closed-loop load run: rate in the measured window, CPU and answers over all of it."""

    load: Load
    requests: int
    cpu_seconds: float
    statuses: Counter

    @property
    def per_second(self) -> float:
        return self.load.per_second

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu_seconds / max(self.requests, 1)


def measure(
    pid: int, make_request: Callable, *, clients: int, seconds: float, expected: int, name: str
) -> Measured:
    """Run `make_request` from `clients` threads (http_client.run_load) and fail loudly unless
    every answer, warm-up included, was `expected`."""
    statuses: Counter = Counter()
    lock = threading.Lock()

    def counted(connection, worker: int, n: int):
        status = 0  # the request failed before any answer
        try:
            response = make_request(connection, worker, n)
            status = response.status
            return response
        finally:
            with lock:
                statuses[status] += 1

    counted.port = make_request.port
    warm(make_request, clients=clients)
    wait_idle(pid)
    before = tree_cpu_seconds(pid)
    load = run_load(
        concurrency=clients, seconds=seconds, make_request=counted, expected=expected, name=name
    )
    wait_idle(pid)
    measured = Measured(load, sum(statuses.values()), tree_cpu_seconds(pid) - before, statuses)
    if set(statuses) != {expected}:
        others = ", ".join(f"{count} of {status or 'no answer'}" for status, count in
                           sorted(statuses.items()) if status != expected)  # fmt: skip
        raise SystemExit(
            f"{name}: {measured.requests} requests, expected {expected} for every one, got "
            f"{others}. (403: the CSRF cookie was not sent back; 429: a rate limit is on.)"
        )
    return measured


@dataclass
class Reads:
    count: int
    cpu_ms: float
    wall_ms: float
    body: bytes


def sequential_reads(pid: int, port: int, path: str, count: int) -> Reads:
    """`count` GETs one after another, each on a new connection: server CPU per request."""
    warm(page_getter(port, path), clients=1)
    wait_idle(pid)
    before, started = tree_cpu_seconds(pid), time.monotonic()
    for _ in range(count):
        status, body, _ = fetch(port, path)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}")
    wall = time.monotonic() - started
    return Reads(count, 1000 * (tree_cpu_seconds(pid) - before) / count, 1000 * wall / count, body)


# ---------------------------------------------------------------------------
# Saturating GETs: wrk when installed, else the Python client
# ---------------------------------------------------------------------------
WRK = shutil.which("wrk")
WRK_THREADS, WRK_CONNECTIONS = 2, 16
UNITS = {"B": 1, "KB": 2**10, "MB": 2**20, "GB": 2**30, "TB": 2**40}


@dataclass
class Hammered:
    requests: int
    per_second: float
    bytes_read: float
    failures: str  # non-2xx/3xx answers and socket errors, "" when none
    cpu_ms: float | None = None

    @property
    def bytes_per_request(self) -> float:
        return self.bytes_read / max(self.requests, 1)


def load_tool() -> str:
    if WRK:
        return f"wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS}"
    return (
        f"the Python client, {WRK_CONNECTIONS} threads (wrk is not installed: apt-get install wrk)"
    )


def hammer(port: int, path: str, *, seconds: float, headers: dict, pid: int | None = None):
    """GET `path` as fast as the load tool can for `seconds`; with `pid`, its CPU per request."""
    if pid is not None:
        wait_idle(pid)
        before = tree_cpu_seconds(pid)
    result = _wrk(port, path, seconds, headers) if WRK else _python(port, path, seconds, headers)
    if pid is not None:
        wait_idle(pid)
        result.cpu_ms = 1000 * (tree_cpu_seconds(pid) - before) / max(result.requests, 1)
    return result


def _wrk(port: int, path: str, seconds: float, headers: dict) -> Hammered:
    command = [WRK, f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{max(1, round(seconds))}s",
               "--timeout", "30s"]  # fmt: skip
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    done = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+)(\w+) read", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not done or not rate:
        raise SystemExit(f"could not read wrk's output:\n{output}")
    failures = [
        line.strip()
        for line in output.splitlines()
        if line.strip().startswith(("Non-2xx", "Socket"))
    ]
    return Hammered(
        requests=int(done[1]),
        per_second=float(rate[1]),
        bytes_read=float(done[2]) * UNITS.get(done[3], 1),
        failures="; ".join(failures),
    )


def _python(port: int, path: str, seconds: float, headers: dict) -> Hammered:
    def make_request(connection, worker: int, n: int):
        connection.request("GET", path, headers=headers)
        return connection.getresponse()

    make_request.port = port
    load = run_load(
        concurrency=WRK_CONNECTIONS, seconds=seconds, make_request=make_request, expected=200
    )
    good = sum(count for status, count in load.statuses.items() if 200 <= status < 400)
    return Hammered(
        requests=len(load.latencies_ms),
        per_second=load.per_second,
        bytes_read=float("nan"),
        failures=f"not 2xx/3xx: {len(load.latencies_ms) - good}" if good < len(load.latencies_ms)
        else "",
    )  # fmt: skip


@contextlib.contextmanager
def serving(
    command: list[str], *, port: int, probe: str, log: Path, env: dict | None = None,
    cwd: Path | None = None, probe_status: int = 200,
):  # fmt: skip
    """A server in a process group of its own (processes.spawn), from its first
    `probe_status` (a 200) on `probe` to the end of the block. `cwd`: a folder other than
    Parley's, for a server that must not read Parley's gunicorn.conf.py (gunicorn reads the
    one where it starts)."""
    process = spawn(
        command, env=env if env is not None else dict(os.environ), log=log, cwd=cwd or ROOT
    )
    try:
        wait_until_serving(process, port, probe, log, expected=probe_status)
        yield process
    finally:
        stop(process)


# ---------------------------------------------------------------------------
# nginx: the same bytes as a file
# ---------------------------------------------------------------------------
@contextlib.contextmanager
def nginx_serving(page: bytes, logs: Path) -> Iterator[tuple[int, str]]:
    """nginx (2 worker processes, sendfile) serving `page` at /page.html: (port, path)."""
    with tempfile.TemporaryDirectory(prefix="parley-peers-nginx-") as scratch:
        home = Path(scratch)
        (home / "www").mkdir()
        (home / "www" / "page.html").write_bytes(page)
        # Started as root, nginx serves as `nobody`, who must be able to read the file.
        for path, mode in ((home, 0o755), (home / "www", 0o755), (home / "www/page.html", 0o644)):
            path.chmod(mode)
        port = free_port()
        directives = [
            "worker_processes 2;", "daemon off;", f"pid {home}/nginx.pid;",
            f"error_log {home}/error.log warn;", "events { worker_connections 1024; }",
            "http {", "access_log off;", "sendfile on;", "types { text/html html; }",
            *(f"{kind}_temp_path {home}/{kind};" for kind in
              ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")),
            f"server {{ listen 127.0.0.1:{port}; root {home}/www; }}", "}",
        ]  # fmt: skip
        (home / "nginx.conf").write_text("\n".join(directives) + "\n")
        command = [NGINX, "-p", str(home), "-e", f"{home}/error.log", "-c", f"{home}/nginx.conf"]
        with serving(command, port=port, probe="/page.html", log=logs / "nginx.log"):
            yield port, "/page.html"


# ---------------------------------------------------------------------------
# gunicorn alone: the same bytes from a WSGI app that does nothing else
# ---------------------------------------------------------------------------
BARE_APP = """\
import json
from pathlib import Path

HERE = Path(__file__).parent
BODY = (HERE / "page.html").read_bytes()
HEADERS = [tuple(pair) for pair in json.loads((HERE / "headers.json").read_text())]
STATUS = (HERE / "status.txt").read_text()


def application(environ, start_response):
    start_response(STATUS, HEADERS)
    return [BODY]
"""
# Said by gunicorn itself for each answer, or about this one connection only.
NOT_REPLAYED = frozenset(("connection", "date", "server", "transfer-encoding", "keep-alive"))


@contextlib.contextmanager
def bare_gunicorn_serving(
    page: bytes, headers: list[tuple[str, str]], logs: Path, *, status: str = "200 OK"
) -> Iterator[tuple[int, str, int]]:
    """gunicorn (2 sync workers, as Parley runs) answering every request with `status`,
    `page` and `headers` from a WSGI app that does nothing else: what this server can do at
    best on this machine, so the cached page's share of nginx (and a 304's CPU) can be read
    against it. Yields its port, path and process id (for its CPU)."""
    import json

    with tempfile.TemporaryDirectory(prefix="parley-peers-bare-") as scratch:
        home = Path(scratch)
        (home / "page.html").write_bytes(page)
        kept = [(name, value) for name, value in headers if name.lower() not in NOT_REPLAYED]
        (home / "headers.json").write_text(json.dumps(kept))
        (home / "status.txt").write_text(status)
        (home / "bare_page.py").write_text(BARE_APP)
        port = free_port()
        command = [
            sys.executable, "-m", "gunicorn", "bare_page:application", "--workers", "2",
            "--chdir", str(home), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
        ]  # fmt: skip
        code = int(status.split()[0])
        log = logs / f"gunicorn-bare-{code}.log"
        with serving(
            command, port=port, probe="/", log=log, cwd=home, probe_status=code
        ) as process:
            yield port, "/", process.pid
