"""Benchmark: the cached anonymous article page alone, as bench.peers measures it, in a minute.

Parley under gunicorn (2 sync workers, DEBUG=0, SQLite and the embedded file cache, as
bench.peers_parley starts it) serves a 1,000-comment article's shared page; then gunicorn
serves the same bytes and headers from a bare WSGI app, and nginx serves them as a file. Each
is loaded by wrk with `Connection: close` for --seconds, taking turns --rounds times, and each
round prints requests per second, Parley's CPU per hit and the two ratios bench.peers' target
reads (Parley ÷ nginx, and ÷ bare gunicorn, the server's own ceiling).

    .venv/bin/python -m bench.cached_page [--rounds 3] [--seconds 5]
"""

import argparse
import os
import tempfile
from pathlib import Path

from bench.http_client import fetch, page_getter
from bench.peers_load import NGINX, bare_gunicorn_serving, hammer, nginx_serving, warm
from bench.peers_parley import CLOSE, parley_env, parley_prepare
from bench.processes import start_gunicorn, stop

THREAD_SIZE = 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5)
    options = parser.parse_args()
    if not os.access(NGINX, os.X_OK):
        raise SystemExit("nginx is needed: apt-get update && apt-get install -y nginx-light")
    with tempfile.TemporaryDirectory(prefix="parley-cached-page-") as scratch:
        logs = Path(scratch)
        env = parley_env(logs)
        path = parley_prepare(env, [THREAD_SIZE])[THREAD_SIZE]["path"]
        web, port = start_gunicorn(env, logs, "cached-page", path)
        try:
            warm(page_getter(port, path), clients=1)
            status, page, headers = fetch(port, path)
            if status != 200 or headers.get("X-Parley-Cache") != "hit":
                raise SystemExit(f"the page was not served from the cache (HTTP {status})")
            print(f"cached page of {len(page) // 1024} KiB, wrk with Connection: close")
            for round_number in range(1, options.rounds + 1):
                parley = hammer(port, path, seconds=options.seconds, headers=CLOSE, pid=web.pid)
                with bare_gunicorn_serving(page, headers.items(), logs) as (bare_port, bare_path):
                    bare = hammer(bare_port, bare_path, seconds=options.seconds, headers=CLOSE)
                with nginx_serving(page, logs) as (nginx_port, nginx_path):
                    nginx = hammer(nginx_port, nginx_path, seconds=options.seconds, headers=CLOSE)
                print(
                    f"round {round_number}: Parley {parley.per_second:,.0f} req/s "
                    f"({parley.cpu_ms:.3f} ms CPU a hit), bare gunicorn {bare.per_second:,.0f}, "
                    f"nginx {nginx.per_second:,.0f}; Parley ÷ nginx "
                    f"{parley.per_second / nginx.per_second:.0%} (target ≥ 35 %), "
                    f"÷ bare gunicorn {parley.per_second / bare.per_second:.0%}",
                    flush=True,
                )
        finally:
            stop(web)


if __name__ == "__main__":
    main()
