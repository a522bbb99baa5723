"""Training the learned spam model: hashed word and character n-grams, TF-IDF, logistic
regression.

The model reads texts through moderation.learning_features and is served and stored as a
moderation.learning_model.TrainedModel; both keep to the settings a model was trained with.
`_train` is one function on purpose: its steps share the features' layout.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from . import features
from .learning_features import (
    character_ngram_counts,
    dense_rows,
    text_for_model,
    texts_for_model,
    weighted_rows,
    word_vectorizer_build,
)
from .learning_model import TrainedModel
from .logistic import logistic_fit_with_offset

# Chosen by leave-one-file-out runs of bench/spam_eval.py; stored in each model so a model
# keeps being served the way it was trained even after these defaults change.
DEFAULT_SETTINGS: dict[str, Any] = {
    "lowercase": True,
    # NFKC and invisible characters removed, as for the rules (moderation.normalise). Models
    # stored without this key were trained without it and are served without it.
    "normalise_unicode": True,
    "word_ngram_range": [1, 2],
    "char_ngram_range": [2, 5],
    "hash_bits": 18,
    "sublinear_tf": True,
    "C": 50.0,
    # The cues of moderation.features, by version; 0 (and models stored without the key):
    # n-grams alone.
    "dense_features": features.VERSION,
    # Each cue in [0, 1] times this: at 1 the cues' weights grew large enough to auto-spam
    # legitimate comments that merely mention a channel; 0.35 was the best leave-one-video-out
    # F1 with none auto-spammed.
    "dense_scale": 0.35,
}

# A site's model is trained as a correction of the starter (moderation.logistic): the same
# features, the starter's log-odds as a fixed offset. C here is how far a label may pull the
# correction from zero. Of 10, 30 and 100 in bench/spam_learning.py (leave-one-video-out, last
# halves), F1 was within 0.004 for all three; 10 auto-marked a legitimate comment spam, and 30
# sent fewer to a human than 10 (5.3 % against 5.8 %).
# The correction has no intercept of its own: moderators label what the scorer doubted and
# what readers reported, nine in ten of them spam, so a free intercept learnt that share and
# raised every comment's score (an intercept of +2.2 log-odds after the first 25 labels of a
# site in bench/spam_learning.py, holding ordinary comments the starter gave 0.07). The
# starter's intercept stays the prior; the site moves scores only through the comments'
# features. Those include what nearly every comment has (length, common words), through
# which some of the labels' balance still comes in: about +0.7 log-odds on ordinary comments
# after one site's first 25 labels. Models stored without the key were fitted with an
# intercept, which they keep.
CORRECTION_SETTINGS: dict[str, Any] = {"C": 30.0, "fit_intercept": False}


def normalize(text: str) -> str:
    """Return the text as the default model sees it: unescaped, untagged, collapsed, lowercased."""
    return text_for_model(
        text,
        lowercase=DEFAULT_SETTINGS["lowercase"],
        fold_unicode=DEFAULT_SETTINGS["normalise_unicode"],
    )


def _content_hash(settings: dict[str, Any], arrays: Sequence[np.ndarray], intercept: float) -> str:
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode())
    digest.update(np.float64(intercept).tobytes())
    for array in arrays:
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()[:12]


def _idf(counts: sp.csr_matrix) -> np.ndarray:
    n_documents = counts.shape[0]
    document_frequency = np.bincount(counts.indices, minlength=counts.shape[1])
    # Buckets never seen in training get the largest weight rather than none, so unfamiliar
    # text dilutes what the familiar n-grams say instead of being ignored; measured, giving
    # them none pushed more legitimate comments over the auto-spam threshold.
    idf = np.log((1.0 + n_documents) / (1.0 + document_frequency)) + 1.0
    return idf.astype(np.float32)


def train(
    texts: Sequence[str],
    labels: Sequence[int],
    *,
    weights: Sequence[float] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    corrects: TrainedModel | None = None,
    own_hosts: tuple[str, ...] = (),
) -> TrainedModel:
    """Train a spam model on texts labelled 1 (spam) or 0 (not spam); `weights` says how much
    each label counts (a moderator's decision more than the scorer's own). With `corrects`,
    train what must be added to that model's log-odds instead of a model of its own. Links to
    own_hosts (the site's own) are no links to the cues, as the model will be served."""
    if corrects is None:
        return _train(
            texts,
            labels,
            DEFAULT_SETTINGS,
            weights=weights,
            progress=progress,
            own_hosts=own_hosts,
        )
    settings = {**DEFAULT_SETTINGS, **CORRECTION_SETTINGS, "corrects": corrects.version}
    return _train(
        texts,
        labels,
        settings,
        weights=weights,
        progress=progress,
        offset=corrects.log_odds(list(texts), own_hosts=own_hosts),
        own_hosts=own_hosts,
    )


def _train(
    texts: Sequence[str],
    labels: Sequence[int],
    settings: dict[str, Any],
    *,
    weights: Sequence[float] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    offset: np.ndarray | None = None,
    own_hosts: tuple[str, ...] = (),
) -> TrainedModel:
    """Train with the given settings rather than the defaults, to compare variants; a
    correction ("corrects" in the settings) is fitted on top of the corrected model's
    log-odds, `offset`."""
    total_steps = 4

    def report(step: int, message: str) -> None:
        if progress is not None:
            progress(step, total_steps, message)

    targets = np.asarray(labels, dtype=np.int64)
    if len(texts) != len(targets):
        raise ValueError(f"{len(texts)} texts but {len(targets)} labels")
    if set(np.unique(targets).tolist()) != {0, 1}:
        raise ValueError("labels must contain both 0 (not spam) and 1 (spam), and nothing else")
    # The JSON round trip copies the settings and fails now, not at storage, if one can't be kept.
    settings = json.loads(json.dumps(settings))

    report(0, "hashing n-grams")
    normalized = texts_for_model(texts, settings)
    word_counts = word_vectorizer_build(settings).transform(normalized).tocsr()
    character_counts = character_ngram_counts(normalized, settings)

    report(1, "weighting by inverse document frequency")
    word_idf = _idf(word_counts)
    character_idf = _idf(character_counts)
    sublinear_tf = settings["sublinear_tf"]
    blocks = [
        weighted_rows(word_counts, word_idf, sublinear_tf),
        weighted_rows(character_counts, character_idf, sublinear_tf),
    ]
    if settings.get("dense_features"):
        blocks.append(sp.csr_matrix(dense_rows(texts, settings, own_hosts)))
    rows = sp.hstack(blocks, format="csr")

    report(2, "fitting logistic regression")
    sample_weight = None if weights is None else np.asarray(weights, dtype=np.float64)
    if settings.get("corrects"):
        if offset is None or len(offset) != len(targets):
            raise ValueError("a correction is trained on the corrected model's log-odds")
        coef, intercept = logistic_fit_with_offset(
            rows,
            targets,
            offset=offset,
            weights=sample_weight,
            C=settings["C"],
            fit_intercept=settings.get("fit_intercept", True),
        )
    else:
        # The dual problem is the quicker one while there are fewer comments than hashed
        # features (1.3 s against 0.05 s on 1,586 comments). A fixed random_state keeps the
        # version stable when the same data is trained on again.
        classifier = LogisticRegression(
            C=settings["C"], solver="liblinear", dual=True, max_iter=2000, random_state=0
        )
        classifier.fit(rows, targets, sample_weight=sample_weight)
        coef, intercept = classifier.coef_.ravel(), float(classifier.intercept_[0])

    report(3, "packing parameters")
    word_coef, character_coef, dense_coef = np.split(
        coef.astype(np.float32),
        [word_counts.shape[1], word_counts.shape[1] + character_counts.shape[1]],
    )
    version = _content_hash(
        settings, [word_idf, character_idf, word_coef, character_coef, dense_coef], intercept
    )
    model = TrainedModel(
        version=version,
        n_labels=len(targets),
        settings=settings,
        word_idf=word_idf,
        character_idf=character_idf,
        word_coef=word_coef,
        character_coef=character_coef,
        intercept=intercept,
        dense_coef=dense_coef,
    )
    report(4, "done")
    return model
