"""bench/peers.py and bench/queue_latency.py post to one article at 1, 4 and 8 clients in
turn, each run numbering its posts from 0. A text posted again by the same guest is a
duplicate that Parley holds for a moderator, so repeated texts would measure the hold and
its digest instead of posting; each run's texts are its own."""

from bench.peers_load import comment_text
from comments.services.text import comment_text_fields


def test_no_run_on_an_article_repeats_another_runs_text():
    posted = [
        comment_text(worker, n, series=clients)
        for clients in (1, 4, 8)
        for worker in range(clients)
        for n in [*range(1500), *range(10**6, 10**6 + 300)]  # the posts and the warm-up's
    ]
    # As Parley compares texts: the hash its copies are looked up by.
    hashes = {comment_text_fields(text)["text_hash"] for text in posted}
    assert len(hashes) == len(posted)
