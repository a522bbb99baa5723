"""How the learned spam model reads a text: normalised, hashed into word and character
n-grams, weighted by TF-IDF, and the dense cues of moderation.features.

Training (moderation.learning) and serving (moderation.learning_model) both read texts
through these functions, so a stored model scores the way it was trained. N-grams are hashed
into fixed-size feature spaces, so no vocabulary is stored: the settings rebuild the hashing.

Character n-grams are those of scikit-learn's "char_wb" analyzer (each word padded with one
space on either side), but hashed here with numpy: scikit-learn's HashingVectorizer walks them
one by one in Python, which took about 6 ms for a 3,000-character comment against 0.3 ms here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from . import features
from .normalise import text_normalise

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


def text_for_model(text: str, *, lowercase: bool, fold_unicode: bool) -> str:
    """Return the text unescaped, untagged and collapsed (lowercased and Unicode-folded if
    the settings say so), as the n-grams are taken from it."""
    text = _unescaped(text, fold_unicode=fold_unicode)
    # Tags are replaced by a space (not removed) so words on either side of <br /> stay apart.
    text = _TAG.sub(" ", text)
    text = _INVISIBLE.sub("", text)
    text = _WHITESPACE.sub(" ", text).strip()
    return text.lower() if lowercase else text


def texts_for_model(texts: Sequence[str], settings: dict[str, Any]) -> list[str]:
    """Each text as text_for_model reads it under a model's settings."""
    lowercase = settings["lowercase"]
    # Models stored without the key were trained without Unicode folding.
    fold_unicode = settings.get("normalise_unicode", False)
    return [text_for_model(text, lowercase=lowercase, fold_unicode=fold_unicode) for text in texts]


def word_vectorizer_build(settings: dict[str, Any]) -> HashingVectorizer:
    """The word n-gram hashing of a model's settings."""
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


def character_ngram_counts(texts: Sequence[str], settings: dict[str, Any]) -> sp.csr_matrix:
    """Counts of each text's hashed character n-grams, one row per (normalised) text."""
    shortest, longest = settings["char_ngram_range"]
    hash_bits = settings["hash_bits"]
    per_text = [_character_buckets(text, shortest, longest, hash_bits) for text in texts]
    rows = np.repeat(np.arange(len(texts)), [len(buckets) for buckets in per_text])
    columns = np.concatenate(per_text) if per_text else np.empty(0, dtype=np.int64)
    # Converting to CSR sums the repeated (row, bucket) pairs into counts.
    return sp.coo_matrix(
        (np.ones(len(columns)), (rows, columns)), shape=(len(texts), 2**hash_bits)
    ).tocsr()


def weighted_rows(counts: sp.csr_matrix, idf: np.ndarray, sublinear_tf: bool) -> sp.csr_matrix:
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


def dense_rows(texts: Sequence[str], settings: dict[str, Any]) -> np.ndarray:
    """The cues of moderation.features for each raw text, scaled as the settings say."""
    if settings.get("dense_features", 0) != features.VERSION:
        raise ValueError(f"unsupported dense features {settings.get('dense_features')!r}")
    fold_unicode = settings.get("normalise_unicode", False)
    rows = features.dense_rows([_unescaped(text, fold_unicode=fold_unicode) for text in texts])
    return rows * settings.get("dense_scale", 1.0)


def reading(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings that say how a text is turned into features (not how it was fitted)."""
    return {name: value for name, value in settings.items() if name not in ("C", "corrects")}
