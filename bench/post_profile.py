"""Benchmark: what one guest post costs inside Django, queries and milliseconds.

Posts guest comments through the real "Leave a Reply" form with Django's test client,
in-process on a fresh SQLite database, and prints per post: queries (split by kind), wall
and CPU milliseconds, for scoring inline (the embedded default) and, when --redis is given,
with the scorer queued to a Celery broker (the web side only). Then the landing page the
poster is sent to: its queries and milliseconds.

The posts are bench/peers.py's: its texts (one to three paragraphs with an emphasised word)
on an article seeded with 20 published comments, every second post a reply to one of them,
so the threads grow as they do there and the figures here break down the ones it prints.

    .venv/bin/python -m bench.post_profile [--posts 200] [--redis redis://127.0.0.1:6379/11]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
FORM_TYPE = "application/x-www-form-urlencoded"
TARGET_QUERIES = 12
# What --parts times, as module:function. Each is timed where its caller looks it up, so a
# part inside another (the scorer inside the submit) is counted in both.
PARTS = (
    "comments.views:article_posted_to", "comments.views:CommentForm", "comments.views:rate_limited",
    "comments.views:_submit", "comments.services.posting:comment_screen",
    "comments.services.posting:comment_text_fields",
    "comments.services.posting:comment_reply_place",
    "comments.services.posting:comment_root_place", "comments.services.posting:_copies_of",
    "comments.services.posting:comment_insert",
    "comments.services.posting:comment_judge_prepare", "comments.services.posting:comment_judge",
    "moderation.services.scoring:_verdict", "moderation.services.scoring:comment_status_move",
    "moderation.services.transitions:_threads_count",
    "moderation.services.transitions:verdicts_record",
    "moderation.services.transitions:events_record",
    "moderation.services.transitions:effects_schedule",
    "moderation.services.transition_effects:page_refresh",
    "comments.views:comment_posted", "comments.views_answers:comment_url",
)  # fmt: skip


class _PartTimer:
    """CPU seconds per part (thread time, so nothing else running is counted), from plain
    wrappers: cProfile's own cost is many times the ORM's and skews what it shows."""

    def __init__(self, parts):
        import importlib
        from collections import defaultdict

        self.seconds = defaultdict(float)
        self.on = False
        for spec in parts:
            module_name, name = spec.rsplit(":", 1)
            module = importlib.import_module(module_name)
            setattr(module, name, self._wrapped(spec, getattr(module, name)))

    def _wrapped(self, spec, function):
        def timed(*args, **kwargs):
            if not self.on:
                return function(*args, **kwargs)
            started = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[spec] += time.thread_time() - started

        return timed

    def report(self, posts: int, total_ms: float) -> None:
        print(f"  CPU per post by part (thread time, {total_ms:.2f} ms in all):")
        for spec, seconds in sorted(self.seconds.items(), key=lambda item: -item[1]):
            print(f"    {spec:52} {seconds / posts * 1000:6.2f} ms")


def _child(posts: int) -> None:
    import cProfile
    import pstats

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.peers_load import comment_text, reply_parent
    from bench.peers_parley import PARENTS
    from bench.seed import scripted_posters_allowed, seed_article
    from comments.models import Comment
    from tests.support import form_fields

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    scripted_posters_allowed()  # as bench.peers's posters are
    article = seed_article(PARENTS, slug="posting-profile", seed=29)
    parents = list(Comment.objects.filter(article=article).values_list("pk", flat=True))
    client = Client()
    page = client.get(article.get_absolute_url())
    fields = form_fields(page.content.decode())
    kinds: Counter = Counter()
    counts, walls, cpus, landing_counts, landing_walls = [], [], [], [], []
    profile = os.environ.get("BENCH_PROFILE")
    profiler = cProfile.Profile() if profile == "post" else None
    landing_profiler = cProfile.Profile() if profile == "landing" else None
    parts = _PartTimer(PARTS) if profile == "parts" else None
    for index in range(posts):
        data = {
            **fields,
            "name": f"Reader {index % 40}",
            "email": f"reader{index % 40}@example.org" if index % 2 == 0 else "",
            "url": "",
            "comment": comment_text(0, index),
            "reply_to": str(reply_parent(parents, index) or 0),
        }
        client.cookies.clear()
        with CaptureQueriesContext(connection) as queries:
            if profiler and index >= 10:
                profiler.enable()
            if parts:
                parts.on = index >= 10
            wall, cpu = time.perf_counter(), time.process_time()
            # Urlencoded, as browsers send the form (the test client's default is multipart).
            response = client.post("/comments/post/", urlencode(data), content_type=FORM_TYPE)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if parts:
                parts.on = False
            if profiler:
                profiler.disable()
        if response.status_code != 302:
            raise SystemExit(f"post {index} answered {response.status_code}")
        landing = response["Location"]
        counts.append(len(queries))
        last_queries = queries.captured_queries
        walls.append(wall * 1000)
        cpus.append(cpu * 1000)
        if index >= 10:
            for query in queries.captured_queries:
                kinds[query["sql"].split(None, 1)[0].upper()] += 1
        with CaptureQueriesContext(connection) as queries:
            if landing_profiler and index >= 10:
                landing_profiler.enable()
            wall = time.perf_counter()
            client.get(landing)
            if landing_profiler:
                landing_profiler.disable()
            landing_walls.append((time.perf_counter() - wall) * 1000)
        landing_counts.append(len(queries))
    if os.environ.get("BENCH_SHOW_QUERIES"):
        for query in last_queries:
            print("   ", query["sql"][:230])
    profiler = profiler or landing_profiler
    if profiler:
        stats = pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT") or "cumulative")
        stats.print_stats(int(os.environ.get("BENCH_LINES") or 60))
        if os.environ.get("BENCH_CALLEES"):
            stats.print_callees(os.environ["BENCH_CALLEES"])
        if os.environ.get("BENCH_CALLERS"):
            stats.print_callers(os.environ["BENCH_CALLERS"])
    steady = slice(10, None)
    n = len(counts[steady])
    if parts:
        parts.report(n, statistics.mean(cpus[steady]))
    print(f"  posts measured: {n} (after 10 warm-up)")
    print(
        f"  queries per post: {statistics.mean(counts[steady]):.1f} "
        f"(target about {TARGET_QUERIES}); by kind: "
        + ", ".join(f"{kind} {count / n:.1f}" for kind, count in kinds.most_common())
    )
    print(
        f"  per post: {statistics.median(walls[steady]):.2f} ms wall (median), "
        f"{statistics.mean(cpus[steady]):.2f} ms CPU (mean), "
        f"{statistics.median(cpus[steady]):.2f} ms CPU (median)"
    )
    print(
        f"  landing page: {statistics.mean(landing_counts[steady]):.1f} queries, "
        f"{statistics.median(landing_walls[steady]):.2f} ms wall (median)"
    )


def _run(label: str, env: dict, posts: int) -> None:
    print(label)
    subprocess.run(
        [sys.executable, "-m", "bench.post_profile", "--child", "--posts", str(posts)],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--redis", default="", help="a Redis URL for the queued run")
    parser.add_argument(
        "--profile",
        choices=["post", "landing", "parts"],
        help="print a cProfile of the posts or of the landing pages, or the posts' CPU by part",
    )
    parser.add_argument("--queries", action="store_true", help="print the last post's SQL")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.posts)
        return
    # The profile's options (BENCH_SORT, BENCH_LINES, BENCH_CALLEES, BENCH_CALLERS) pass through.
    keep = {"PATH", "HOME", "LANG", "TMPDIR"}
    base = {
        key: value for key, value in os.environ.items() if key in keep or key.startswith("BENCH_")
    }
    base |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PARLEY_RATE_COMMENT_GUEST": "1000000/60",
        "PARLEY_PAGE_CACHE_SECONDS": "60",
        "LOG_LEVEL": "WARNING",
        "BENCH_PROFILE": args.profile or "",
        "BENCH_SHOW_QUERIES": "1" if args.queries else "",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    }
    with tempfile.TemporaryDirectory() as tmp:
        env = base | {"SQLITE_PATH": f"{tmp}/inline.sqlite3", "PARLEY_CACHE_DIR": f"{tmp}/c1"}
        _run("Scoring inline (embedded default):", env, args.posts)
        if args.redis:
            env = base | {
                "SQLITE_PATH": f"{tmp}/queued.sqlite3",
                "REDIS_URL": args.redis,
                "REDIS_CACHE_DB": "11",
                "REDIS_BROKER_DB": "12",
            }
            _run("Scoring queued (web side only; nothing consumes the queue):", env, args.posts)


if __name__ == "__main__":
    main()
