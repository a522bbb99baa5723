"""A trained spam model as it is served: scoring texts, and stored as numpy arrays.

Only numpy arrays and a JSON header are stored (as .npz), so a model kept in the database
loads in every worker without pickle. No vocabulary is stored either: the hashing is rebuilt
from the settings (moderation.learning_features). Training is moderation.learning.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from .learning_features import (
    character_ngram_counts,
    dense_rows,
    reading,
    texts_for_model,
    weighted_rows,
    word_vectorizer_build,
)

STORAGE_FORMAT = 1


@dataclass(frozen=True, eq=False)
class TrainedModel:
    """A spam classifier whose parameters are plain numpy arrays."""

    version: str
    n_labels: int
    settings: dict[str, Any]
    word_idf: np.ndarray
    character_idf: np.ndarray
    word_coef: np.ndarray
    character_coef: np.ndarray
    intercept: float
    # Empty for a model trained on n-grams alone.
    dense_coef: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.float32))
    # What it was trained on and how well it did then: not part of its version.
    notes: dict[str, Any] = field(default_factory=dict)
    _word_vectorizer: HashingVectorizer = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Built once per model: predict_proba runs per comment and must not pay for it.
        object.__setattr__(self, "_word_vectorizer", word_vectorizer_build(self.settings))

    @property
    def corrects(self) -> str:
        """The version of the model this one corrects ('' for a model that stands alone): its
        log-odds are added to that model's (moderation.blending)."""
        return self.settings.get("corrects", "")

    def log_odds(self, texts: Sequence[str]) -> np.ndarray:
        """Return log(P / (1 - P)) for each text; for a correction, what it adds."""
        if isinstance(texts, str):
            raise TypeError("log_odds takes a sequence of texts, not one string")
        return self._scores(texts) if len(texts) else np.empty(0)

    def log_odds_pair(self, correction: TrainedModel, texts: Sequence[str]) -> np.ndarray:
        """This model's log-odds plus those of a correction that reads texts the same way,
        hashing each text once for both (scoring time is per comment)."""
        if isinstance(texts, str) or not len(texts):
            return self.log_odds(texts)
        if reading(self.settings) != reading(correction.settings):
            return self.log_odds(texts) + correction.log_odds(texts)
        counts = self._counts(texts)
        return self._scores(texts, counts) + correction._scores(texts, counts)

    def _counts(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray]:
        normalized = texts_for_model(texts, self.settings)
        dense = dense_rows(texts, self.settings) if self.settings.get("dense_features") else None
        return (
            self._word_vectorizer.transform(normalized),
            character_ngram_counts(normalized, self.settings),
            dense,
        )

    def _scores(self, texts: Sequence[str], counts=None) -> np.ndarray:
        word_counts, character_counts, dense = counts or self._counts(texts)
        sublinear_tf = self.settings["sublinear_tf"]
        word_rows = weighted_rows(word_counts, self.word_idf, sublinear_tf)
        character_rows = weighted_rows(character_counts, self.character_idf, sublinear_tf)
        scores = np.asarray(
            word_rows @ self.word_coef + character_rows @ self.character_coef, dtype=np.float64
        )
        if len(self.dense_coef):
            scores = scores + dense @ self.dense_coef
        return scores + self.intercept

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Return P(spam) for each text."""
        if isinstance(texts, str):
            raise TypeError("predict_proba takes a sequence of texts, not one string")
        if self.corrects:
            raise ValueError(
                f"model {self.version} corrects model {self.corrects}: it scores only beside it"
                " (moderation.blending)"
            )
        if len(texts) == 0:
            return np.empty(0)
        return 1.0 / (1.0 + np.exp(-self._scores(texts)))

    def to_bytes(self) -> bytes:
        """Return the model as a compressed .npz that loads without pickle."""
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **_arrays(self))
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> TrainedModel:
        """Load a model written by to_bytes."""
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            header = json.loads(str(arrays["header"][()]))
            if header["format"] != STORAGE_FORMAT:
                raise ValueError(f"unsupported spam model format {header['format']!r}")
            return cls(
                version=header["version"],
                n_labels=header["n_labels"],
                settings=header["settings"],
                word_idf=arrays["word_idf"],
                character_idf=arrays["character_idf"],
                word_coef=arrays["word_coef"],
                character_coef=arrays["character_coef"],
                intercept=header["intercept"],
                notes=header.get("notes", {}),
                **({"dense_coef": arrays["dense_coef"]} if "dense_coef" in arrays else {}),
            )


def _arrays(model: TrainedModel) -> dict[str, np.ndarray]:
    header = {
        "format": STORAGE_FORMAT,
        "version": model.version,
        "n_labels": model.n_labels,
        "settings": model.settings,
        "intercept": model.intercept,
        "notes": model.notes,
    }
    return {
        "header": np.array(json.dumps(header, sort_keys=True)),
        "word_idf": model.word_idf,
        "character_idf": model.character_idf,
        "word_coef": model.word_coef,
        "character_coef": model.character_coef,
        "dense_coef": model.dense_coef,
    }
