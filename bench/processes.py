"""The benchmarks' servers: gunicorn (and nginx, Redis, workers) started in process groups of
their own under a controlled environment, waited for, and all stopped on the way out."""

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.http_client import fetch
from tests.support import free_port

ROOT = Path(__file__).resolve().parent.parent
# Variables the benchmarks decide for their children; inherited values would leak into them.
CONTROLLED_ENV = (
    "DATABASE_URL", "SQLITE_PATH", "REDIS_URL", "REDIS_CACHE_DB", "REDIS_BROKER_DB",
    "PARLEY_PAGE_CACHE_SECONDS", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT",
    "CSRF_TRUSTED_ORIGINS", "PARLEY_TRUSTED_PROXY_COUNT", "PARLEY_RATE_COMMENT_GUEST",
    "PARLEY_CACHE_DIR", "PARLEY_EMBEDDED_BEAT_TICK",
)  # fmt: skip

_children: list[subprocess.Popen] = []


def spawn(command: list[str], *, env: dict, log: Path, cwd: Path = ROOT) -> subprocess.Popen:
    """Start a process in a new session (so its whole group can be stopped) logging to `log`."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    _children.append(process)
    return process


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the process group, then SIGKILL it if it is still there after 10 s."""
    if process in _children:
        _children.remove(process)
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            continue
    # Gunicorn's or nginx's workers may outlive a master killed with SIGKILL.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def stop_all() -> None:
    for process in list(reversed(_children)):
        stop(process)


def tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def wait_until_serving(
    process: subprocess.Popen, port: int, path: str, log: Path, *, expected: int = 200
) -> None:
    """Wait for `expected` (a 200) on `path`, failing early (with the log) if the server
    exits."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}:\n{tail(log)}")
        status, _, _ = fetch(port, path)
        if status == expected:
            return
        time.sleep(0.1)
    raise SystemExit(f"timed out waiting for the server on port {port}:\n{tail(log)}")


def base_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in CONTROLLED_ENV}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        PARLEY_PAGE_CACHE_SECONDS="0",
        # Four client threads stand in for many readers: a per-IP limit would measure the
        # limiter, not posting.
        PARLEY_RATE_COMMENT_GUEST="0/1",
        LOG_LEVEL="WARNING",
    )
    return env


# A Parley server is measured once it has settled: gunicorn answers from its first worker
# while the other may still be loading the site and the spam model, and one tick after each
# worker starts, the embedded beat's first look runs every due job with the imports they need
# (about a second of CPU, timed in one process on a bench database). A benchmark's server ticks
# often, so that look comes before the measuring; a look that finds nothing due takes 1 ms.
# (One run's whole-thread read came out at 104 ms a page, against 55 in the runs around it.)
BEAT_TICK = 2.0


def start_gunicorn(env: dict, logs: Path, label: str, probe: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {"PARLEY_EMBEDDED_BEAT_TICK": str(BEAT_TICK), **env}
    log = logs / f"gunicorn-{label}.log"
    process = spawn(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        env=env, log=log,
    )  # fmt: skip
    wait_until_serving(process, port, probe, log)
    from bench.peers_load import wait_idle

    if not env.get("REDIS_URL"):  # embedded: each worker runs a beat thread
        time.sleep(BEAT_TICK + 0.5)
    wait_idle(process.pid)
    return process, port
