"""Labelled comment files: CSV with the columns of the YouTube spam collection.

COMMENT_ID, AUTHOR, DATE, CONTENT and CLASS (1 = spam). Only CONTENT and CLASS are read to
learn from: AUTHOR is not something a comment is judged by, and in the YouTube collection DATE
gives the label away (every spam row of one video has none). DATE is kept only to replay a
file in the order its comments arrived.
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path

COLUMNS = ("CONTENT", "CLASS")


@dataclass
class LabelledFile:
    name: str
    texts: list[str]
    labels: list[int]
    dates: list[str] = field(default_factory=list)


def labelled_file_read(path: Path) -> LabelledFile:
    """Read one labelled CSV; ValueError names a missing column or a CLASS that is not 0 or 1."""
    texts: list[str] = []
    labels: list[int] = []
    dates: list[str] = []
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(COLUMNS) - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path} has no column {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            label = (row["CLASS"] or "").strip()
            if label not in ("0", "1"):
                raise ValueError(f"{path}, line {line}: CLASS is {label!r}, not 0 or 1")
            texts.append(row["CONTENT"] or "")
            labels.append(int(label))
            dates.append((row.get("DATE") or "").strip())
    return LabelledFile(name=Path(path).stem, texts=texts, labels=labels, dates=dates)
