"""bench/peers.py and bench/queue_latency.py post at 1, 4 and 8 clients in turn, in rounds,
each run numbering its posts from 0. A text posted again by the same guest is a copy, which
Parley holds for a moderator (on any article), so repeated texts would measure the hold and
its digest instead of posting: each run's texts are its own."""

from bench.peers_load import comment_text
from bench.peers_parley import LANDING_SERIES
from bench.peers_rounds import posting_series
from comments.services.text import comment_text_fields

LEVELS, ROUNDS = (1, 4, 8), range(9)


def _series_of_every_run() -> list[int]:
    posting = [posting_series(clients, round_) for clients in LEVELS for round_ in ROUNDS]
    queue_mode = list(LEVELS)  # bench/queue_latency.py: a series per level, one round
    return posting + [LANDING_SERIES + series for series in posting] + queue_mode


def test_no_two_runs_share_a_series():
    series = _series_of_every_run()
    assert len(set(series)) == len(series)


def test_no_run_repeats_another_runs_text():
    posted = [
        comment_text(worker, n, series=series)
        for series in _series_of_every_run()[::9]
        for worker in range(8)
        for n in [*range(150), *range(10**6, 10**6 + 50)]  # the posts and the warm-up's
    ]
    # As Parley compares texts: the hash its copies are looked up by.
    hashes = {comment_text_fields(text)["text_hash"] for text in posted}
    assert len(hashes) == len(posted)
