"""`make bench` (bench/http_load.py) seeds each database in a child process before it starts
gunicorn. That child once ran as a script, with bench/ as its import path, and failed on its
first `from bench...` import, so the benchmark never measured anything."""

from pathlib import Path

import pytest

from bench.http_load import prepare_run
from bench.processes import base_env


@pytest.mark.slow
def test_the_benchmark_seeds_a_sqlite_database_in_its_child(tmp_path: Path):
    env = {
        **base_env(),
        "SQLITE_PATH": str(tmp_path / "bench.sqlite3"),
        "PARLEY_CACHE_DIR": str(tmp_path / "cache"),
        # The benchmark collects the static files first; a fresh clone has none to serve
        # with DEBUG=0.
        "DEBUG": "1",
    }
    env.pop("DATABASE_URL", None)

    prepared = prepare_run("sqlite", env, "3", tmp_path)

    assert prepared["vendor"] == "sqlite"
    assert prepared["pages"]["3"]["queries"] <= 10
    assert prepared["posting"]["reply_ids"]
