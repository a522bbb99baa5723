"""Benchmark: the cached anonymous article page alone, as bench.peers measures it, in a minute.

Parley under gunicorn (2 sync workers, DEBUG=0, SQLite and the embedded file cache, as
bench.peers_parley starts it) serves a 1,000-comment article's shared page; then gunicorn
serves the same bytes and headers from a bare WSGI app, and nginx serves them as a file. Each
is loaded by wrk with `Connection: close` for --seconds, taking turns --rounds times, and each
round prints requests per second, Parley's CPU per hit and the two ratios bench.peers' target
reads (Parley ÷ nginx, and ÷ bare gunicorn, the server's own ceiling), then a 304's CPU. The
measuring is bench.peers' own (peers_parley.cached_page_measure).

    .venv/bin/python -m bench.cached_page [--rounds 3] [--seconds 5]
"""

import argparse
import os
import tempfile
from pathlib import Path

from bench.peers_load import NGINX
from bench.peers_parley import ParleyFigures, cached_page_measure, parley_env, parley_prepare
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
        page = parley_prepare(env, [THREAD_SIZE])[THREAD_SIZE]
        web, port = start_gunicorn(env, logs, "cached-page", page["path"])
        try:
            for round_number in range(1, options.rounds + 1):
                figures = ParleyFigures(THREAD_SIZE, {THREAD_SIZE: page["queries"]})
                cached_page_measure(figures, options, web.pid, port, page["path"], logs)
                parley, bare, nginx = figures.cached, figures.bare, figures.nginx
                print(
                    f"round {round_number}, a {figures.page_bytes // 1024} KiB page: Parley "
                    f"{parley.per_second:,.0f} req/s ({parley.cpu_ms:.3f} ms CPU a hit), bare "
                    f"gunicorn {bare.per_second:,.0f}, nginx {nginx.per_second:,.0f}; Parley ÷ "
                    f"nginx {parley.per_second / nginx.per_second:.0%} (target ≥ 35 %), ÷ bare "
                    f"gunicorn {parley.per_second / bare.per_second:.0%}; a 304 "
                    f"{_not_modified(figures)}",
                    flush=True,
                )
        finally:
            stop(web)


def _not_modified(figures: ParleyFigures) -> str:
    if figures.not_modified is None:
        return figures.not_modified_note
    floor = figures.bare_not_modified
    return f"{figures.not_modified.cpu_ms:.3f} ms CPU (target ≤ 0.3 ms)" + (
        f", the same 304 from bare gunicorn {floor.cpu_ms:.3f}" if floor else ""
    )


if __name__ == "__main__":
    main()
