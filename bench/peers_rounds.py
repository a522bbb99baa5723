"""Posting measured in rounds that alternate the two servers, for bench/peers.py.

This machine's speed drifts by a quarter and more within minutes (the same code measured
4.5 to 7.5 ms of CPU per comment in one day's runs). Measured one server after the other,
minutes apart, the drift landed in the ratio. So both servers stay up while posting is
measured, and each level of clients runs in rounds: Isso then Parley, then Parley then Isso
(ABBA), so that drift within a round weighs on both alike. Each side's figure is its rounds
taken together (all their comments over all their seconds), and the table also prints the
ratio of each round, so the spread shows.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from bench.http_client import Load
from bench.peers_load import Measured, measure


@dataclass
class PostingTarget:
    """One server that posting is measured on: `poster(clients, series)` makes the request
    maker (http_client.run_load's) for a run of `clients` posting texts of `series`."""

    name: str
    pid: int
    poster: Callable[[int, int], Callable]
    expected: int


def posting_series(clients: int, round_: int) -> int:
    """The texts' series of one round at one level of clients (peers_load.comment_text):
    each run on an article posts texts of its own, or Parley would hold repeats."""
    return clients * 100 + round_


def measured_together(runs: list[Measured]) -> Measured:
    """Rounds taken as one run: their comments over their seconds, their CPU over their
    requests."""
    load = Load(seconds=sum(run.load.seconds for run in runs))
    for run in runs:
        load.latencies_ms.extend(run.load.latencies_ms)
        for status, count in run.load.statuses.items():
            load.statuses[status] = load.statuses.get(status, 0) + count
    statuses = sum((run.statuses for run in runs), Counter())
    return Measured(
        load, sum(run.requests for run in runs), sum(run.cpu_seconds for run in runs), statuses
    )


def posting_rounds(
    targets: list[PostingTarget], *, clients: int, seconds: float, rounds: int
) -> dict[str, list[Measured]]:
    """Each target's runs at `clients`, `rounds` of them, `seconds` each, the targets taking
    turns first (ABBA)."""
    runs: dict[str, list[Measured]] = {target.name: [] for target in targets}
    for round_ in range(rounds):
        order = targets if round_ % 2 == 0 else targets[::-1]
        for target in order:
            runs[target.name].append(
                measure(
                    target.pid,
                    target.poster(clients, posting_series(clients, round_)),
                    clients=clients,
                    seconds=seconds,
                    expected=target.expected,
                    name=f"{target.name} posting, {clients} clients, round {round_ + 1}",
                )
            )
    return runs
