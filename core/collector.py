"""The garbage collector in long-lived server processes: gunicorn's workers, Celery's pool.

Python's defaults start a collection every 700 net allocations of container objects, and
every so often a full one that walks all the objects the process holds: Django's, every
library's, about 120,000 once the site is loaded. Measured in gunicorn's workers on the
posting benchmark (bench.peers, queue mode), collecting took 0.4 to 0.8 ms of a post's 5 to 6 ms
of web CPU. The loaded site lives as long as the process, so it is frozen out of the
collector's walks, and the youngest generation is collected every 20,000 allocations: a
request's short-lived objects are mostly freed by their reference counts before then, and
the cycles among them wait a little longer (at most that many objects, a few MB). The same
measurement then gave 0.1 to 0.2 ms per request.
"""

import gc

YOUNGEST_THRESHOLD = 20_000


def collector_settle() -> None:
    """Freeze what the process holds now and collect young objects less often. Called once
    a server process has loaded the site, before it serves anything."""
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNGEST_THRESHOLD, middle, oldest)
