"""What the spam model and rules cost a post in the server, beside what the model alone costs
on the same texts one after another in one process.

Each verdict given inline records the scorer's own time (SpamVerdict.elapsed_ms: the model's
reading of the text, then the rules). In a gunicorn worker that came to 1.5 to 2.4 times the
model's time in a loop (0.87 ms against 0.36 at 1 client, 0.73 against 0.45 over a whole run),
though sweeping the caches between texts in the loop cost it only half as much again, and
keeping its weights in cache changed nothing: between posts a worker runs Django and gunicorn
and the client runs, and what has gone cold by the next post is the model's code (numpy's and
the interpreter's), not its arrays. bench.peers prints both figures, so a post's share of the
model is measured where the post runs, not inferred from a loop (as earlier notes did).
"""

import statistics
from dataclasses import dataclass

# Texts read again in this process: enough for a steady median, few enough to take a second.
REREAD = 300


@dataclass(frozen=True)
class ScorerTimes:
    comments: int  # verdicts given in the server
    server_ms: float  # their median scorer's time (the model and the rules)
    one_process_ms: float  # the model alone on the last REREAD of their texts, here


def scorer_times(article_id: int, *, after_id: int) -> ScorerTimes | None:
    """The scorer's times for the comments posted to an article after comment `after_id`
    (Django set up on the server's database, scoring inline); None if none was scored by the
    model (no model, or scoring queued)."""
    from moderation.models import SpamVerdict
    from moderation.services.scoring import comment_judge_prepare

    rows = list(
        SpamVerdict.objects.filter(
            comment__article_id=article_id, comment_id__gt=after_id, elapsed_ms__isnull=False
        )
        .order_by("-pk")
        .values_list("elapsed_ms", "comment__comment")
    )
    again = [comment_judge_prepare(text=text) for _, text in rows[:REREAD]]
    if not rows or any(prepared is None for prepared in again):
        return None
    return ScorerTimes(
        comments=len(rows),
        server_ms=statistics.median(elapsed for elapsed, _ in rows),
        one_process_ms=statistics.median(prepared.elapsed_ms for prepared in again),
    )


def scorer_described(times: ScorerTimes) -> str:
    return (
        f"Parley's scorer in the server: {times.server_ms:.2f} ms per comment (median of its"
        f" {times.comments:,} verdicts' own time: the spam model, then the rules); the model alone"
        f" on the last {min(REREAD, times.comments)} of those texts, one after another in one"
        f" process: {times.one_process_ms:.2f} ms (bench/peers_scorer.py says why they differ)."
    )
