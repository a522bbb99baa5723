"""How well a spam model separates spam from the rest: the figures every report uses.

One definition serves the starter model's build, the site model's cross-validation at
training time and the benchmarks, so the figures on the scorer page and in bench/ mean the
same thing.
"""

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.metrics import precision_recall_fscore_support, roc_auc_score
from sklearn.model_selection import StratifiedKFold

from .scoring import SpamClassifier


def classifier_metrics(labels: Sequence[int], probabilities: Sequence[float]) -> dict:
    """Precision, recall and F1 at P(spam) >= 0.5, and ROC-AUC (None with one class)."""
    labels = np.asarray(labels)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    precision, recall, f1, _ = precision_recall_fscore_support(
        labels, probabilities >= 0.5, average="binary", zero_division=0
    )
    both = len(set(labels.tolist())) == 2
    return {
        "n": len(labels),
        "precision": round(float(precision), 4),
        "recall": round(float(recall), 4),
        "f1": round(float(f1), 4),
        "roc_auc": round(float(roc_auc_score(labels, probabilities)), 4) if both else None,
    }


def cross_validated(
    groups: Sequence[tuple[Sequence[str], Sequence[int]]],
    train: Callable[[Sequence[str], Sequence[int]], SpamClassifier],
    own_hosts: tuple[str, ...] = (),
) -> dict:
    """Train on all groups but one and score that one, for each group; pooled figures.
    Links to own_hosts (the site's own) are no links to the model's cues, as it is served."""
    labels: list[int] = []
    probabilities: list[float] = []
    for index, (texts, held_labels) in enumerate(groups):
        others = [group for other, group in enumerate(groups) if other != index]
        model = train(
            [text for texts_, _ in others for text in texts_],
            [label for _, labels_ in others for label in labels_],
        )
        probabilities.extend(model.predict_proba(list(texts), own_hosts=own_hosts).tolist())
        labels.extend(held_labels)
    return {"folds": len(groups), **classifier_metrics(labels, probabilities)}


def folds_of(
    texts: Sequence[str], labels: Sequence[int], n_folds: int = 5
) -> list[tuple[list[str], list[int]]]:
    """Stratified folds of one labelled set (fewer when a class has fewer members)."""
    smaller_class = min(sum(labels), len(labels) - sum(labels))
    n_folds = min(n_folds, smaller_class)
    if n_folds < 2:
        return []
    splitter = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=0)
    return [
        ([texts[i] for i in held], [labels[i] for i in held])
        for _, held in splitter.split(np.zeros(len(labels)), labels)
    ]
