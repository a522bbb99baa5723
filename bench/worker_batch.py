"""Benchmark: how fast one process scores a backlog of pending comments, in-process.

Posts guest comments (every second one a reply to one of the article's published comments)
through comment_submit with scoring queued, on a fresh SQLite database, without sending any
scoring message; then times moderation.services.backlog.comments_score_backlog over them, as
a worker's run does when the queue is deep: comments scored per second, wall and CPU
milliseconds and queries per comment. With --redis the cache, the live stream and the broker
are that Redis (as a production worker's are); otherwise the embedded defaults.

    .venv/bin/python -m bench.worker_batch [--comments 400] [--rounds 3] [--profile]
        [--redis redis://127.0.0.1:6390/11]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _child(comments: int, rounds: int) -> None:
    import cProfile
    import pstats

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    from bench.peers_load import comment_text, reply_parent
    from bench.seed import scripted_posters_allowed, seed_article
    from comments.models import Comment, CommentStatus
    from comments.services import Poster, comment_submit
    from comments.signals import comment_submitted
    from moderation.services import backlog
    from moderation.services.backlog import comments_score_backlog

    if os.environ.get("BENCH_BATCH"):  # to try another batch size than the worker's
        backlog.BATCH = int(os.environ["BENCH_BATCH"])
    call_command("migrate", verbosity=0)
    scripted_posters_allowed()
    article = seed_article(20, slug="worker-batch", seed=29)
    parents = list(Comment.objects.filter(article=article).values_list("pk", flat=True))
    # The comments wait as if their messages were still queued: none is sent.
    comment_submitted.disconnect(dispatch_uid="moderation.score")
    profile = os.environ.get("BENCH_PROFILE")
    profiler = cProfile.Profile() if profile else None
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    batch = backlog.comments_score_batch

    def batch_timed(**kwargs):
        try:
            return batch(**kwargs)
        finally:
            done_at[:] = [time.perf_counter(), time.process_time()]

    backlog.comments_score_batch = batch_timed
    done_at = [0.0, 0.0]
    n = 0
    for round_ in range(rounds):
        with override_settings(PARLEY_COMMENT_JUDGE=""):
            for _ in range(comments):
                comment_submit(
                    article=article,
                    poster=Poster(name=f"Reader {n % 8}", browser_key=f"browser-{n}"),
                    text=comment_text(n % 8, n),
                    reply_to=reply_parent(parents, n) or 0,
                    ip_address=f"192.0.2.{n % 200 + 1}",
                )
                n += 1
        waiting = Comment.objects.filter(status=CommentStatus.PENDING).count()
        queries.clear()
        with connection.execute_wrapper(count):
            if profiler and round_ == rounds - 1:
                profiler.enable()
            wall, cpu = time.perf_counter(), time.process_time()
            done_at = [wall, cpu]
            scored = comments_score_backlog(linger=0)
            # Up to the last batch: a run's wait for more (until its mark has expired) is
            # not work.
            wall, cpu = done_at[0] - wall, done_at[1] - cpu
            if profiler:
                profiler.disable()
        left = Comment.objects.filter(status=CommentStatus.PENDING).count()
        print(
            f"  round {round_ + 1}: {scored} of {waiting} scored ({left} left) in {wall:.2f} s: "
            f"{scored / wall:.0f} comments/s, {1000 * wall / scored:.2f} ms wall, "
            f"{1000 * cpu / scored:.2f} ms CPU, {len(queries) / scored:.2f} queries per comment",
            flush=True,
        )
    if profiler:
        stats = pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT") or "cumulative")
        stats.print_stats(int(os.environ.get("BENCH_LINES") or 50))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=400, help="pending comments per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--redis", default="", help="a Redis URL (its db serves every use)")
    parser.add_argument("--profile", action="store_true", help="cProfile the last round")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.comments, args.rounds)
        return
    keep = {"PATH", "HOME", "LANG", "TMPDIR"}
    env = {key: value for key, value in os.environ.items() if key in keep or "BENCH_" in key}
    with tempfile.TemporaryDirectory() as tmp:
        env |= {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SQLITE_PATH": f"{tmp}/db.sqlite3",
            "PARLEY_CACHE_DIR": f"{tmp}/cache",
            "PARLEY_RATE_COMMENT_GUEST": "1000000/60",
            "LOG_LEVEL": "WARNING",
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-" + "x" * 50,
            "BENCH_PROFILE": "1" if args.profile else "",
        }
        if args.redis:
            url, _, db = args.redis.rpartition("/")
            env |= {
                "REDIS_URL": url,
                **{name: db for name in ("REDIS_CACHE_DB", "REDIS_LIVE_DB", "REDIS_BROKER_DB")},
            }
        command = [sys.executable, "-m", "bench.worker_batch", "--child"]
        command += ["--comments", str(args.comments), "--rounds", str(args.rounds)]
        subprocess.run(command, cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
