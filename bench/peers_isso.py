"""Isso's half of bench/peers.py: Isso 0.14 as its documentation runs it under gunicorn (2 sync
workers, --preload, SQLite), moderation off and the guard's limits raised so that a few
client threads may post as many comments as they can.

Isso is not a dependency of Parley: it lives in a virtualenv of its own, found or made once
under ~/.cache/parley-bench (or the one PARLEY_ISSO_VENV names) and kept for later runs.
"""

import configparser
import contextlib
import http.client
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.peers_load import (
    Measured,
    Reads,
    comment_text,
    reply_parent,
    sequential_reads,
    serving,
)
from bench.peers_rounds import PostingTarget
from tests.support import free_port

ISSO_VERSION = "0.14.0"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "parley-bench"
PARENTS = 20  # comments already on the posting thread, for every second post to reply to
THREAD_URI, POSTING_URI = "/thread", "/posting"
# What Isso's own embed asks for a paged first screen: 20 threads, 3 replies under each.
FIRST_SCREEN = "&limit=20&nested_limit=3"


def _usable(python: Path) -> bool:
    if not python.exists():
        return False
    check = "import gunicorn, importlib.metadata as m; assert m.version('isso') == '%s'"
    return subprocess.run([python, "-c", check % ISSO_VERSION], capture_output=True).returncode == 0


def isso_python() -> tuple[Path | None, str]:
    """A Python that imports isso 0.14.0 and gunicorn, made once if none is found; or (None,
    why not)."""
    candidates = [os.environ.get("PARLEY_ISSO_VENV"), CACHE / "isso-venv",
                  Path(tempfile.gettempdir()) / "isso-venv"]  # fmt: skip
    for venv in filter(None, candidates):
        if _usable(Path(venv) / "bin" / "python"):
            return Path(venv) / "bin" / "python", ""
    venv = CACHE / "isso-venv"
    print(f"isso: installing isso=={ISSO_VERSION} and gunicorn into {venv} (once)", flush=True)
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    steps = (
        [shutil.which("python3") or sys.executable, "-m", "venv", str(venv)],
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
         f"isso=={ISSO_VERSION}", "gunicorn"],
    )  # fmt: skip
    for step in steps:
        try:
            done = subprocess.run(step, capture_output=True, text=True, timeout=900)
        except (OSError, subprocess.TimeoutExpired) as error:
            return None, f"`{' '.join(step)}` failed: {error}"
        if done.returncode != 0:
            return None, f"`{' '.join(step)}` failed:\n{(done.stderr or done.stdout)[-1500:]}"
    python = venv / "bin" / "python"
    return (python, "") if _usable(python) else (None, f"{python} cannot import isso")


@contextlib.contextmanager
def isso_server(python: Path, scratch: Path, logs: Path) -> Iterator[tuple[int, int]]:
    """Isso under gunicorn on a fresh SQLite database: (port, pid of the server)."""
    port = free_port()
    config = configparser.ConfigParser()
    config["general"] = {"dbpath": str(scratch / "isso.sqlite3"), "host": "http://127.0.0.1/"}
    config["server"] = {"listen": f"http://127.0.0.1:{port}/"}
    config["moderation"] = {"enabled": "false"}
    # A handful of clients post hundreds of comments a second: no per-IP limit may apply.
    config["guard"] = {"enabled": "true", "ratelimit": "1000000", "direct-reply": "1000000",
                       "reply-to-self": "true"}  # fmt: skip
    settings = scratch / "isso.cfg"
    with settings.open("w") as handle:
        config.write(handle)
    command = [str(python), "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
               "--preload", "isso.run"]  # fmt: skip
    env = {**os.environ, "ISSO_SETTINGS": str(settings)}
    # Started in its own folder: gunicorn would read Parley's gunicorn.conf.py from Parley's.
    with serving(
        command, port=port, probe="/info", log=logs / "isso.log", env=env, cwd=scratch
    ) as process:
        yield port, process.pid


def isso_poster(port: int, uri: str, parents: list[int], series: int = 0):
    """A request maker that posts as Isso's embed does (JSON to /new), for http_client.run_load."""
    path = f"/new?uri={urllib.parse.quote(uri)}"

    def make_request(connection: http.client.HTTPConnection, worker: int, n: int):
        comment = {"text": comment_text(worker, n, series), "author": f"Reader {worker}",
                   "title": "Benchmark article", "parent": reply_parent(parents, n)}  # fmt: skip
        connection.request(
            "POST", path, body=json.dumps(comment), headers={"Content-Type": "application/json"}
        )
        return connection.getresponse()

    make_request.port = port
    return make_request


def isso_thread(port: int, uri: str, count: int) -> list[int]:
    """Post `count` comments one after another (every second a reply): their ids."""
    ids: list[int] = []
    post = isso_poster(port, uri, ids)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        for n in range(count):
            response = post(connection, 0, n)
            body = response.read()
            if response.status != 201:
                raise SystemExit(f"Isso answered {response.status} to a new comment: {body[:300]}")
            ids.append(json.loads(body)["id"])
    finally:
        connection.close()
    return ids


def _comments(node: dict) -> int:
    return sum(1 + _comments(reply) for reply in node.get("replies", []))


@dataclass
class IssoFigures:
    thread_size: int
    whole: Reads
    first_screen: Reads
    comments_shown: int
    posting: dict[int, Measured] = field(default_factory=dict)
    target: PostingTarget | None = None  # its server, up for the posting rounds


def isso_half(options, scratch: Path, logs: Path, stack: contextlib.ExitStack) -> IssoFigures | str:
    """Isso's reads, and its server left running in `stack` for the posting rounds
    (peers_rounds); or why there are none."""
    python, why = isso_python()
    if python is None:
        return why
    port, pid = stack.enter_context(isso_server(python, scratch, logs))
    isso_thread(port, THREAD_URI, options.thread_size)
    thread = f"/?uri={urllib.parse.quote(THREAD_URI)}"
    whole = sequential_reads(pid, port, thread, options.whole_reads)
    first = sequential_reads(pid, port, thread + FIRST_SCREEN, options.first_reads)
    shown = _comments(json.loads(whole.body))
    figures = IssoFigures(options.thread_size, whole, first, shown)
    print(f"isso: reads done (whole thread {whole.cpu_ms:.1f} ms CPU)", flush=True)
    parents = isso_thread(port, POSTING_URI, PARENTS)
    database = scratch / "isso.sqlite3"

    def poster(clients: int, series: int):
        # Each round starts from the comments seeded above (isso_posted_drop).
        isso_posted_drop(database, max(parents))
        return isso_poster(port, POSTING_URI, parents, series)

    figures.target = PostingTarget("isso", pid, poster, 201)
    return figures


def isso_posted_drop(database: Path, seeded_through: int) -> None:
    """Delete the comments earlier posting rounds left in Isso's database, back to the ones
    seeded (ids up to `seeded_through`), between rounds, with no request in flight.

    Isso's post costs more with every comment its table holds: its guard's queries scan the
    table (nothing indexes the poster's address), and the one that counts a poster's last
    minute reads back every comment that address sent in it: all of a benchmark's, since its
    clients share 127.0.0.1. Posting rounds left to grow the table measured Isso slower and
    slower (1 client, rounds of 1.25 s: 237 comments/s at first, 158 after eight rounds,
    while Parley went from 302 to 289), so the ratio depended on how much had been posted
    before, and the level of clients measured first (1) got the lowest. Started from the
    same table, every round and level weighs Isso as isso_bench.sh does (a fresh database
    per run of posts), where its figures for issue 12 came from. Parley's posts cost the
    same at any size (the table's rounds show it), so its database is left as it is.
    """
    with contextlib.closing(sqlite3.connect(database, timeout=30)) as connection, connection:
        connection.execute("DELETE FROM comments WHERE id > ?", (seeded_through,))
