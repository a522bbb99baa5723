"""Benchmark: leave-one-file-out evaluation of the learned spam model on labelled comment CSVs.

Each CSV has the header COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS (CLASS 1 = spam). Only CONTENT
is used: DATE gives the label away in the YouTube collection and AUTHOR is not something a
comment is judged by. For every file, a model is trained on the other files and scored on it,
one comment per call as the scorer does. The default files are the YouTube spam collection in
the shared data folder beside the repository; nothing is copied into the project.

    .venv/bin/python -m bench.spam_eval [--spam-threshold 0.9] [--hold-threshold 0.5] [FILES...]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import precision_recall_fscore_support, roc_auc_score

from moderation import learning, scoring

ROOT = Path(__file__).resolve().parents[1]

DEFAULT_FOLDER = ROOT.parent / "shared/data/spam/youtube"


@dataclass
class LabelledFile:
    name: str
    texts: list[str]
    labels: list[int]


@dataclass
class FoldResult:
    name: str
    labels: np.ndarray
    probabilities: np.ndarray
    latencies_ms: np.ndarray
    training_seconds: float
    model_bytes: int
    scorer_scores: np.ndarray
    scorer_latencies_ms: np.ndarray


def read_labelled_file(path: Path) -> LabelledFile:
    """Read the CONTENT and CLASS columns of one comment CSV."""
    texts: list[str] = []
    labels: list[int] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            texts.append(row["CONTENT"])
            labels.append(int(row["CLASS"]))
    return LabelledFile(name=path.stem, texts=texts, labels=labels)


def score_one_at_a_time(
    model: learning.TrainedModel, texts: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Return P(spam) and the milliseconds taken for each text, scored one call per text."""
    # Warm up caches and lazy imports so the first comment does not count them.
    for text in texts[:5]:
        model.predict_proba([text])
    probabilities = np.empty(len(texts))
    latencies_ms = np.empty(len(texts))
    for index, text in enumerate(texts):
        started = time.perf_counter()
        probabilities[index] = model.predict_proba([text])[0]
        latencies_ms[index] = (time.perf_counter() - started) * 1000.0
    return probabilities, latencies_ms


def score_with_rules(
    model: learning.TrainedModel, texts: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Run Parley's whole scorer (default rules + model) on each text, as for a new author."""
    rules = scoring.Rules.defaults()
    scores = np.empty(len(texts))
    latencies_ms = np.empty(len(texts))
    for index, text in enumerate(texts):
        started = time.perf_counter()
        verdict = scoring.score_submission(scoring.Submission(text=text), rules, model)
        latencies_ms[index] = (time.perf_counter() - started) * 1000.0
        scores[index] = verdict.score
    return scores, latencies_ms


def evaluate_fold(held_out: LabelledFile, training_files: Sequence[LabelledFile]) -> FoldResult:
    """Train on training_files and score held_out."""
    texts = [text for labelled in training_files for text in labelled.texts]
    labels = [label for labelled in training_files for label in labelled.labels]
    started = time.perf_counter()
    model = learning.train(texts, labels)
    training_seconds = time.perf_counter() - started
    # Score the model as a worker would see it: after a round trip through its stored bytes.
    stored = model.to_bytes()
    loaded = learning.TrainedModel.from_bytes(stored)
    probabilities, latencies_ms = score_one_at_a_time(loaded, held_out.texts)
    scorer_scores, scorer_latencies_ms = score_with_rules(loaded, held_out.texts)
    return FoldResult(
        scorer_scores=scorer_scores,
        scorer_latencies_ms=scorer_latencies_ms,
        name=held_out.name,
        labels=np.asarray(held_out.labels),
        probabilities=probabilities,
        latencies_ms=latencies_ms,
        training_seconds=training_seconds,
        model_bytes=len(stored),
    )


def metrics_row(
    name: str,
    labels: np.ndarray,
    probabilities: np.ndarray,
    latencies_ms: np.ndarray,
    spam_threshold: float,
    hold_threshold: float,
) -> list[str]:
    """Return one table row of quality and latency figures."""
    predicted = (probabilities >= 0.5).astype(int)
    precision, recall, f1, _ = precision_recall_fscore_support(
        labels, predicted, average="binary", zero_division=0
    )
    auc = roc_auc_score(labels, probabilities) if len(set(labels.tolist())) == 2 else float("nan")
    legitimate = labels == 0
    auto_spam_fpr = (
        float(np.mean(probabilities[legitimate] >= spam_threshold)) if legitimate.any() else 0.0
    )
    held = float(np.mean((probabilities >= hold_threshold) & (probabilities < spam_threshold)))
    return [
        name,
        str(len(labels)),
        f"{precision:.3f}",
        f"{recall:.3f}",
        f"{f1:.3f}",
        f"{auc:.3f}",
        f"{auto_spam_fpr:.2%}",
        f"{held:.2%}",
        f"{np.percentile(latencies_ms, 50):.2f}",
        f"{np.percentile(latencies_ms, 99):.2f}",
    ]


def print_table(header: list[str], rows: list[list[str]]) -> None:
    """Print rows as aligned columns, the first left-aligned and the rest right-aligned."""
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        print("  ".join(cells))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "files", nargs="*", type=Path, help=f"CSV files (default: {DEFAULT_FOLDER})"
    )
    parser.add_argument("--spam-threshold", type=float, default=0.9, help="P(spam) auto-spammed")
    parser.add_argument("--hold-threshold", type=float, default=0.5, help="P(spam) held for review")
    arguments = parser.parse_args()

    paths: list[Path] = arguments.files
    if not paths:
        if not DEFAULT_FOLDER.is_dir():
            print(f"No CSV files given and {DEFAULT_FOLDER} does not exist: nothing to evaluate.")
            return 0
        paths = sorted(DEFAULT_FOLDER.glob("*.csv"))
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        print(f"No such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    if len(paths) < 2:
        print("Leave-one-file-out needs at least two CSV files.", file=sys.stderr)
        return 2
    labelled_files = [read_labelled_file(path) for path in paths]

    results = [
        evaluate_fold(held_out, [other for other in labelled_files if other is not held_out])
        for held_out in labelled_files
    ]

    spam_threshold, hold_threshold = arguments.spam_threshold, arguments.hold_threshold
    header = ["held-out file", "n", "prec", "recall", "F1", "ROC-AUC"]
    header += [f"FPR@{spam_threshold:g}", "to human", "p50 ms", "p99 ms"]

    def table(scores: str, latencies: str) -> list[list[str]]:
        """One row per held-out file and a pooled row, for one kind of score."""
        rows = [
            metrics_row(
                result.name,
                result.labels,
                getattr(result, scores),
                getattr(result, latencies),
                spam_threshold,
                hold_threshold,
            )
            for result in results
        ]
        pooled = [
            np.concatenate([getattr(result, field) for result in results])
            for field in ("labels", scores, latencies)
        ]
        rows.append(metrics_row("pooled", *pooled, spam_threshold, hold_threshold))
        return rows

    print(
        f"Leave-one-file-out over {len(paths)} files; F1 at P >= 0.5; FPR@{spam_threshold:g} = "
        f"share of legitimate comments auto-spammed; to human = share of all comments with "
        f"{hold_threshold:g} <= P < {spam_threshold:g}."
    )
    print_table(header, table("probabilities", "latencies_ms"))
    print()
    print(
        "The same folds through Parley's whole scorer (default rules + model, a new author): "
        "score >= threshold instead of P."
    )
    print_table(header, table("scorer_scores", "scorer_latencies_ms"))
    print()
    for result in results:
        print(
            f"without {result.name}: trained in {result.training_seconds:.2f} s, "
            f"model {result.model_bytes:,} bytes"
        )

    every_text = [text for labelled in labelled_files for text in labelled.texts]
    every_label = [label for labelled in labelled_files for label in labelled.labels]
    started = time.perf_counter()
    full_model = learning.train(every_text, every_label)
    print(
        f"all {len(every_text)} comments: trained in {time.perf_counter() - started:.2f} s, "
        f"model {len(full_model.to_bytes()):,} bytes, version {full_model.version}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
