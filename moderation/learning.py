"""Learned spam model: hashed word and character n-grams, TF-IDF, logistic regression.

Only numpy arrays and a JSON header are stored (as .npz), so a model kept in the database
loads in every worker without pickle. N-grams are hashed into fixed-size feature spaces, so
no vocabulary is stored either: prediction rebuilds the hashing from the settings.

Character n-grams are those of scikit-learn's "char_wb" analyzer (each word padded with one
space on either side), but hashed here with numpy: scikit-learn's HashingVectorizer walks them
one by one in Python, which took about 6 ms for a 3,000-character comment against 0.3 ms here.

One module, past 300 lines, on purpose: hashing, weighting, training and storage must agree
on every detail for a stored model to score the way it was trained, and they are read and
changed together. `_train` is one function for the same reason: its steps share the
features' layout.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression

from . import features
from .logistic import logistic_fit_with_offset
from .normalise import text_normalise

STORAGE_FORMAT = 1

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
CORRECTION_SETTINGS: dict[str, Any] = {"C": 30.0}

_TAG = re.compile(r"<[^>]*>")
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff]")
_WHITESPACE = re.compile(r"\s+")
_POLYNOMIAL_BASE = np.uint64(1_000_003)
# Fibonacci hashing: multiplying by 2**64 / golden ratio spreads the polynomial hashes so that
# their top bits make evenly used buckets.
_FIBONACCI_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


def _unescaped(text: str, *, fold_unicode: bool) -> str:
    text = html.unescape(text)
    return text_normalise(text) if fold_unicode else text


def _normalize(text: str, *, lowercase: bool, fold_unicode: bool) -> str:
    text = _unescaped(text, fold_unicode=fold_unicode)
    # Tags are replaced by a space (not removed) so words on either side of <br /> stay apart.
    text = _TAG.sub(" ", text)
    text = _INVISIBLE.sub("", text)
    text = _WHITESPACE.sub(" ", text).strip()
    return text.lower() if lowercase else text


def normalize(text: str) -> str:
    """Return the text as the default model sees it: unescaped, untagged, collapsed, lowercased."""
    return _normalize(
        text,
        lowercase=DEFAULT_SETTINGS["lowercase"],
        fold_unicode=DEFAULT_SETTINGS["normalise_unicode"],
    )


def _build_word_vectorizer(settings: dict[str, Any]) -> HashingVectorizer:
    return HashingVectorizer(
        analyzer="word",
        ngram_range=tuple(settings["word_ngram_range"]),
        n_features=2 ** settings["hash_bits"],
        alternate_sign=False,
        norm=None,
        lowercase=False,
        dtype=np.float64,
    )


def _character_buckets(text: str, shortest: int, longest: int, hash_bits: int) -> np.ndarray:
    """Return the hash bucket of each character n-gram within each space-padded word."""
    words = text.split()
    if not words:
        return np.empty(0, dtype=np.int64)
    codes = np.frombuffer(
        "".join(f" {word} " for word in words).encode("utf-32-le"), dtype=np.uint32
    ).astype(np.uint64)
    padded_lengths = np.array([len(word) + 2 for word in words])
    word_end = np.repeat(np.cumsum(padded_lengths), padded_lengths)
    starts = np.arange(len(codes))
    buckets = []
    # Unlike scikit-learn, a padded word shorter than the shortest n-gram adds nothing; no word
    # is while the shortest n-gram has at most 3 characters (one character and two spaces).
    rolling = np.zeros(len(codes), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for n in range(1, longest + 1):
            # rolling[i] becomes the polynomial hash of codes[i : i + n]; uint64 wraps around.
            rolling = rolling[: len(codes) - n + 1] * _POLYNOMIAL_BASE + codes[n - 1 :]
            if n >= shortest:
                within_word = starts[: len(rolling)] + n <= word_end[: len(rolling)]
                buckets.append(_bucket(rolling[within_word], n, hash_bits))
    return np.concatenate(buckets)


def _bucket(hashes: np.ndarray, length: int, hash_bits: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        mixed = (hashes + np.uint64(length)) * _FIBONACCI_MULTIPLIER
    return (mixed >> np.uint64(64 - hash_bits)).astype(np.int64)


def _character_counts(texts: Sequence[str], settings: dict[str, Any]) -> sp.csr_matrix:
    shortest, longest = settings["char_ngram_range"]
    hash_bits = settings["hash_bits"]
    per_text = [_character_buckets(text, shortest, longest, hash_bits) for text in texts]
    rows = np.repeat(np.arange(len(texts)), [len(buckets) for buckets in per_text])
    columns = np.concatenate(per_text) if per_text else np.empty(0, dtype=np.int64)
    # Converting to CSR sums the repeated (row, bucket) pairs into counts.
    return sp.coo_matrix(
        (np.ones(len(columns)), (rows, columns)), shape=(len(texts), 2**hash_bits)
    ).tocsr()


def _weighted_rows(counts: sp.csr_matrix, idf: np.ndarray, sublinear_tf: bool) -> sp.csr_matrix:
    """Return the count rows as L2-normalised TF-IDF rows."""
    weighted = counts.astype(np.float64, copy=True)
    if sublinear_tf:
        weighted.data = 1.0 + np.log(weighted.data)
    weighted.data *= idf[weighted.indices]
    n_rows = weighted.shape[0]
    row_of_value = np.repeat(np.arange(n_rows), np.diff(weighted.indptr))
    norms = np.sqrt(np.bincount(row_of_value, weights=weighted.data**2, minlength=n_rows))
    norms[norms == 0.0] = 1.0
    weighted.data /= norms[row_of_value]
    return weighted


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
        object.__setattr__(self, "_word_vectorizer", _build_word_vectorizer(self.settings))

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
        if _reading(self.settings) != _reading(correction.settings):
            return self.log_odds(texts) + correction.log_odds(texts)
        counts = self._counts(texts)
        return self._scores(texts, counts) + correction._scores(texts, counts)

    def _counts(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray]:
        lowercase = self.settings["lowercase"]
        fold_unicode = self.settings.get("normalise_unicode", False)
        normalized = [
            _normalize(text, lowercase=lowercase, fold_unicode=fold_unicode) for text in texts
        ]
        dense = _dense(texts, self.settings) if self.settings.get("dense_features") else None
        return (
            self._word_vectorizer.transform(normalized),
            _character_counts(normalized, self.settings),
            dense,
        )

    def _scores(self, texts: Sequence[str], counts=None) -> np.ndarray:
        word_counts, character_counts, dense = counts or self._counts(texts)
        sublinear_tf = self.settings["sublinear_tf"]
        word_rows = _weighted_rows(word_counts, self.word_idf, sublinear_tf)
        character_rows = _weighted_rows(character_counts, self.character_idf, sublinear_tf)
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


def _reading(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings that say how a text is turned into features (not how it was fitted)."""
    return {name: value for name, value in settings.items() if name not in ("C", "corrects")}


def _dense(texts: Sequence[str], settings: dict[str, Any]) -> np.ndarray:
    if settings.get("dense_features", 0) != features.VERSION:
        raise ValueError(f"unsupported dense features {settings.get('dense_features')!r}")
    fold_unicode = settings.get("normalise_unicode", False)
    rows = features.dense_rows([_unescaped(text, fold_unicode=fold_unicode) for text in texts])
    return rows * settings.get("dense_scale", 1.0)


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
) -> TrainedModel:
    """Train a spam model on texts labelled 1 (spam) or 0 (not spam); `weights` says how much
    each label counts (a moderator's decision more than the scorer's own). With `corrects`,
    train what must be added to that model's log-odds instead of a model of its own."""
    if corrects is None:
        return _train(texts, labels, DEFAULT_SETTINGS, weights=weights, progress=progress)
    settings = {**DEFAULT_SETTINGS, **CORRECTION_SETTINGS, "corrects": corrects.version}
    return _train(
        texts,
        labels,
        settings,
        weights=weights,
        progress=progress,
        offset=corrects.log_odds(list(texts)),
    )


def _train(
    texts: Sequence[str],
    labels: Sequence[int],
    settings: dict[str, Any],
    *,
    weights: Sequence[float] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    offset: np.ndarray | None = None,
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
    normalized = [
        _normalize(
            text,
            lowercase=settings["lowercase"],
            fold_unicode=settings.get("normalise_unicode", False),
        )
        for text in texts
    ]
    word_counts = _build_word_vectorizer(settings).transform(normalized).tocsr()
    character_counts = _character_counts(normalized, settings)

    report(1, "weighting by inverse document frequency")
    word_idf = _idf(word_counts)
    character_idf = _idf(character_counts)
    sublinear_tf = settings["sublinear_tf"]
    blocks = [
        _weighted_rows(word_counts, word_idf, sublinear_tf),
        _weighted_rows(character_counts, character_idf, sublinear_tf),
    ]
    if settings.get("dense_features"):
        blocks.append(sp.csr_matrix(_dense(texts, settings)))
    rows = sp.hstack(blocks, format="csr")

    report(2, "fitting logistic regression")
    sample_weight = None if weights is None else np.asarray(weights, dtype=np.float64)
    if settings.get("corrects"):
        if offset is None or len(offset) != len(targets):
            raise ValueError("a correction is trained on the corrected model's log-odds")
        coef, intercept = logistic_fit_with_offset(
            rows, targets, offset=offset, weights=sample_weight, C=settings["C"]
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
