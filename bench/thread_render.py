"""Benchmark: render the article page with N = 100, 1,000 and 10,000 comments.

Prints, per size, the queries and the median / p95 milliseconds of the article page's first
page (in-process through Django's full request stack), then the same for one article's
full, unpaged thread of 1,000 comments. Uses a throwaway SQLite file unless DATABASE_URL
points at a PostgreSQL database made for the purpose (its tables are created afresh).

    .venv/bin/python -m bench.thread_render [--runs 30]
"""

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["SQLITE_PATH"] = str(
        Path(tempfile.mkdtemp(prefix="parley-bench-")) / "bench.sqlite3"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed requests per case")
    parser.add_argument("--sizes", default="100,1000,10000")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.DEBUG = False  # measure production-like rendering
    settings.PARLEY_PAGE_CACHE_SECONDS = 0  # the render itself; the cached row switches it on
    settings.ALLOWED_HOSTS = ["testserver"]
    if connection.vendor == "postgresql":
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)

    from bench.seed import seed_article

    client = Client()
    print(f"database: {connection.vendor}; runs per case: {args.runs}")
    print(f"{'case':<34} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'KiB':>6}")

    def measure(label: str, url: str) -> None:
        client.get(url)  # warm caches and templates
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        query_count = len(queries)  # read now: the next request resets the query log
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            f"{label:<34} {query_count:>7} {statistics.median(times):>10.1f} {p95:>8.1f} "
            f"{len(response.content) / 1024:>6.0f}"
        )

    for size in [int(s) for s in args.sizes.split(",")]:
        started = time.perf_counter()
        article = seed_article(size, slug=f"bench-{size}")
        seeded = time.perf_counter() - started
        measure(f"first page, {size:,} comments", article.get_absolute_url())
        settings.PARLEY_PAGE_CACHE_SECONDS = 60
        measure("  same, from the page cache", article.get_absolute_url())
        settings.PARLEY_PAGE_CACHE_SECONDS = 0
        print(f"{'':<34} (seeded in {seeded:.1f} s)")

    article = seed_article(1000, slug="bench-unpaged-1000", seed=11)
    settings.PARLEY_THREADS_PER_PAGE = 1_000_000
    settings.PARLEY_COMMENTS_PER_PAGE = 1_000_000
    measure("full unpaged thread, 1,000", article.get_absolute_url())


if __name__ == "__main__":
    main()
