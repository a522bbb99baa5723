"""Benchmark: faults against the whole stack, as production runs it.

gunicorn (2 workers), one Celery worker, PostgreSQL and Redis, each of its own (a database
and a redis-server made for the run and removed after). Readers post through the real form
from four clients, in three phases: before the fault, during it, after it. The table says
what became of every post: stored, lost (answered as posted, not stored), stored behind an
error (answered as not posted, but stored), honest "not posted" answers, 500s, and post and
page latency.

    .venv/bin/python -m bench.faults [--posts 60]
"""

import argparse
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=60, help="posts per fault")
    args = parser.parse_args()

    import django

    django.setup()
    from tests.faults import Stack, faults, postgres_answers

    if not postgres_answers():
        raise SystemExit("No PostgreSQL server answers (PARLEY_FAULTS_POSTGRES).")
    stack = Stack()
    try:
        rows = [
            stack.run(name, begin, end, posts=args.posts).row()
            for name, (begin, end) in faults(stack).items()
        ]
    finally:
        stack.close()
    columns = list(rows[0])
    print("gunicorn 2 workers, 1 Celery worker (2 processes), PostgreSQL, Redis; 4 clients")
    print(" | ".join(columns))
    print(" | ".join("---" for _ in columns))
    for row in rows:
        print(" | ".join(f"{value:.0f}" if isinstance(value, float) else str(value)
                         for value in row.values()))  # fmt: skip


if __name__ == "__main__":
    main()
