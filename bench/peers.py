"""Benchmark: Parley beside Isso 0.14, in one run on this machine, with the same client.

Both run under gunicorn with 2 sync workers on SQLite at 127.0.0.1; guests post the same
texts (every second one a reply), Parley through its real "Leave a Reply" form (signed
fields, CSRF cookie; the 302 not followed), Isso as its embed does (JSON to /new). Server
CPU is utime + stime of the server's process tree, from /proc, per request.

It prints one table (whole thread and first screen read; posting at 1, 4 and 8 clients with
scoring inline, in rounds that alternate the two servers (bench/peers_rounds.py), each round
on Isso's seeded table (peers_isso.isso_posted_drop); a post and
its landing page; posting with Redis and one Celery worker; the
cached anonymous page against nginx serving the same bytes with `Connection: close`, and
against gunicorn serving them from a bare WSGI app, the server's own ceiling; a 304),
with Parley / Isso ratios, and whether each target of issue 12 is met; and what the spam
model and rules cost a post in the server beside the model's time in a loop (peers_scorer).

Isso is installed into a virtualenv of its own the first time (bench/peers_isso.py); without
it, or with --skip-isso, Parley's figures are printed alone. nginx and wrk come from Debian
(`apt-get install -y nginx-light wrk`): without nginx the static row is skipped, without wrk
a Python client loads the pages. The queue rows need redis-server.

    .venv/bin/python -m bench.peers [--quick] [--skip-isso] [--clients 1,4,8] [--rounds 3]
"""

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.peers_isso import FIRST_SCREEN, ISSO_VERSION, IssoFigures, isso_half
from bench.peers_load import load_tool, tree_cpu_seconds
from bench.peers_parley import ParleyFigures, parley_half
from bench.peers_rounds import measured_together, posting_rounds
from bench.peers_scorer import scorer_described, scorer_times
from bench.processes import ROOT, stop_all

TARGETS = {
    "posting_rate": 1.5, "queue_web_cpu_ms": 4.0, "worker_rate": 300, "landing_cpu": 2.0,
    "share_of_static": 0.35, "not_modified_cpu_ms": 0.3, "queries": 10, "whole_thread": 0.1,
}  # fmt: skip


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: small, short")
    parser.add_argument("--skip-isso", action="store_true", help="Parley's figures only")
    parser.add_argument("--clients", default="1,4,8", help="posting clients, one level each")
    parser.add_argument(
        "--rounds", type=int, help="posting rounds per level, the servers taking turns "
        "(peers_rounds; default 3, 1 with --quick)",
    )  # fmt: skip
    args = parser.parse_args()
    args.rounds = max(1, args.rounds or (1 if args.quick else 3))
    args.clients = [int(count) for count in args.clients.split(",")]
    args.landing_clients = 4 if 4 in args.clients else args.clients[len(args.clients) // 2]
    args.seconds = 2.0 if args.quick else 10.0  # measured per level, over its rounds
    args.thread_size = 300 if args.quick else 1000
    args.whole_reads, args.first_reads = (3, 10) if args.quick else (10, 50)
    return args


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all but idle and iowait), from /proc/stat."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def parley_revision() -> str:
    def git(*words: str) -> str:
        return subprocess.run(["git", *words], cwd=ROOT, capture_output=True, text=True).stdout

    changed = " with uncommitted changes" if git("status", "--porcelain", "--untracked=no") else ""
    return (git("rev-parse", "--short", "HEAD").strip() or "unknown") + changed


def main() -> None:
    args = options()
    started, busy = time.monotonic(), machine_busy_seconds()
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    # A SIGTERM (or Ctrl-C) still runs the `finally` that stops every server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    scratch = Path(tempfile.mkdtemp(prefix="parley-peers-"))
    (scratch / "isso").mkdir()
    isso: IssoFigures | str = "skipped (--skip-isso)"
    try:
        with contextlib.ExitStack() as servers:
            if not args.skip_isso:
                isso = isso_half(args, scratch / "isso", scratch, servers)
                if isinstance(isso, str):
                    print(f"isso: no figures, Parley's alone follow. {isso}", flush=True)
            parley = parley_half(args, scratch, scratch, servers)
            spread = posting_measure(args, parley, isso if isinstance(isso, IssoFigures) else None)
            parley.scorer = scorer_times(parley.inline.id, after_id=max(parley.inline.parents))
    except BaseException:
        print(f"(the servers' logs are kept in {scratch})", file=sys.stderr)
        raise
    finally:
        stop_all()
    elapsed = time.monotonic() - started
    own = tree_cpu_seconds(os.getpid())
    foreign = max(0.0, machine_busy_seconds() - busy - own) / (elapsed * (os.cpu_count() or 1))
    print(
        f"\nParley {parley_revision()} beside Isso {ISSO_VERSION}, gunicorn 2 sync workers each, "
        f"SQLite, 127.0.0.1; {os.cpu_count()} cores, load {' '.join(load_before)} at the start; "
        f"other processes used {foreign:.0%} of the machine meanwhile (noise)."
    )
    print(
        f"Posting: {args.rounds} round(s) per level of clients, the servers taking turns "
        f"(ABBA), each a 1 s warm-up + {args.seconds / args.rounds:g} s; pages loaded by "
        f"{load_tool()}.\n"
    )
    report(parley, isso if isinstance(isso, IssoFigures) else None, args, spread)
    print(f"\nruntime {elapsed:.0f} s")
    shutil.rmtree(scratch, ignore_errors=True)


def posting_measure(args, parley: ParleyFigures, isso: IssoFigures | None) -> dict[int, str]:
    """Posting at each level of clients in rounds that alternate the servers (peers_rounds),
    into each side's figures, with post + landing as a third side at its level. Returns each
    level's Parley / Isso ratio of comments/s round by round."""
    spread = {}
    for clients in args.clients:
        targets = [target for target in (isso and isso.target, parley.target) if target]
        if clients == parley.landing_clients:
            targets.append(parley.landing_target)
        runs = posting_rounds(
            targets, clients=clients, seconds=args.seconds / args.rounds, rounds=args.rounds
        )
        parley.posting[clients] = measured_together(runs["parley"])
        shown = f"parley {parley.posting[clients].per_second:.1f}"
        if parley.landing_target.name in runs:
            parley.landing = measured_together(runs[parley.landing_target.name])
        if isso:
            isso.posting[clients] = measured_together(runs["isso"])
            shown += f", isso {isso.posting[clients].per_second:.1f}"
            spread[clients] = " ".join(
                f"{ours.per_second / theirs.per_second:.2f} ({ours.per_second:.0f}/"
                f"{theirs.per_second:.0f})"
                for ours, theirs in zip(runs["parley"], runs["isso"], strict=True)
            )
        print(f"posting, {clients} clients: {shown} comments/s", flush=True)
    return spread


def ms(value: float | None) -> str:
    if value is None:
        return ""
    if value < 1:  # a 304's CPU against a 0.3 ms target: one decimal would round it away
        return f"{value:.2f} ms"
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def ratio(ours: float | None, theirs: float | None) -> float | None:
    return ours / theirs if ours is not None and theirs else None


def per_level(values: list[float | None], digits: int = 0) -> str:
    return " / ".join("n/a" if value is None else f"{value:.{digits}f}" for value in values)


def report(parley: ParleyFigures, isso: IssoFigures | None, args, spread: dict[int, str]) -> None:
    """The table, then a line per target."""
    levels = " / ".join(map(str, args.clients))
    size = f"{args.thread_size:,}"

    def isso_posting(attribute: str) -> list[float | None]:
        return [getattr(isso.posting[c], attribute) if isso else None for c in args.clients]

    rates = [parley.posting[c].per_second for c in args.clients]
    cpus = [parley.posting[c].cpu_ms for c in args.clients]
    rate_ratios = [ratio(a, b) for a, b in zip(rates, isso_posting("per_second"), strict=True)]
    cpu_ratios = [ratio(a, b) for a, b in zip(cpus, isso_posting("cpu_ms"), strict=True)]
    isso_post_cpu = isso.posting[parley.landing_clients].cpu_ms if isso else None
    whole = ratio(parley.whole.cpu_ms, isso and isso.whole.cpu_ms)
    first = ratio(parley.first_screen.cpu_ms, isso and isso.first_screen.cpu_ms)
    landing = ratio(parley.landing.cpu_ms, isso_post_cpu)
    rows = [
        (f"whole {size}-comment thread, server CPU per request", ms(parley.whole.cpu_ms),
         ms(isso and isso.whole.cpu_ms), whole),
        (f"first screen at {size} comments, CPU per request", f"{ms(parley.first_screen.cpu_ms)} "
         f"({max(parley.queries.values())} queries per page)",
         ms(isso and isso.first_screen.cpu_ms), first),
        (f"posting, comments/s at {levels} clients, scoring inline", per_level(rates),
         per_level(isso_posting("per_second")) if isso else "", per_level(rate_ratios, 2)),
        (f"posting, server CPU per comment (ms) at {levels} clients", per_level(cpus, 1),
         per_level(isso_posting("cpu_ms"), 1) if isso else "", per_level(cpu_ratios, 2)),
        (f"posting + landing page, CPU per comment ({parley.landing_clients} clients; Isso: "
         "a post alone)", ms(parley.landing.cpu_ms), ms(isso_post_cpu), landing),
    ]  # fmt: skip
    rows += queue_rows(parley, isso, args, levels)
    static = ratio(parley.cached.per_second, parley.nginx and parley.nginx.per_second)
    rows.append((
        f"cached anonymous page ({parley.page_bytes / 1024:.0f} KiB), req/s with `Connection: "
        "close` (Isso column: nginx, same bytes)",
        f"{parley.cached.per_second:,.0f} ({ms(parley.cached.cpu_ms)} CPU each)",
        f"nginx {parley.nginx.per_second:,.0f}" if parley.nginx else parley.nginx_note, static,
    ))  # fmt: skip
    ceiling = ratio(
        parley.bare and parley.bare.per_second, parley.nginx and parley.nginx.per_second
    )
    if parley.bare:
        rows.append((
            "… gunicorn alone, same bytes and headers from a bare WSGI app (the server's ceiling;"
            " Isso column: nginx)", f"{parley.bare.per_second:,.0f} (Parley's cached page: "
            f"{parley.cached.per_second / parley.bare.per_second:.0%} of it)",
            f"nginx {parley.nginx.per_second:,.0f}" if parley.nginx else parley.nginx_note,
            ceiling,
        ))  # fmt: skip
    not_modified = parley.not_modified.cpu_ms if parley.not_modified else None
    rows.append((
        "CPU per 304 answer to If-None-Match on the cached page",
        ms(not_modified) if parley.not_modified else parley.not_modified_note, "", None,
    ))  # fmt: skip
    floor = parley.bare_not_modified
    above = ratio(not_modified, floor and floor.cpu_ms)
    if floor:
        rows.append((
            "… the same 304 from gunicorn and a bare WSGI app (the server's floor)",
            ms(floor.cpu_ms) + (f" (Parley's 304: {above:.2f}x it)" if above else ""), "", None,
        ))  # fmt: skip

    print("| | Parley | Isso | Parley / Isso |\n|---|---|---|---|")
    for label, ours, theirs, share in rows:
        shown = share if isinstance(share, str) else ("" if share is None else f"{share:.2f}")
        print(f"| {label} | {ours} | {theirs} | {shown} |")
    for name, figures, shown in (("Parley", parley, parley.comments_shown),
                                 ("Isso", isso, isso and isso.comments_shown)):  # fmt: skip
        if figures and shown != args.thread_size:
            print(f"! {name}'s whole thread showed {shown} of {args.thread_size} comments")
    if spread and args.rounds > 1:
        print("Posting, Parley / Isso comments/s round by round (Parley's / Isso's): " + "; ".join(
            f"{clients} client{'s' * (clients > 1)}: {ratios}" for clients, ratios in spread.items()
        ))  # fmt: skip
    if parley.scorer:
        print(scorer_described(parley.scorer))
    print(f"Isso's first screen is GET /?uri=…{FIRST_SCREEN}; Parley's is the article page.")
    for name, load in (("cached page", parley.cached), ("nginx", parley.nginx),
                       ("bare gunicorn", parley.bare), ("304s", parley.not_modified),
                       ("bare 304s", parley.bare_not_modified)):  # fmt: skip
        if load and load.failures:
            print(f"! {name}: {load.failures}")

    queue = parley.queue
    checks = [
        (f"comments/s ≥ {TARGETS['posting_rate']}x Isso at {levels} clients",
         per_level(rate_ratios, 2), all_or_none(r >= TARGETS["posting_rate"] for r in rate_ratios
                                                if r is not None) if isso else None),
        ("server CPU per comment ≤ Isso's", per_level(cpu_ratios, 2),
         all_or_none(r <= 1 for r in cpu_ratios if r is not None) if isso else None),
        (f"queue mode: web CPU ≤ {TARGETS['queue_web_cpu_ms']:g} ms per comment",
         per_level([level.web_cpu_ms for level in queue.levels], 1) if queue else "n/a",
         all(level.web_cpu_ms <= TARGETS["queue_web_cpu_ms"] for level in queue.levels)
         if queue else None),
        (f"queue mode: one worker ≥ {TARGETS['worker_rate']} comments/s",
         f"{queue.worker_per_second:.0f}" if queue else "n/a",
         queue.worker_per_second >= TARGETS["worker_rate"] if queue else None),
        ("queue mode: nothing pending 5 s after posting stops",
         per_level([level.pending_after for level in queue.levels]) if queue else "n/a",
         queue.worst_pending_after == 0 if queue else None),
        (f"post + landing ≤ {TARGETS['landing_cpu']:g}x Isso's CPU per post",
         f"{landing:.2f}" if landing else "n/a", None if landing is None
         else landing <= TARGETS["landing_cpu"]),
        (f"cached ≥ {TARGETS['share_of_static']:.0%} of nginx with Connection: close",
         # One decimal: 34.85 % printed as "35%" beside NOT MET read as a contradiction.
         f"{static:.1%}" if static else "n/a",
         None if static is None else static >= TARGETS["share_of_static"]),
        (f"304 ≤ {TARGETS['not_modified_cpu_ms']} ms CPU", (ms(not_modified) or "n/a") + (
            f" (gunicorn's floor {ms(floor.cpu_ms)})" if floor else ""),
         None if not_modified is None else not_modified <= TARGETS["not_modified_cpu_ms"]),
        (f"≤ {TARGETS['queries']} queries per page at any size",
         ", ".join(f"{count} at {n:,}" for n, count in sorted(parley.queries.items())),
         max(parley.queries.values()) <= TARGETS["queries"]),
        (f"whole thread ≤ {TARGETS['whole_thread']}x Isso's CPU", f"{whole:.2f}" if whole
         else "n/a", None if whole is None else whole <= TARGETS["whole_thread"]),
    ]  # fmt: skip
    print("\nTargets (issue 12)")
    for name, figures, met in checks:
        verdict = "n/a" if met is None else ("met" if met else "NOT MET")
        print(f"  {name:<52} {figures:<22} {verdict}")
    if ceiling is not None and static is not None and ceiling < TARGETS["share_of_static"]:
        print(
            f"  (gunicorn itself, answering the same bytes with no Django, reached {ceiling:.0%}"
            f" of nginx here: the cached-page target is above the server's own ceiling)"
        )


def all_or_none(results) -> bool | None:
    results = list(results)
    return all(results) if results else None


def queue_rows(parley: ParleyFigures, isso: IssoFigures | None, args, levels: str) -> list:
    queue = parley.queue
    if queue is None:
        return [("posting with Redis and one Celery worker", parley.queue_note, "", None)]
    rates = [level.per_second for level in queue.levels]
    isso_rates = [isso.posting[c].per_second if isso else None for c in args.clients]
    web_cpus = [level.web_cpu_ms for level in queue.levels]
    # Beside Isso's whole post (it scores nothing): what the web side costs on this machine.
    isso_cpus = [isso.posting[c].cpu_ms if isso else None for c in args.clients]
    at_stop = per_level([level.pending_at_stop for level in queue.levels])
    after = per_level([level.pending_after for level in queue.levels])
    return [
        (f"posting with Redis and one Celery worker, comments/s at {levels} clients",
         per_level(rates), "", per_level([ratio(a, b) for a, b in zip(rates, isso_rates,
                                                                       strict=True)], 2)),
        (f"… web CPU per comment (ms) at {levels} (Isso column: its post's CPU)",
         per_level(web_cpus, 1), per_level(isso_cpus, 1) if isso else "",
         per_level([ratio(a, b) for a, b in zip(web_cpus, isso_cpus, strict=True)], 2)),
        (f"… worker CPU per comment (ms) at {levels}",
         per_level([level.worker_cpu_ms for level in queue.levels], 1), "", None),
        (f"… one worker scoring a backlog of {queue.backlog}, comments/s",
         f"{queue.worker_per_second:.0f}", "", None),
        (f"… pending when posting stops → 5 s later, at {levels}", f"{at_stop} → {after}"
         + (f"; {queue.never_scored} never scored" if queue.never_scored else ""), "", None),
    ]  # fmt: skip


if __name__ == "__main__":
    main()
