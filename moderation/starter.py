"""The starter spam model: shipped inside the package, so a new site is protected from its
first comment instead of running on rules alone until moderators have made hundreds of
decisions.

It is trained on the UCI YouTube Spam Collection (CC BY 4.0; Alberto, Lochter and Almeida,
"TubeSpam: Comment Spam Filtering on YouTube", IEEE ICMLA 2015): real public comments under
four music videos, labelled spam or not. Only hashed n-gram weights and a few numbers are in
the file, never a comment's text. `manage.py train_spam_model --starter FILE...` rebuilds it
from those files, so how it was made can be repeated and checked.

The site's own model, trained on its moderators' decisions, is blended with it
(moderation.blending): the starter never stops counting, it only weighs less as labels grow.
"""

from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path

from . import learning_model
from .labelled import labelled_file_read

STARTER_FILE = Path(__file__).with_name("starter_model.npz")
SOURCE = "UCI YouTube Spam Collection (CC BY 4.0)"

_replaced: list[learning_model.TrainedModel | None] = []


@cache
def _shipped() -> learning_model.TrainedModel | None:
    if not STARTER_FILE.is_file():
        return None
    return learning_model.TrainedModel.from_bytes(STARTER_FILE.read_bytes())


def starter_model() -> learning_model.TrainedModel | None:
    """The starter model every process scores with (None if the file was removed)."""
    return _replaced[-1] if _replaced else _shipped()


def starter_replace(model: learning_model.TrainedModel | None) -> None:
    """Score with another starter (None: the shipped one again). For benchmarks that evaluate a
    starter trained without the comments they test it on."""
    _replaced.clear()
    if model is not None:
        _replaced.append(model)


def starter_summary() -> dict | None:
    """What the scorer page shows of the starter: version, labels, source and figures."""
    model = starter_model()
    if model is None:
        return None
    return {
        "version": model.version,
        "n_labels": model.n_labels,
        "trained_on": model.notes.get("trained_on", ""),
        "cv": model.notes.get("cv"),
    }


def starter_model_build(paths: Sequence[Path]) -> learning_model.TrainedModel:
    """Train a starter model on labelled CSV files; its notes carry the leave-one-file-out
    figures (each file scored by a model trained on the others), the way a new site meets it."""
    # Here, not at the top: every scoring process imports this module for starter_model, and
    # only training needs scikit-learn.
    from . import evaluation, learning

    files = [labelled_file_read(path) for path in paths]
    texts = [text for labelled in files for text in labelled.texts]
    labels = [label for labelled in files for label in labelled.labels]
    model = learning.train(texts, labels)
    groups = [(labelled.texts, labelled.labels) for labelled in files]
    if len(files) < 2:
        groups = evaluation.folds_of(texts, labels)
    notes = {
        "trained_on": f"{SOURCE}: {', '.join(labelled.name for labelled in files)}",
        "spam": sum(labels),
        "not_spam": len(labels) - sum(labels),
        "cv": evaluation.cross_validated(groups, learning.train) if groups else None,
    }
    return replace(model, notes=notes)
