"""Training the spam model on labelled comments: moderators' decisions and imported data."""

import csv
from collections.abc import Callable, Iterable
from pathlib import Path

from ..model_cache import spam_models
from ..models import SpamModel, TrainingExample


def training_example_forget(*, comment_id: int) -> None:
    """Drop a comment's training label (its author deleted it: its words are gone)."""
    TrainingExample.objects.filter(comment_id=comment_id).delete()


def training_import_csv(
    *, path: Path, text_column: str, label_column: str, spam_labels: Iterable[str] = ("1", "spam")
) -> int:
    """Import labelled texts from a CSV file; returns how many were added."""
    spam_values = {value.strip().lower() for value in spam_labels}
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = {text_column, label_column} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path} has no column {', '.join(sorted(missing))}")
        examples = [
            TrainingExample(
                text=row[text_column],
                is_spam=row[label_column].strip().lower() in spam_values,
                source=TrainingExample.Source.IMPORT,
            )
            for row in reader
            if (row.get(text_column) or "").strip()
        ]
    TrainingExample.objects.bulk_create(examples, batch_size=1000)
    return len(examples)


def spam_model_train(
    *, progress: Callable[[int, int, str], None] | None = None, force: bool = False
) -> SpamModel | None:
    """Train a model on every labelled example; None when there is nothing new to learn or
    only one class. The new model becomes active for every worker within a minute."""
    from ..evaluation import cross_validated, folds_of
    from ..learning import train

    rows = list(TrainingExample.objects.values_list("text", "is_spam"))
    labels = [int(is_spam) for _, is_spam in rows]
    if len(set(labels)) < 2:
        return None
    latest = SpamModel.objects.first()
    newest_label = TrainingExample.objects.order_by("-updated_at").values_list(
        "updated_at", flat=True
    )[0]
    if latest and not force and latest.trained_at >= newest_label:
        return None
    texts = [text for text, _ in rows]
    model = train(texts, labels, progress=progress)
    # Measured now, on the labels it learnt from, so the scorer page can say how good each
    # version was when it went live.
    folds = folds_of(texts, labels)
    spam_model, _ = SpamModel.objects.get_or_create(
        version=model.version,
        defaults={
            "n_labels": model.n_labels,
            "parameters": model.to_bytes(),
            "notes": {
                "spam": sum(labels),
                "not_spam": len(labels) - sum(labels),
                "cv": cross_validated(folds, train) if folds else None,
            },
        },
    )
    spam_models.forget()
    return spam_model
