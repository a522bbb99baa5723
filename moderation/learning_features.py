"""How the learned spam model reads a text: normalised, hashed into word and character
n-grams, weighted by TF-IDF, and the dense cues of moderation.features.

Training (moderation.learning) and serving (moderation.learning_model) both read texts
through these functions, so a stored model scores the way it was trained. N-grams are hashed
into fixed-size feature spaces, so no vocabulary is stored: the settings rebuild the hashing.
Training weighs them as sparse matrices (weighted_rows); serving scores the same weights
straight from each text's buckets (weighted_scores), as building the matrices took most of a
short comment's scoring time.

Character n-grams are those of scikit-learn's "char_wb" analyzer (each word padded with one
space on either side), but hashed here with numpy: scikit-learn's HashingVectorizer walks them
one by one in Python, which took about 6 ms for a 3,000-character comment against 0.3 ms here.

Scoring imports neither scikit-learn nor SciPy: word n-grams are made as scikit-learn's word
analyzer makes them and hashed with the same MurmurHash3 (the mmh3 package). Importing both
cost every process that scores 1.4 s of CPU and 70 MB (each web process scoring inline, each
Celery worker); only training (moderation.learning) needs them.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from mmh3 import hash as murmurhash3_32

from . import features
from .normalise import text_normalise

if TYPE_CHECKING:
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import HashingVectorizer

_TAG = re.compile(r"<[^>]*>")
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff]")
_WHITESPACE = re.compile(r"\s+")
# scikit-learn's default token_pattern: words of two or more word characters.
_WORD = re.compile(r"(?u)\b\w\w+\b")
_POLYNOMIAL_BASE = np.uint64(1_000_003)
# Fibonacci hashing: multiplying by 2**64 / golden ratio spreads the polynomial hashes so that
# their top bits make evenly used buckets.
_FIBONACCI_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
# Texts hashed at once into arrays of character codes and n-grams: 40,000 comments at once
# held more memory at the peak than their sparse matrices (670 MB against 540), for no gain.
TEXTS_AT_ONCE = 500


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
    """The word n-gram hashing of a model's settings (training: scoring uses word_analyzer_build
    and word_buckets, which place the n-grams in the same buckets)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        analyzer="word",
        ngram_range=tuple(settings["word_ngram_range"]),
        n_features=2 ** settings["hash_bits"],
        alternate_sign=False,
        norm=None,
        lowercase=False,
        dtype=np.float64,
    )


def word_analyzer_build(settings: dict[str, Any]) -> Callable[[str], list[str]]:
    """The word n-grams of a text as word_vectorizer_build's analyzer makes them: its tokens,
    then each run of n of them joined by a space, for n in the settings' range (what
    scikit-learn's _word_ngrams does, in its order)."""
    shortest, longest = settings["word_ngram_range"]
    tokenize = _WORD.findall

    def analyze(text: str) -> list[str]:
        tokens = tokenize(text)
        if longest == 1:
            return tokens
        n_grams = list(tokens) if shortest == 1 else []
        for n in range(max(shortest, 2), min(longest, len(tokens)) + 1):
            n_grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        return n_grams

    return analyze


def word_buckets(
    texts: Sequence[str], analyzer: Callable[[str], list[str]], hash_bits: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return the text index and hash bucket of each word n-gram of the texts, as the
    HashingVectorizer of word_vectorizer_build places them (analyzer: word_analyzer_build's)."""
    n_grams = [analyzer(text) for text in texts]
    rows = np.repeat(
        np.arange(len(texts)), np.array([len(grams) for grams in n_grams], dtype=np.int64)
    )
    # murmurhash3_32 (mmh3's, seed 0) encodes each n-gram as UTF-8 and returns the signed hash,
    # as scikit-learn's does; in int64, abs(-2**31) % n is what scikit-learn special-cases it to.
    hashes = np.fromiter(
        map(murmurhash3_32, itertools.chain.from_iterable(n_grams)), dtype=np.int64, count=len(rows)
    )
    return rows, np.abs(hashes) % (2**hash_bits)


def character_buckets(
    texts: Sequence[str], shortest: int, longest: int, hash_bits: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return the text index and hash bucket of each character n-gram within each space-padded
    word of the texts."""
    words_of_texts = [text.split() for text in texts]
    words = list(itertools.chain.from_iterable(words_of_texts))
    if not words:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    codes = np.frombuffer(
        "".join(f" {word} " for word in words).encode("utf-32-le"), dtype=np.uint32
    ).astype(np.uint64)
    padded_lengths = np.array([len(word) + 2 for word in words])
    # How many characters each position has left in its padded word: an n-gram starting there
    # stays within the word if that is at least n. So all the texts hash as one string.
    room = np.repeat(np.cumsum(padded_lengths), padded_lengths) - np.arange(len(codes))
    starts, hashes = [], []
    # Unlike scikit-learn, a padded word shorter than the shortest n-gram adds nothing; no word
    # is while the shortest n-gram has at most 3 characters (one character and two spaces).
    rolling = codes
    for n in range(1, longest + 1):
        if n > 1:
            # rolling[i] becomes the polynomial hash of codes[i : i + n]; uint64 wraps around.
            rolling = rolling[: len(codes) - n + 1] * _POLYNOMIAL_BASE + codes[n - 1 :]
        if n >= shortest:
            n_gram_starts = np.flatnonzero(room[: len(rolling)] >= n)
            starts.append(n_gram_starts)
            hashes.append(rolling[n_gram_starts] + np.uint64(n))
    # Fibonacci hashing of the hash plus the length, as one array: numpy's fixed cost per
    # operation is most of the time for a short comment.
    mixed = np.concatenate(hashes) * _FIBONACCI_MULTIPLIER
    buckets = (mixed >> np.uint64(64 - hash_bits)).astype(np.int64)
    text_ends = np.cumsum(
        [sum(map(len, text_words)) + 2 * len(text_words) for text_words in words_of_texts]
    )
    return np.searchsorted(text_ends, np.concatenate(starts), side="right"), buckets


def character_ngram_counts(texts: Sequence[str], settings: dict[str, Any]) -> sp.csr_matrix:
    """Counts of each text's hashed character n-grams, one row per (normalised) text."""
    import scipy.sparse as sp  # training only: scoring reads the buckets (weighted_scores)

    shortest, longest = settings["char_ngram_range"]
    hash_bits = settings["hash_bits"]
    rows, columns = [np.empty(0, dtype=np.int64)], [np.empty(0, dtype=np.int64)]
    for start in range(0, len(texts), TEXTS_AT_ONCE):
        chunk = texts[start : start + TEXTS_AT_ONCE]
        chunk_rows, chunk_columns = character_buckets(chunk, shortest, longest, hash_bits)
        rows.append(chunk_rows + start)
        columns.append(chunk_columns)
    # Converting to CSR sums the repeated (row, bucket) pairs into counts.
    return sp.coo_matrix(
        (np.ones(sum(map(len, columns))), (np.concatenate(rows), np.concatenate(columns))),
        shape=(len(texts), 2**hash_bits),
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


def keys_sorted(keys: np.ndarray, *, bound: int) -> np.ndarray:
    """The keys (all below `bound`) in ascending order, as 32-bit integers when they fit.

    Sorting is most of weighted_scores' time for a comment, and numpy sorts 32-bit integers in
    half the time of 64-bit ones (26 µs against 52 for a comment's 2,900 n-grams); the order,
    and so every sum after it, is the same. One comment's keys stay below 2**19, and a batch
    of TEXTS_AT_ONCE below 2**28."""
    if bound <= 2**32:
        keys = keys.astype(np.uint32)
    keys.sort()
    return keys


def weighted_scores(
    blocks: Sequence[tuple[np.ndarray, np.ndarray]],
    n_texts: int,
    idf: np.ndarray,
    coef: np.ndarray,
    sublinear_tf: bool,
) -> np.ndarray:
    """Return for each text the sum over blocks of n-grams, each given as (text index, bucket)
    pairs, of the text's weighted_rows row times coef; idf and coef hold the blocks' end to
    end, each block hashed into as many buckets.

    Scoring a comment this way builds no sparse matrix, which cost more than the arithmetic,
    and the blocks share each step, as numpy's fixed cost per operation is most of a short
    comment's time. Values are summed in the order of a CSR row (buckets ascending), so the
    scores equal those of weighted_rows(counts, idf, sublinear_tf) @ coef, block by block.
    """
    n_blocks = len(blocks)
    n_features = len(idf) // n_blocks
    # Sorted, the keys run by text, then block, then bucket: a group is one block of one text.
    keys = np.concatenate(
        [
            rows * (n_blocks * n_features) + (buckets + block * n_features)
            for block, (rows, buckets) in enumerate(blocks)
        ]
    )
    if not len(keys):
        return np.zeros(n_texts)
    keys = keys_sorted(keys, bound=n_texts * n_blocks * n_features)
    edges = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1], [True])))
    keys = keys[edges[:-1]]
    group_of_value, columns = keys // n_features, keys % (n_blocks * n_features)
    values = np.diff(edges).astype(np.float64)
    if sublinear_tf:
        values = 1.0 + np.log(values)
    values *= idf[columns]
    n_groups = n_texts * n_blocks
    norms = np.sqrt(np.bincount(group_of_value, weights=values**2, minlength=n_groups))
    norms[norms == 0.0] = 1.0
    values /= norms[group_of_value]
    values *= coef[columns]
    per_group = np.bincount(group_of_value, weights=values, minlength=n_groups)
    return per_group.reshape(n_texts, n_blocks).sum(axis=1)


def dense_rows(
    texts: Sequence[str], settings: dict[str, Any], own_hosts: tuple[str, ...] = ()
) -> np.ndarray:
    """The cues of moderation.features for each raw text, scaled as the settings say; links
    to own_hosts (the site's own) are no links."""
    version = settings.get("dense_features", 0)
    if version not in features.NAMES_OF:
        raise ValueError(f"unsupported dense features {version!r}")
    fold_unicode = settings.get("normalise_unicode", False)
    unescaped = [_unescaped(text, fold_unicode=fold_unicode) for text in texts]
    rows = features.dense_rows(unescaped, version, own_hosts)
    return rows * settings.get("dense_scale", 1.0)


def reading(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings that say how a text is turned into features (not how it was fitted)."""
    fitting = ("C", "corrects", "fit_intercept")
    return {name: value for name, value in settings.items() if name not in fitting}
