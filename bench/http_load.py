"""Benchmark: the article page under gunicorn on SQLite and PostgreSQL, beside a static ceiling.

For each database (PostgreSQL only when one answers) it seeds articles with 100, 1,000 and
10,000 comments, counts the queries of each article's first page in-process, then starts
gunicorn (2 workers, DEBUG=0) twice, with PARLEY_PAGE_CACHE_SECONDS=0 and =60, and loads
each first page over HTTP from a few keep-alive client threads: median and p99 latency and
requests per second, uncached and cached. It also posts replies through the real form from 4
clients and counts comments posted per second. Last, nginx serves the cached 10,000-comment
page's exact bytes as a file: the static ceiling the cached page is compared with.

PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/parley_bench; the
database is created if missing and its tables are emptied). Page-cache runs use a
local-memory cache unless BENCH_REDIS_URL is set (its logical database 13 is emptied). The
static ceiling needs Debian's nginx (`apt-get install -y nginx`). Static files are collected
into the project's git-ignored `staticfiles/`.

    .venv/bin/python -m bench.http_load [--sizes 100,1000,10000] [--seconds 5] \
        [--concurrency 8] [--databases sqlite,postgresql]
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from bench.http_client import WARMUP_SECONDS, Load, comment_poster, fetch, page_getter, run_load
from bench.processes import (
    ROOT,
    base_env,
    spawn,
    start_gunicorn,
    stop,
    stop_all,
    tail,
    wait_until_serving,
)
from tests.support import free_port

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/parley_bench"
NGINX = "/usr/sbin/nginx"
POSTING_CLIENTS = 4
POSTING_SLUG = "bench-posting"
REDIS_CACHE_DB, REDIS_BROKER_DB = 13, 14
MAX_QUERIES = 10
MIN_SHARE_OF_STATIC = 0.20
MAX_SLOWDOWN = 0.20


# ---------------------------------------------------------------------------
# Preparing a database (runs in a child process: Django is set up once per process)
# ---------------------------------------------------------------------------
def prepare(sizes: list[int]) -> None:
    """Empty the tables, seed the articles, count each first page's queries; print JSON."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.seed import scripted_posters_allowed, seed_article
    from comments.models import Comment

    if connection.vendor == "postgresql":
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    scripted_posters_allowed()

    client = Client(HTTP_HOST="127.0.0.1")
    pages = {}
    for size in sizes:
        started = time.perf_counter()
        article = seed_article(size, slug=f"bench-{size}")
        seeded = time.perf_counter() - started
        url = article.get_absolute_url()
        client.get(url)  # warm templates and per-process caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        pages[size] = {
            "path": url,
            "queries": len(queries),
            "bytes": len(response.content),
            "seeded_seconds": seeded,
        }
    posting = seed_article(100, slug=POSTING_SLUG, seed=13)
    reply_ids = list(Comment.objects.filter(article=posting).values_list("pk", flat=True))
    print(json.dumps({
        "vendor": connection.vendor,
        "pages": pages,
        "posting": {"path": posting.get_absolute_url(), "reply_ids": reply_ids},
    }))  # fmt: skip


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------
@dataclass
class DatabaseResult:
    name: str
    pages: dict[int, dict]
    uncached: dict[int, Load] = field(default_factory=dict)
    cached: dict[int, Load] = field(default_factory=dict)
    posting: Load | None = None


def postgres_ready(url: str) -> str:
    """Create the benchmark database if missing; return why PostgreSQL is unusable, or ""."""
    try:
        import psycopg
        from psycopg import sql
    except ImportError:
        return "psycopg is not installed"
    try:
        psycopg.connect(url, connect_timeout=3).close()
        return ""
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            return str(error).strip().splitlines()[0]
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    try:
        admin_url = parts._replace(path="/postgres").geturl()
        with psycopg.connect(admin_url, connect_timeout=3, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return ""
    except psycopg.Error as error:
        return f"could not create database {name!r}: {str(error).strip().splitlines()[0]}"


def without_password(url: str) -> str:
    return re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", url)


def flush_redis_cache(url: str) -> None:
    import redis

    redis.Redis.from_url(f"{url.rstrip('/')}/{REDIS_CACHE_DB}").flushdb()


def prepare_run(name: str, env: dict, sizes: str, logs: Path) -> dict:
    """Seed `env`'s database in a child process (prepare) and return what it printed."""
    log = logs / f"prepare-{name}.log"
    # As a module, so that the child imports bench.* from the project's root as this does.
    done = subprocess.run(
        [sys.executable, "-m", "bench.http_load", "--prepare", "--sizes", sizes],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, start_new_session=True,
    )  # fmt: skip
    log.write_text(done.stdout + done.stderr)
    if done.returncode != 0:
        raise SystemExit(f"preparing {name} failed:\n{tail(log)}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_database(
    name: str, env: dict, args: argparse.Namespace, logs: Path, page_store: dict
) -> DatabaseResult:
    started = time.monotonic()
    prepared = prepare_run(name, env, args.sizes, logs)
    print(f"{name}: seeded and counted queries in {time.monotonic() - started:.1f} s", flush=True)
    result = DatabaseResult(name=name, pages={int(k): v for k, v in prepared["pages"].items()})
    sizes = sorted(result.pages)
    posting_path = prepared["posting"]["path"]

    redis_url = os.environ.get("BENCH_REDIS_URL", "").strip()
    page_env = dict(env)
    if redis_url:
        page_env.update(
            REDIS_URL=redis_url,
            REDIS_CACHE_DB=str(REDIS_CACHE_DB),
            REDIS_BROKER_DB=str(REDIS_BROKER_DB),
        )

    def measure_pages(cache_seconds: int, into: dict[int, Load]) -> None:
        if redis_url:
            flush_redis_cache(redis_url)  # no page cached by an earlier run or database
        run_env = {**page_env, "PARLEY_PAGE_CACHE_SECONDS": str(cache_seconds)}
        label = f"{name}-cache{cache_seconds}"
        server, port = start_gunicorn(run_env, logs, label, result.pages[sizes[0]]["path"])
        try:
            for size in sizes:
                path = result.pages[size]["path"]
                into[size] = run_load(
                    concurrency=args.concurrency,
                    seconds=args.seconds,
                    make_request=page_getter(port, path),
                    expected=200,
                    name=label,
                )
                print(
                    f"  {label}: {size:,} comments, {into[size].per_second:.0f} req/s", flush=True
                )
            if cache_seconds and sizes[-1] not in page_store:
                status, body, _ = fetch(port, result.pages[sizes[-1]]["path"])
                if status == 200:
                    page_store[sizes[-1]] = body
            if not cache_seconds and not redis_url:
                post(port)
        finally:
            stop(server)

    def post(port: int) -> None:
        result.posting = run_load(
            concurrency=POSTING_CLIENTS,
            seconds=args.seconds,
            make_request=comment_poster(
                port, posting_path, prepared["posting"]["reply_ids"], POSTING_CLIENTS
            ),
            expected=302,
            name=f"{name}-post",
        )
        print(f"  {name}: posting, {result.posting.per_second:.1f} comments/s", flush=True)

    measure_pages(0, result.uncached)
    if redis_url:
        # Without REDIS_URL tasks run inline; with it they would wait for a worker.
        server, port = start_gunicorn(env, logs, f"{name}-posting", posting_path)
        try:
            post(port)
        finally:
            stop(server)
    measure_pages(60, result.cached)
    return result


def static_ceiling(page: bytes, args: argparse.Namespace, logs: Path) -> Load:
    """Serve `page` from nginx as a plain file and load it like the gunicorn pages."""
    with tempfile.TemporaryDirectory(prefix="parley-nginx-") as scratch:
        base = Path(scratch)
        (base / "root").mkdir()
        (base / "root" / "article.html").write_bytes(page)
        # Run as root, nginx's workers drop to `nobody`, who must be able to read the file.
        for path in (base, base / "root"):
            path.chmod(0o755)
        (base / "root" / "article.html").chmod(0o644)
        port = free_port()
        temps = "\n".join(
            f"    {kind}_temp_path {base}/{kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (base / "nginx.conf").write_text(
            f"worker_processes 2;\ndaemon off;\npid {base}/nginx.pid;\n"
            f"error_log {base}/error.log warn;\nevents {{}}\n"
            f"http {{\n    access_log off;\n{temps}\n"
            f"    types {{ text/html html; }}\n"
            f"    server {{ listen 127.0.0.1:{port}; root {base}/root; }}\n}}\n"
        )
        log = logs / "nginx.log"
        nginx = spawn(
            [NGINX, "-p", str(base), "-c", str(base / "nginx.conf"), "-e", str(base / "error.log")],
            env=dict(os.environ), log=log,
        )  # fmt: skip
        try:
            wait_until_serving(nginx, port, "/article.html", log)
            return run_load(
                concurrency=args.concurrency,
                seconds=args.seconds,
                make_request=page_getter(port, "/article.html"),
                expected=200,
                name="nginx",
            )
        finally:
            stop(nginx)


def report(
    results: list[DatabaseResult], ceiling: Load | None, ceiling_note: str, args, runtime: float
) -> None:
    """Print the table, the posting rates, the static ceiling and the targets."""
    head = (
        f"{'db':<10} {'comments':>8} {'queries':>7} {'KiB':>5} │ {'median':>7} {'p99':>7} "
        f"{'req/s':>6} │ {'median':>7} {'p99':>7} {'req/s':>6} {'% static':>8}"
    )
    width = len(head)
    print()
    print(
        f"Article first page under gunicorn (2 workers, DEBUG=0); {args.concurrency} keep-alive "
        f"clients, {WARMUP_SECONDS:g} s warm-up + {args.seconds:g} s per case; latencies in ms"
    )
    print(f"{'':<33} │ {'uncached':^22} │ {'cached (page cache 60 s)':^31}".rstrip())
    print(head)
    print("─" * width)
    for result in results:
        for size in sorted(result.pages):
            page, plain, cached = result.pages[size], result.uncached[size], result.cached[size]
            share = f"{100 * cached.per_second / ceiling.per_second:>7.1f}%" if ceiling else "n/a"
            print(
                f"{result.name:<10} {size:>8,} {page['queries']:>7} {page['bytes'] / 1024:>5.0f} │ "
                f"{plain.median_ms:>7.1f} {plain.p99_ms:>7.1f} {plain.per_second:>6.0f} │ "
                f"{cached.median_ms:>7.1f} {cached.p99_ms:>7.1f} {cached.per_second:>6.0f} "
                f"{share:>8}"
            )
            for label, load in (("uncached", plain), ("cached", cached)):
                if load.unexpected(200):
                    print(f"{'':<10} {'':>8} ! {label} answers other than 200: "
                          f"{load.unexpected(200)}")  # fmt: skip
    print("─" * width)
    for result in results:
        posting = result.posting
        if posting is None:
            continue
        others = posting.unexpected(302)
        print(
            f"posting  {result.name:<10} {posting.per_second:>6.1f} comments/s "
            f"({POSTING_CLIENTS} clients replying through the form; POST median "
            f"{posting.median_ms:.0f} ms, p99 {posting.p99_ms:.0f} ms"
            + (f"; not 302: {others}" if others else "")
            + ")"
        )
    if ceiling:
        print(
            f"static   nginx      {ceiling.per_second:>6.0f} req/s, median "
            f"{ceiling.median_ms:.1f} ms, p99 {ceiling.p99_ms:.1f} ms ({ceiling_note})"
            + (f"; not 200: {ceiling.unexpected(200)}" if ceiling.unexpected(200) else "")
        )
    else:
        print(f"static   skipped: {ceiling_note}")

    def target(name: str, database: str, figures: str, ok: bool | None) -> None:
        verdict = "n/a" if ok is None else ("met" if ok else "NOT MET")
        print(f"  {name:<38} {database:<10} {figures}: {verdict}")

    sizes = sorted(results[0].pages)
    small, large = sizes[0], sizes[-1]
    print()
    print("Targets")
    for result in results:
        counts = [result.pages[size]["queries"] for size in sizes]
        target(
            f"≤ {MAX_QUERIES} queries per page at any size",
            result.name,
            ", ".join(map(str, counts)),
            max(counts) <= MAX_QUERIES,
        )
    for result in results:
        shares = (
            [result.cached[size].per_second / ceiling.per_second for size in sizes]
            if ceiling
            else []
        )
        target(
            f"cached ≥ {MIN_SHARE_OF_STATIC:.0%} of the static ceiling",
            result.name,
            ", ".join(f"{share:.1%}" for share in shares) or "no ceiling",
            min(shares) >= MIN_SHARE_OF_STATIC if shares else None,
        )
    for result in results:
        for label, loads in (("uncached", result.uncached), ("cached", result.cached)):
            ratio = loads[large].median_ms / loads[small].median_ms
            target(
                f"{large:,} within {MAX_SLOWDOWN:.0%} of {small:,} (median)",
                result.name,
                f"{label} {loads[large].median_ms:.1f} vs {loads[small].median_ms:.1f} ms "
                f"({ratio - 1:+.0%})",
                None if small == large else ratio <= 1 + MAX_SLOWDOWN,
            )
    print(f"\nruntime {runtime:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="comments per article")
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per case")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads for pages")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = sorted({int(size) for size in args.sizes.split(",")})
    if args.prepare:
        prepare(sizes)
        return

    started = time.monotonic()
    # A SIGTERM (or Ctrl-C) still runs the `finally` that stops every child.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    env = base_env()
    logs = Path(tempfile.mkdtemp(prefix="parley-http-load-"))
    results: list[DatabaseResult] = []
    page_store: dict[int, bytes] = {}
    ceiling, ceiling_note = None, ""
    try:
        collected = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT, env={**env, "SQLITE_PATH": str(logs / "unused.sqlite3")},
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        if collected.returncode != 0:
            raise SystemExit(f"collectstatic failed:\n{collected.stderr[-2000:]}")
        for database in [d.strip() for d in args.databases.split(",") if d.strip()]:
            if database == "sqlite":
                db_env = {**env, "SQLITE_PATH": str(logs / "bench.sqlite3")}
            elif database == "postgresql":
                url = os.environ.get("BENCH_DATABASE_URL", "").strip() or DEFAULT_POSTGRES_URL
                problem = postgres_ready(url)
                if problem:
                    print(f"postgresql: skipped, {without_password(url)} did not answer: {problem}")
                    continue
                db_env = {**env, "DATABASE_URL": url}
            else:
                raise SystemExit(f"unknown database {database!r} (sqlite or postgresql)")
            # A file cache of each run's own: on the site's default one, the benchmark's rules
            # (no wait before posting) would be what `make run` read for the next hour.
            db_env["PARLEY_CACHE_DIR"] = str(logs / f"cache-{database}")
            results.append(bench_database(database, db_env, args, logs, page_store))

        if not results:
            raise SystemExit("no database to measure")
        page = page_store.get(sizes[-1])
        if not os.access(NGINX, os.X_OK):
            ceiling_note = f"{NGINX} is missing; install it with `apt-get install -y nginx`"
        elif page is None:
            ceiling_note = "the cached page could not be fetched"
        else:
            ceiling = static_ceiling(page, args, logs)
            ceiling_note = (
                f"the cached {sizes[-1]:,}-comment page, {len(page) / 1024:.0f} KiB, as a file; "
                "2 workers"
            )
    finally:
        stop_all()
    report(results, ceiling, ceiling_note, args, time.monotonic() - started)
    shutil.rmtree(logs, ignore_errors=True)


if __name__ == "__main__":
    main()
