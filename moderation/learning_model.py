"""A trained spam model as it is served: scoring texts, and stored as numpy arrays.

Only numpy arrays and a JSON header are stored (as .npz), so a model kept in the database
loads in every worker without pickle. No vocabulary is stored either: the hashing is rebuilt
from the settings (moderation.learning_features). Training is moderation.learning.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from .learning_features import (
    TEXTS_AT_ONCE,
    character_buckets,
    dense_rows,
    reading,
    texts_for_model,
    weighted_scores,
    word_analyzer_build,
    word_buckets,
)

STORAGE_FORMAT = 1


class _Reading(NamedTuple):
    """Texts as a model reads them: the (text index, bucket) pairs of their word and character
    n-grams, and their dense cues (None without)."""

    n_texts: int
    words: tuple[np.ndarray, np.ndarray]
    characters: tuple[np.ndarray, np.ndarray]
    dense: np.ndarray | None


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
    _word_analyzer: Callable[[str], list[str]] = field(init=False, repr=False, compare=False)
    _idf: np.ndarray = field(init=False, repr=False, compare=False)
    _coef: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Built once per model: predict_proba runs per comment and must not pay for it.
        analyzer = word_analyzer_build(self.settings)
        object.__setattr__(self, "_word_analyzer", analyzer)
        # Scoring looks words and characters up in one array each (weighted_scores); the
        # separate arrays become views of them, so the model is not held twice.
        n_words = len(self.word_idf)
        for name, words, characters in (
            ("idf", self.word_idf, self.character_idf),
            ("coef", self.word_coef, self.character_coef),
        ):
            joined = np.concatenate([words, characters])
            object.__setattr__(self, f"_{name}", joined)
            object.__setattr__(self, f"word_{name}", joined[:n_words])
            object.__setattr__(self, f"character_{name}", joined[n_words:])

    @property
    def corrects(self) -> str:
        """The version of the model this one corrects ('' for a model that stands alone): its
        log-odds are added to that model's (moderation.blending)."""
        return self.settings.get("corrects", "")

    def log_odds(self, texts: Sequence[str], *, own_hosts: tuple[str, ...] = ()) -> np.ndarray:
        """Return log(P / (1 - P)) for each text; for a correction, what it adds. Links to
        own_hosts (the site's own) are no links to the cues (moderation.features)."""
        if isinstance(texts, str):
            raise TypeError("log_odds takes a sequence of texts, not one string")
        return self._scores(texts, own_hosts=own_hosts)

    def log_odds_pair(
        self, correction: TrainedModel, texts: Sequence[str], *, own_hosts: tuple[str, ...] = ()
    ) -> np.ndarray:
        """This model's log-odds plus those of a correction that reads texts the same way,
        hashing each text once for both (scoring time is per comment)."""
        if isinstance(texts, str) or not len(texts):
            return self.log_odds(texts, own_hosts=own_hosts)
        if reading(self.settings) != reading(correction.settings):
            return self.log_odds(texts, own_hosts=own_hosts) + correction.log_odds(
                texts, own_hosts=own_hosts
            )
        return self._scores(texts, correction, own_hosts)

    def _scores(
        self,
        texts: Sequence[str],
        correction: TrainedModel | None = None,
        own_hosts: tuple[str, ...] = (),
    ) -> np.ndarray:
        # A few hundred texts at a time, as training hashes them: a correction is trained on
        # the starter's log-odds of all the site's comments.
        scores = []
        for start in range(0, len(texts), TEXTS_AT_ONCE):
            read = self._read(texts[start : start + TEXTS_AT_ONCE], own_hosts)
            chunk = self._read_scores(read)
            scores.append(chunk if correction is None else chunk + correction._read_scores(read))
        return np.concatenate(scores) if scores else np.empty(0)

    def _read(self, texts: Sequence[str], own_hosts: tuple[str, ...]) -> _Reading:
        # Training builds these n-grams into sparse matrices (moderation.learning); scoring
        # keeps them as (text index, bucket) pairs, since building the matrices took most of
        # a comment's scoring time.
        normalized = texts_for_model(texts, self.settings)
        shortest, longest = self.settings["char_ngram_range"]
        hash_bits = self.settings["hash_bits"]
        return _Reading(
            n_texts=len(texts),
            words=word_buckets(normalized, self._word_analyzer, hash_bits),
            characters=character_buckets(normalized, shortest, longest, hash_bits),
            dense=(
                dense_rows(texts, self.settings, own_hosts)
                if self.settings.get("dense_features")
                else None
            ),
        )

    def _read_scores(self, read: _Reading) -> np.ndarray:
        scores = weighted_scores(
            [read.words, read.characters],
            read.n_texts,
            self._idf,
            self._coef,
            self.settings["sublinear_tf"],
        )
        if len(self.dense_coef):
            scores = scores + read.dense @ self.dense_coef
        return scores + self.intercept

    def predict_proba(self, texts: Sequence[str], *, own_hosts: tuple[str, ...] = ()) -> np.ndarray:
        """Return P(spam) for each text; links to own_hosts (the site's own) are no links to
        the cues (moderation.features)."""
        if isinstance(texts, str):
            raise TypeError("predict_proba takes a sequence of texts, not one string")
        if self.corrects:
            raise ValueError(
                f"model {self.version} corrects model {self.corrects}: it scores only beside it"
                " (moderation.blending)"
            )
        return 1.0 / (1.0 + np.exp(-self._scores(texts, own_hosts=own_hosts)))

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
