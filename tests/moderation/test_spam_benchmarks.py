"""bench/spam_eval.py and bench/spam_learning.py on files of our own: both take --train and
--test, print a row per scorer as JSON lines, and the replay through the real submit path and
scoring task agrees with the pure scorer."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYS = {
    "scorer", "precision", "recall", "f1", "roc_auc", "ham_auto_spam", "to_human",
    "spam_published", "p50_ms", "p99_ms",
}  # fmt: skip

SPAM = [
    "subscribe to my channel {n} for free gift cards http://gifts{n}.example",
    "check out my new video {n} and follow me, visit www.tunes{n}.example",
    "earn money from home {n}: message me on whatsapp +44 7911 12{n:04d}",
]
HAM = [
    "The chorus in the second half {n} is the best part of the song.",
    "I first heard this on the radio in {n} and still love it.",
    "Her voice here is better than on the album, {n} times better.",
]


def write_site(path: Path, offset: int, count: int = 30) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["COMMENT_ID", "AUTHOR", "DATE", "CONTENT", "CLASS"])
        for n in range(offset, offset + count):
            spam = n % 2 == 0
            text = (SPAM if spam else HAM)[n % 3].format(n=n)
            writer.writerow([f"id{n}", f"author{n}", f"2015-01-{1 + n % 28:02d}", text, int(spam)])
    return path


def run_bench(module: str, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", module, *arguments],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.fixture
def sites(tmp_path):
    return [write_site(tmp_path / f"site{index}.csv", index * 100) for index in range(3)]


@pytest.mark.slow
def test_spam_eval_takes_files_and_the_replay_agrees_with_the_scorer(sites):
    done = run_bench(
        "bench.spam_eval", "--train", str(sites[0]), str(sites[1]), "--test", str(sites[2]),
        "--json", "--replay",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [row["scorer"] for row in rows] == ["model", "scorer", "replay"]
    assert all(set(row) >= KEYS for row in rows)
    assert all(row["n"] == 30 for row in rows)
    scorer, replay = rows[1], rows[2]
    assert scorer["f1"] > 0.8
    assert abs(replay["f1"] - scorer["f1"]) <= 0.01
    assert replay["to_human"] == pytest.approx(scorer["to_human"], abs=0.01)
    assert 0.0 <= scorer["ham_auto_spam"] <= 1.0 and scorer["p99_ms"] >= scorer["p50_ms"] > 0


def test_spam_eval_leaves_each_file_out_and_prints_a_table(sites):
    done = run_bench("bench.spam_eval", *map(str, sites))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "site0, site1, site2" in lines[0]
    assert lines[1].split()[:5] == ["scorer", "n", "precision", "recall", "f1"]
    assert [line.split()[0] for line in lines[2:4]] == ["model", "scorer"]
    assert lines[2].split()[1] == "90"


def test_spam_learning_prints_each_quarter_and_the_last_half(sites):
    done = run_bench(
        "bench.spam_learning", "--train", str(sites[0]), str(sites[1]), "--test", str(sites[2]),
        "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [row["quarter"] for row in rows] == ["1", "2", "3", "4", "last half"]
    assert all(set(row) >= KEYS and row["scorer"] == "learning" for row in rows)
    assert sum(row["n"] for row in rows[:4]) == 30 and rows[4]["n"] == 15


def test_spam_learning_gives_each_held_out_site_its_own_last_half(sites):
    """Left out in turn, each site's last half has a row of its own after the pooled one."""
    done = run_bench("bench.spam_learning", *map(str, sites), "--json")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [row["quarter"] for row in rows[4:]] == [
        "last half", "last half site0", "last half site1", "last half site2",
    ]  # fmt: skip
    assert sum(row["n"] for row in rows[5:]) == rows[4]["n"] == 45


# Both scripts read their files through bench/spam_common.py; each case is tried on one.
@pytest.mark.parametrize(
    ("module", "arguments", "message"),
    [
        ("bench.spam_eval", ["--train", "{a}"], "--train and --test go together"),
        ("bench.spam_learning", ["--train", "{a}", "--test", "{missing}"], "No such file"),
        ("bench.spam_learning", ["{a}"], "at least two files"),
        ("bench.spam_eval", ["--train", "{a}", "--test", "{bad}"], "has no column CLASS"),
    ],
)
def test_unusable_files_get_a_sentence_and_status_2(tmp_path, sites, module, arguments, message):
    bad = tmp_path / "bad.csv"
    bad.write_text("CONTENT\nhello\n")
    names = {"a": sites[0], "missing": tmp_path / "missing.csv", "bad": bad}
    done = run_bench(module, *(argument.format(**names) for argument in arguments))
    assert done.returncode == 2 and message in done.stderr, done.stderr


def test_the_learning_curve_counts_an_unreported_comment_only_once_readers_had_three_days():
    """As the site's training does (UNREPORTED_AFTER): a comment published on the 1st is
    counted as not spam by a training on the 4th, not by one on the 3rd. A row without a
    date arrives with the row beside it."""
    from bench.spam_learning import _settled, arrival_dates
    from moderation.labelled import LabelledFile

    assert not _settled("2015-01-01T10:00:00", "2015-01-03T10:00:00")
    assert _settled("2015-01-01T10:00:00", "2015-01-04T10:00:00")
    site = LabelledFile(
        name="site", texts=["a", "b", "c"], labels=[0, 1, 0],
        dates=["2015-01-01T10:00:00", "", "2015-01-09T10:00:00"],
    )  # fmt: skip
    assert arrival_dates(site) == ["2015-01-01T10:00:00"] * 2 + ["2015-01-09T10:00:00"]
