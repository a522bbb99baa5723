"""Benchmark: importing a WordPress export of 100,000 comments, on SQLite and PostgreSQL.

Writes a WXR 1.2 file of made-up posts and comments (1,000 posts, 100,000 comments with
threads nested well past PARLEY_THREAD_DEPTH, every status, some HTML, links and entities,
plus pingbacks that are skipped), then for each database: migrates a scratch database,
runs `manage.py import_wordpress FILE` in a child process and prints comments per second
(the import's own time, and the whole command's), the child's peak RSS, and two second
runs: the same file again (recognised by its checksum, nothing read) and with --force
(every row read and recognised as imported, nothing added). Targets: >= 5,000 comments/s
on PostgreSQL, peak RSS <= 300 MB, a no-op re-run <= 10 % of the first. Then Isso 0.14
imports the same file (`isso import -t wordpress`, its own SQLite) in the same run, for the
ratio against a peer (skip it with --no-isso; Isso lives in a virtualenv of its own, made
once, see bench/peers_isso.py).

    .venv/bin/python -m bench.import                       (both databases)
    .venv/bin/python -m bench.import --comments 20000 --only sqlite

PostgreSQL: a scratch database `parley_bench_import` beside the one DATABASE_URL names
(default postgres://postgres@127.0.0.1:5432/), created and dropped here.
"""

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TARGET_RATE_PG = 5000
TARGET_RSS_MB = 300
TARGET_NOOP_SHARE = 0.10
WORDS = [
    "river", "lantern", "copper", "meadow", "signal", "harbour", "quiet", "orbit", "timber",
    "ledger", "violet", "summit", "garden", "thunder", "pencil", "marble", "canyon", "ribbon",
    "falcon", "velvet", "shadow", "ember", "crystal", "atlas", "compass", "horizon", "willow",
    "beacon", "cinder", "pepper", "saffron", "granite", "cobalt", "because", "which", "never",
]  # fmt: skip
NAMES = ["Ada Brook", "Ben Okafor", "Chloé Martin", "Dmytro Kovalenko", "Eli Shaw",
         "Fatima Noor", "Günter Weiß", "Hana Sato", "Ivo Petrov", "Jun Park", "Олена Шевченко",
         "Leo 🚲"]  # fmt: skip
PINGBACK_IDS = 900_000_000  # far above the comments' ids
STATUSES = ["1"] * 90 + ["0"] * 5 + ["spam"] * 4 + ["trash"]


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _comment_text(rng: random.Random, at: int) -> str:
    kind = at % 10
    text = _words(rng, rng.randint(8, 40)).capitalize() + "."
    if kind == 1:
        text += f' See <a href="https://example.org/notes/{at}">my notes</a> &amp; more.'
    elif kind == 2:
        text += "\n\n" + _words(rng, 12).capitalize() + "! It&#8217;s <strong>true</strong>."
    elif kind == 3:
        text = f"<blockquote>{_words(rng, 6)}</blockquote>\n{text} (agreed)"
    return text


def wxr_write(path: Path, *, posts: int, comments: int, seed: int = 16) -> None:
    """The export file: each post's comments form threads whose replies run deep."""
    rng = random.Random(seed)
    start = datetime(2019, 1, 1, tzinfo=UTC)
    per_post = comments // posts
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            "<title>Bench blog</title><link>https://bench.example.org</link>"
            "<wp:wxr_version>1.2</wp:wxr_version>"
            "<wp:base_site_url>https://bench.example.org</wp:base_site_url>"
            "<wp:base_blog_url>https://bench.example.org</wp:base_blog_url>\n"
            "<wp:author><wp:author_id>1</wp:author_id><wp:author_login>editor</wp:author_login>"
            "<wp:author_email>editor@bench.example.org</wp:author_email>"
            "<wp:author_display_name><![CDATA[The Editor]]></wp:author_display_name>"
            "</wp:author>\n"
        )
        comment_id = 0
        for post in range(1, posts + 1):
            posted = start + timedelta(hours=post * 7)
            slug = f"bench-post-{post}"
            out.write(
                f"<item><title>Bench post {post}</title>"
                f"<link>https://bench.example.org/{posted:%Y/%m}/{slug}/</link>"
                f"<dc:creator><![CDATA[editor]]></dc:creator>"
                f"<content:encoded><![CDATA[{_words(rng, 80)}\n\n{_words(rng, 60)}]]>"
                f"</content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>"
                f"<wp:post_id>{post}</wp:post_id>"
                f"<wp:post_date>{posted:%Y-%m-%d %H:%M:%S}</wp:post_date>"
                f"<wp:post_date_gmt>{posted:%Y-%m-%d %H:%M:%S}</wp:post_date_gmt>"
                f"<wp:comment_status>open</wp:comment_status><wp:post_name>{slug}</wp:post_name>"
                f"<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>\n"
            )
            ids: list[int] = []
            for n in range(per_post):
                comment_id += 1
                # A third start threads; the rest answer a recent comment, so chains run deep.
                parent = 0 if not ids or n % 3 == 0 else ids[-rng.randint(1, min(len(ids), 3))]
                ids.append(comment_id)
                when = posted + timedelta(minutes=5 * (n + 1))
                out.write(
                    "<wp:comment>"
                    f"<wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author><![CDATA[{NAMES[comment_id % len(NAMES)]}]]>"
                    "</wp:comment_author>"
                    f"<wp:comment_author_email>reader{comment_id % 5000}@mail.example"
                    "</wp:comment_author_email>"
                    "<wp:comment_author_url></wp:comment_author_url>"
                    f"<wp:comment_author_IP>198.51.100.{comment_id % 250 + 1}"
                    "</wp:comment_author_IP>"
                    f"<wp:comment_date>{when:%Y-%m-%d %H:%M:%S}</wp:comment_date>"
                    f"<wp:comment_date_gmt>{when:%Y-%m-%d %H:%M:%S}</wp:comment_date_gmt>"
                    f"<wp:comment_content>{escape(_comment_text(rng, comment_id))}"
                    "</wp:comment_content>"
                    f"<wp:comment_approved>{rng.choice(STATUSES)}</wp:comment_approved>"
                    "<wp:comment_type>comment</wp:comment_type>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent>"
                    "<wp:comment_user_id>0</wp:comment_user_id></wp:comment>\n"
                )
            if post % 10 == 0:  # a pingback, with every field WordPress writes
                out.write(
                    f"<wp:comment><wp:comment_id>{PINGBACK_IDS + post}</wp:comment_id>"
                    "<wp:comment_author>Another blog</wp:comment_author>"
                    "<wp:comment_author_email></wp:comment_author_email>"
                    "<wp:comment_author_url>https://other.example/</wp:comment_author_url>"
                    "<wp:comment_author_IP>192.0.2.1</wp:comment_author_IP>"
                    f"<wp:comment_date>{posted:%Y-%m-%d %H:%M:%S}</wp:comment_date>"
                    f"<wp:comment_date_gmt>{posted:%Y-%m-%d %H:%M:%S}</wp:comment_date_gmt>"
                    "<wp:comment_content>A link back</wp:comment_content>"
                    "<wp:comment_approved>1</wp:comment_approved>"
                    "<wp:comment_type>pingback</wp:comment_type>"
                    "<wp:comment_parent>0</wp:comment_parent>"
                    "<wp:comment_user_id>0</wp:comment_user_id></wp:comment>\n"
                )
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")


def _run(env: dict, *args: str) -> tuple[float, float, str]:
    """Run manage.py in a child; (seconds, peak RSS in MB, output)."""
    began = time.perf_counter()
    child = subprocess.Popen(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - began
    if child.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{output}")
    return seconds, usage.ru_maxrss / 1024, output


def _took(output: str) -> float:
    match = re.search(r"Took ([\d.]+) s", output)
    return float(match.group(1)) if match else float("nan")


def bench_database(label: str, env: dict, path: Path, comments: int) -> dict:
    _run(env, "migrate", "--noinput")
    first, rss, output = _run(env, "import_wordpress", str(path), "--no-progress")
    took = _took(output)
    again, _, again_output = _run(env, "import_wordpress", str(path), "--no-progress")
    forced, forced_rss, forced_output = _run(
        env, "import_wordpress", str(path), "--no-progress", "--force"
    )
    added = re.search(r"Comments: (\d+) added", output)
    print(f"\n{label}")
    print("  " + "\n  ".join(output.strip().splitlines()[:8]))
    print(f"  first run: {took:.1f} s importing ({first:.1f} s for the whole command)")
    print(f"    {comments / took:,.0f} comments/s importing, {comments / first:,.0f}/s whole")
    print(f"    peak RSS {rss:.0f} MB")
    print(f"  same file again: {again:.2f} s ({again / first:.1%} of the first) — "
          + again_output.strip().splitlines()[0][:70])  # fmt: skip
    forced_comments = re.search(r"Comments:.*", forced_output).group(0)
    print(f"  same file, --force: {forced:.1f} s ({forced / first:.1%} of the first), "
          f"peak RSS {forced_rss:.0f} MB; {forced_comments}")  # fmt: skip
    if added:
        print(f"  comments stored: {added.group(1)}")
    return {"rate": comments / took, "rss": max(rss, forced_rss), "noop": again / first,
            "forced": forced / first}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=1_000)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--no-isso", action="store_true", help="Leave Isso out.")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="parley-import-") as scratch:
        path = Path(scratch) / "export.xml"
        began = time.perf_counter()
        wxr_write(path, posts=options.posts, comments=options.comments)
        size = path.stat().st_size / 1e6
        print(f"WXR file: {options.comments:,} comments on {options.posts:,} posts, "
              f"{size:.0f} MB, written in {time.perf_counter() - began:.1f} s")  # fmt: skip
        base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        base["PARLEY_CACHE_DIR"] = str(Path(scratch) / "cache")
        results = {}
        if options.only in (None, "sqlite"):
            env = {**base, "SQLITE_PATH": str(Path(scratch) / "bench.sqlite3")}
            results["SQLite"] = bench_database("SQLite", env, path, options.comments)
        if options.only in (None, "postgresql"):
            results["PostgreSQL"] = _postgresql(base, path, options.comments)
        isso = None if options.no_isso else _isso(path, Path(scratch), options.comments)
    print("\nSummary (targets: >= 5,000 comments/s on PostgreSQL, <= 300 MB, no-op <= 10 %)")
    for label, r in results.items():
        print(f"  {label:<10} {r['rate']:>7,.0f} comments/s   peak {r['rss']:.0f} MB   "
              f"no-op re-run {r['noop']:.1%} of the first   "
              f"--force re-run {r['forced']:.1%}")  # fmt: skip
    if isso:
        print(f"  {'Isso 0.14':<10} {isso['rate']:>7,.0f} comments/s   peak {isso['rss']:.0f} MB"
              "   (its own SQLite)")  # fmt: skip
        for label, r in results.items():
            print(f"  Parley on {label} / Isso: {r['rate'] / isso['rate']:.2f} times the "
                  f"comments/s, {r['rss'] / isso['rss']:.2f} times the peak memory")  # fmt: skip


def _isso(path: Path, scratch: Path, comments: int) -> dict | None:
    """Isso's own importer on the same file: comments/s over the whole command, peak RSS."""
    from bench.peers_isso import isso_python

    python, why = isso_python()
    if python is None:
        print(f"\nIsso left out: {why}")
        return None
    config = scratch / "isso.cfg"
    config.write_text(f"[general]\ndbpath = {scratch / 'isso.sqlite3'}\nhost = http://127.0.0.1/\n")
    began = time.perf_counter()
    child = subprocess.Popen(
        [str(python.parent / "isso"), "-c", str(config), "import", "-t", "wordpress", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - began
    if os.waitstatus_to_exitcode(status):
        print(f"\nIsso's import failed:\n{output[-1500:]}")
        return None
    print(f"\nIsso 0.14 (isso import -t wordpress, SQLite)\n  {output.strip()[-300:]}")
    print(f"  {seconds:.1f} s for the whole command, {comments / seconds:,.0f} comments/s, "
          f"peak RSS {usage.ru_maxrss / 1024:.0f} MB")  # fmt: skip
    return {"rate": comments / seconds, "rss": usage.ru_maxrss / 1024}


def _postgresql(base: dict, path: Path, comments: int) -> dict:
    import psycopg

    url = urlsplit(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/")
    admin_url = urlunsplit(url._replace(path="/postgres"))
    scratch = "parley_bench_import"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {scratch}")
        connection.execute(f"CREATE DATABASE {scratch}")
    try:
        env = {**base, "DATABASE_URL": urlunsplit(url._replace(path="/" + scratch))}
        return bench_database("PostgreSQL", env, path, comments)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)")


if __name__ == "__main__":
    main()
