"""Benchmark: 1,000 live streams on one article, as production serves them.

uvicorn (deploy/parley-live.service's command, 2 workers) serves the streams, gunicorn (2
sync workers, DEBUG=0, as bench/processes.py starts it) the pages and posts, one Celery
worker scores the comments, on a SQLite database and a redis-server of the run's own. The
stream clients run in a process of their own (asyncio, one socket each), so they do not
share this process's interpreter with the page and post timings.

Printed: streams connected, publish-to-client latency (from the event's Redis Stream id,
which is Redis's clock when the event was added, to its arrival at each client's socket,
the kernel's receive time: every client, every event), the stream processes' memory (RSS
of uvicorn's process tree), and page and post latency without the streams and with them
open while the posts' events go out. Phases without and with streams take turns (without
first and last), so a machine or database that drifts over the run weighs on both sides.
Printed with them: the same comparison made between the phases without streams alone (a
control: the noise a change that is not there shows), and the CPU other processes took
during each phase. Targets (issue 15): 1,000 clients, p99 ≤ 1 s, ≤ 300 MB, latency within
10 %.

    .venv/bin/python -m bench.live [--clients 1000] [--posts 25] [--pages 200] [--rounds 4]
"""

import argparse
import http.client
import os
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench.http_client import percentile
from bench.live_clients import StreamClients, lower_priority

TARGET_P99_MS = 1000
TARGET_MB = 300
TARGET_SLOWER = 0.10
# The stream server runs below the web workers, as deploy/parley-live.service ranks it (the
# clients run lower still: bench/live_clients.py).
LIVE_NICE = 10


# ---------------------------------------------------------------------------
# Page and post timings, and memory
# ---------------------------------------------------------------------------
def page_times(port: int, path: str, count: int) -> list[float]:
    """GET the article page `count` times on one keep-alive connection: milliseconds each."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    try:
        for _ in range(count):
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"GET {path} answered {response.status}")
            times.append(1000 * (time.perf_counter() - started))
    finally:
        connection.close()
    return times


def post_times(poster, count: int, offset: int) -> list[float]:
    """Post `count` comments one after another through the form: milliseconds each."""
    connection = http.client.HTTPConnection("127.0.0.1", poster.port, timeout=30)
    times = []
    try:
        for n in range(count):
            started = time.perf_counter()
            response = poster(connection, 0, offset + n)
            response.read()
            if response.status != 302:
                raise SystemExit(f"a post answered {response.status}")
            times.append(1000 * (time.perf_counter() - started))
    finally:
        connection.close()
    return times


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (uvicorn's workers), in MB."""
    total, pids = 0, [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += int(re.search(r"VmRSS:\s+(\d+)", status)[1])
        pids.extend(int(child) for child in children)
    return total / 1024


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):7.1f} / {percentile(values, 0.99):7.1f} ms"


def settle(article_id: int) -> None:
    """Wait for the worker to have scored every comment posted so far (and their events to
    have gone out), so no phase starts with the last one's work still running beside it."""
    from comments.models import Comment, CommentStatus

    pending = Comment.objects.filter(article_id=article_id, status=CommentStatus.PENDING)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and pending.exists():
        time.sleep(0.1)
    time.sleep(1.0)  # the last events' way to every client


def machine_cpu_seconds() -> float:
    """CPU seconds every core has spent busy since boot (/proc/stat)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


@dataclass
class Phase:
    streams: bool
    pages: list[float]
    posts: list[float]
    others: float  # CPU seconds the machine spent on processes not this benchmark's
    seconds: float


class PhaseClock:
    """Time a phase, and what the rest of the machine took of its CPU meanwhile: the
    benchmark cannot keep other work off the cores, but it can say there was some."""

    def __init__(self, tree_cpu_seconds):
        self.tree_cpu_seconds = tree_cpu_seconds
        self.started = time.monotonic()
        self.cpu = machine_cpu_seconds(), tree_cpu_seconds(os.getpid())

    def phase(self, streams: bool, pages: list[float], posts: list[float]) -> Phase:
        machine = machine_cpu_seconds() - self.cpu[0]
        ours = self.tree_cpu_seconds(os.getpid()) - self.cpu[1]
        seconds = time.monotonic() - self.started
        return Phase(streams, pages, posts, max(0.0, machine - ours), seconds)


@dataclass
class StreamFigures:
    connected: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)
    reads: int = 0
    rss: list[float] = field(default_factory=list)  # MB with the streams open, after events
    cpu_server: float = 0.0
    cpu_clients: float = 0.0
    posting_seconds: float = 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000, help="stream clients")
    parser.add_argument("--posts", type=int, default=25, help="posts timed in each phase")
    parser.add_argument("--pages", type=int, default=200, help="page loads timed in each phase")
    parser.add_argument("--rounds", type=int, default=4, help="phases with streams")
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # children inherit it
    if shutil.which("redis-server") is None:
        raise SystemExit("needs redis-server on PATH (apt-get install redis-server)")

    from bench.peers_load import tree_cpu_seconds
    from bench.peers_parley import parley_env, parley_poster, parley_prepare, posting_article
    from bench.processes import spawn, start_gunicorn, stop_all, wait_until_serving
    from tests.support import CeleryWorker, RedisServer, free_port

    scratch = Path(tempfile.mkdtemp(prefix="parley-live-"))
    env = parley_env(scratch)
    parley_prepare(env, [])
    article = posting_article("live-bench")
    stream_path = f"/comments/live/{article.id}/"
    redis = RedisServer()
    redis.start()
    # One address opens every stream here; a site counts its readers apart.
    env = {**env, "REDIS_URL": redis.url, "PARLEY_LIVE_STREAMS_PER_CLIENT": "1000000"}
    worker = None
    phases: list[Phase] = []
    streams = StreamFigures()
    try:
        _web, web_port = start_gunicorn(env, scratch, "live", article.path)
        worker = CeleryWorker(env, concurrency=2)
        live_port = free_port()
        live = spawn(
            ["nice", "-n", str(LIVE_NICE),
             str(Path(sys.executable).parent / "uvicorn"), "config.asgi:application",
             "--host", "127.0.0.1", "--port", str(live_port), "--workers", "2",
             "--lifespan", "off", "--no-access-log", "--timeout-graceful-shutdown", "5"],
            env=env, log=scratch / "uvicorn.log",
        )  # fmt: skip
        lower_priority(live.pid, LIVE_NICE)
        wait_until_serving(live, live_port, article.path, scratch / "uvicorn.log")
        poster = parley_poster(web_port, article, 1)
        rss_idle = tree_rss_mb(live.pid)

        # Warm both paths up, in both of gunicorn's workers at once (one alone may take every
        # request and leave the other's first post, a second or more, to a timed phase).
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda n: post_times(poster, 10, 10**5 + 100 * n), range(2)))
            list(pool.map(lambda n: page_times(web_port, article.path, 20), range(2)))

        def without_streams() -> None:
            settle(article.id)
            clock = PhaseClock(tree_cpu_seconds)
            pages = page_times(web_port, article.path, args.pages)
            posts = post_times(poster, args.posts, 1000 * len(phases))
            phases.append(clock.phase(False, pages, posts))

        def with_streams() -> None:
            settle(article.id)
            started = time.monotonic()
            clients = StreamClients(live_port, stream_path, args.clients)
            streams.connected.append(
                f"{clients.connection['connected']} of {args.clients} in "
                f"{time.monotonic() - started:.1f} s ({clients.connection['failed']} failed)"
            )
            streams.rss.append(tree_rss_mb(live.pid))
            clock = PhaseClock(tree_cpu_seconds)
            pages = page_times(web_port, article.path, args.pages)
            cpu = tree_cpu_seconds(live.pid), tree_cpu_seconds(clients.process.pid)
            posting_started = time.monotonic()
            posts = post_times(poster, args.posts, 1000 * len(phases))
            streams.posting_seconds += time.monotonic() - posting_started
            streams.cpu_server += tree_cpu_seconds(live.pid) - cpu[0]
            streams.cpu_clients += tree_cpu_seconds(clients.process.pid) - cpu[1]
            phases.append(clock.phase(True, pages, posts))
            settle(article.id)
            streams.rss.append(tree_rss_mb(live.pid))
            result = clients.finish()
            streams.latencies += result["latencies"]
            streams.reads += result["reads"]
            for kind, count in result["kinds"].items():
                streams.kinds[kind] = streams.kinds.get(kind, 0) + count

        # Without, with, without, ...: the database grows and the machine drifts from one
        # phase to the next, so each side is measured before and after the other, and
        # compared pooled.
        without_streams()
        for _ in range(args.rounds):
            with_streams()
            without_streams()
        settle(article.id)
    finally:
        if worker is not None:
            worker.stop()
        stop_all()
        redis.stop()
    report(args, phases, streams, rss_idle, article.id)
    shutil.rmtree(scratch, ignore_errors=True)


def pooled_p50(phases: list[Phase], field_name: str) -> float:
    return statistics.median([value for phase in phases for value in getattr(phase, field_name)])


def report(args, phases: list[Phase], streams: StreamFigures, rss_idle: float, article_id):
    from comments.models import Comment, CommentStatus

    latencies = streams.latencies
    published = Comment.objects.filter(article_id=article_id, status=CommentStatus.PUBLISHED)
    print(
        f"\nLive streams: uvicorn (2 workers, nice {LIVE_NICE} for its whole session, as "
        "deploy/parley-live.service's CPUWeight= ranks it) for the streams, gunicorn (2 "
        "workers, DEBUG=0) for pages and posts, one Celery worker, a private redis-server, "
        "SQLite; "
        f"{args.rounds + 1} phases without streams, {args.rounds} with, in turn."
    )
    print(f"streams connected      {', '.join(streams.connected)}")
    print(f"events read            {len(latencies)} ({streams.kinds}) in {streams.reads} reads; "
          f"{published.count()} comments published on the article")  # fmt: skip
    if latencies:
        print(f"publish → client       p50 {statistics.median(latencies):.0f} ms, "
              f"p99 {percentile(latencies, 0.99):.0f} ms, max {max(latencies):.0f} ms "
              f"(target p99 ≤ {TARGET_P99_MS} ms)")  # fmt: skip
    print(f"stream server memory   {rss_idle:.0f} MB idle, up to {max(streams.rss):.0f} MB with "
          f"the streams open (target ≤ {TARGET_MB} MB)")  # fmt: skip
    print(f"CPU while posting      stream server {streams.cpu_server:.1f} s, the clients "
          f"{streams.cpu_clients:.1f} s, in {streams.posting_seconds:.1f} s "
          f"on {os.cpu_count()} cores")  # fmt: skip
    print(f"\n{'phase':<16}{'page p50 / p99':>22}{'post p50 / p99':>22}   other processes' CPU")
    for phase in phases:
        name = "with streams" if phase.streams else "without"
        print(f"{name:<16}{summary(phase.pages):>22}{summary(phase.posts):>22}   "
              f"{phase.others:.1f} s in {phase.seconds:.1f} s")  # fmt: skip
    print()
    without_phases = [phase for phase in phases if not phase.streams]
    for name, field_name in (("page (GET, cached)", "pages"), ("post (POST → 302)", "posts")):
        without = pooled_p50(without_phases, field_name)
        during = pooled_p50([phase for phase in phases if phase.streams], field_name)
        # The same comparison between the phases without streams alone (1st, 3rd... against
        # 2nd, 4th...): what the machine's own noise makes of a change that is not there.
        control = (
            pooled_p50(without_phases[1::2], field_name)
            / pooled_p50(without_phases[::2], field_name)
            - 1
        )
        print(f"{name:<19} p50 {without:.1f} ms without, {during:.1f} ms with streams: "
              f"{during / without - 1:+.0%} (target within {TARGET_SLOWER:.0%}); control, "
              f"without against without: {control:+.0%}")  # fmt: skip


if __name__ == "__main__":
    main()
