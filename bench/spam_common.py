"""What bench/spam_eval.py and bench/spam_learning.py share: which files, and one row of
figures per scorer, printed as a table or as JSON lines.

Files are CSVs with the YouTube spam collection's columns (COMMENT_ID, AUTHOR, DATE, CONTENT,
CLASS; moderation.labelled). Without --train/--test, each file of the shared folder beside the
repository is held out in turn and the rest train the starter model: each video is a new site.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from moderation import evaluation, learning, learning_model, scoring
from moderation.labelled import LabelledFile, labelled_file_read

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FOLDER = ROOT.parent / "shared/data/spam/youtube"
FIELDS = (
    "scorer", "n", "precision", "recall", "f1", "roc_auc", "ham_auto_spam", "to_human",
    "spam_published", "p50_ms", "p99_ms",
)  # fmt: skip


def arguments_add(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--train", nargs="+", type=Path, metavar="FILE", help="CSV files to train the starter on"
    )
    parser.add_argument("--test", type=Path, metavar="FILE", help="the CSV file to score")
    parser.add_argument(
        "files", nargs="*", type=Path, help=f"leave each out in turn (default: {DEFAULT_FOLDER})"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per line and row")


def splits(arguments: argparse.Namespace) -> list[tuple[list[LabelledFile], LabelledFile]]:
    """(training files, held-out file) pairs; exits with status 2 and a sentence if the files
    given cannot be used, and with 0 if the default folder is absent (a user's machine)."""
    if bool(arguments.train) != bool(arguments.test):
        _exit("--train and --test go together.")
    paths = [*(arguments.train or []), *([arguments.test] if arguments.test else [])]
    paths += arguments.files
    if not paths:
        if not DEFAULT_FOLDER.is_dir():
            print(f"No files given and {DEFAULT_FOLDER} does not exist: nothing to evaluate.")
            raise SystemExit(0)
        paths = sorted(DEFAULT_FOLDER.glob("*.csv"))
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        _exit(f"No such file: {', '.join(missing)}")
    try:
        read = {path: labelled_file_read(path) for path in paths}
    except (ValueError, UnicodeDecodeError) as error:
        _exit(str(error))
    if arguments.train:
        return [([read[path] for path in arguments.train], read[arguments.test])]
    if len(paths) < 2:
        _exit("Leave-one-file-out needs at least two files (or use --train and --test).")
    files = [read[path] for path in paths]
    return [([other for other in files if other is not held], held) for held in files]


def _exit(message: str) -> None:
    print(message, file=sys.stderr)
    raise SystemExit(2)


def starter_train(files: Sequence[LabelledFile]) -> learning_model.TrainedModel:
    """A starter model as a worker loads it: trained, then through its stored bytes."""
    model = learning.train(
        [text for labelled in files for text in labelled.texts],
        [label for labelled in files for label in labelled.labels],
    )
    return learning_model.TrainedModel.from_bytes(model.to_bytes())


@dataclass
class Outcomes:
    """What a scorer did with each comment of a stream, in order."""

    labels: list[int]
    scores: list[float]
    decisions: list[str]
    latencies_ms: list[float]

    @classmethod
    def empty(cls) -> Outcomes:
        return cls([], [], [], [])

    def add(self, label: int, score: float, decision: str, latency_ms: float) -> None:
        self.labels.append(label)
        self.scores.append(score)
        self.decisions.append(decision)
        self.latencies_ms.append(latency_ms)

    def extend(self, other: Outcomes) -> None:
        for name in ("labels", "scores", "decisions", "latencies_ms"):
            getattr(self, name).extend(getattr(other, name))

    def part(self, start: int, stop: int) -> Outcomes:
        return Outcomes(
            self.labels[start:stop],
            self.scores[start:stop],
            self.decisions[start:stop],
            self.latencies_ms[start:stop],
        )


def decision_for(score: float, rules: scoring.Rules) -> str:
    """The routing the scorer applies to a score, for a model's bare probability."""
    if score >= rules.spam_threshold:
        return scoring.SPAM
    return scoring.HELD if score >= rules.hold_threshold else scoring.PUBLISHED


def figures(scorer: str, outcomes: Outcomes) -> dict:
    """One row: caught means not published (held or marked spam), as a reader sees it."""
    labels = np.asarray(outcomes.labels)
    decisions = np.asarray(outcomes.decisions)
    caught = (decisions != scoring.PUBLISHED).astype(float)
    # Precision, recall and F1 of what was kept from readers; ROC-AUC of the score.
    quality = evaluation.classifier_metrics(labels, caught)
    ranking = evaluation.classifier_metrics(labels, outcomes.scores)
    ham, spam = labels == 0, labels == 1
    latencies = np.asarray(outcomes.latencies_ms)
    return {
        "scorer": scorer,
        "n": len(labels),
        "precision": quality["precision"],
        "recall": quality["recall"],
        "f1": quality["f1"],
        "roc_auc": ranking["roc_auc"],
        "ham_auto_spam": _share((decisions == scoring.SPAM) & ham, ham),
        "ham_auto_spam_count": int(((decisions == scoring.SPAM) & ham).sum()),
        "to_human": _share(decisions == scoring.HELD, np.ones(len(labels), dtype=bool)),
        "spam_published": _share((decisions == scoring.PUBLISHED) & spam, spam),
        "p50_ms": round(float(np.percentile(latencies, 50)), 3) if len(latencies) else None,
        "p99_ms": round(float(np.percentile(latencies, 99)), 3) if len(latencies) else None,
    }


def _share(selected: np.ndarray, among: np.ndarray) -> float | None:
    return round(float(selected.sum() / among.sum()), 4) if among.sum() else None


def rows_print(rows: Sequence[dict], *, as_json: bool, first: str = "scorer") -> None:
    """Rows as JSON lines, or as an aligned table led by the `first` column."""
    if as_json:
        for row in rows:
            print(json.dumps(row))
        return
    header = [first, *(name for name in FIELDS if name != first)]
    cells = [header, *([_cell(name, row.get(name), row) for name in header] for row in rows)]
    widths = [max(len(line[column]) for line in cells) for column in range(len(header))]
    for line in cells:
        aligned = [
            cell.ljust(width) if column < 2 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        print("  ".join(aligned))


def _cell(name: str, value, row: dict) -> str:
    if value is None:
        return "-"
    if name in ("to_human", "spam_published"):
        return f"{value:.1%}"
    if name == "ham_auto_spam":
        return f"{row['ham_auto_spam_count']} ({value:.1%})"
    if name.endswith("_ms"):
        return f"{value:.2f}"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def quarters(n: int) -> Iterator[tuple[int, int, int]]:
    """(quarter, start, stop) over a stream of n comments."""
    bounds = [round(n * index / 4) for index in range(5)]
    for quarter in range(4):
        yield quarter + 1, bounds[quarter], bounds[quarter + 1]
