"""Scoring a comment without sparse matrices: the same scores as the sparse rows training
builds, for the starter, small trained models and a correction."""

import re._constants as re_constants
import re._parser as re_parser

import numpy as np
import pytest
import scipy.sparse

from moderation import features, learning, learning_features, learning_model
from moderation.starter import starter_model

VARIED_TEXTS = [
    "",
    "   ",
    "\n\t \u00a0",
    "a",
    "<p>Hello <b>world</b></p><br />and <a href='http://x.example'>a link</a>",
    "&amp; &lt;script&gt;alert(1)&lt;/script&gt; &#39;quoted&#39;",
    "🔥🔥 so good 😂😂😂 👍🏽",
    "この動画は本当に素晴らしいです、チャンネル登録しました",
    "Привет всем, подпишитесь на мой канал",
    "مرحبا بالجميع اشتركوا في قناتي",
    "यह गाना बहुत अच्छा है",
    "buy buy buy buy buy buy buy buy now now now",
    "CHECK OUT MY CHANNEL!!! FREE GIFT CARDS http://bit.ly/xyz123",
    "\uff26\uff55\uff4c\uff4c width, zero\u200bwidth\ufeff joiners",
    "call +1 555 0100 or whatsapp me, 24/7",
    "The council approved 12 permits this year; the report is clearer than last year's.",
    "great video, " * 400 + "subscribe to www.example-promo.net",
    "x" * 3000,
]
SPAM = [
    "subscribe to my channel for free gift cards http://gifts{n}.example",
    "check out my new video and follow me for a shoutout {n}",
    "earn money from home, visit www.cash{n}.example now",
]
HAM = [
    "The section on winter storage was clearer than last year's report ({n}).",
    "I disagree about the permits; the council has approved {n} this year.",
    "Thanks for the follow-up, the figures helped.",
]


def labelled_texts() -> tuple[list[str], list[int]]:
    """Return 36 spam and 36 ordinary comments, labelled 1 and 0."""
    texts = [text.format(n=n) for n in range(12) for text in (*SPAM, *HAM)]
    return texts, [1, 1, 1, 0, 0, 0] * 12


def sparse_log_odds(model: learning_model.TrainedModel, texts: list[str]) -> np.ndarray:
    """The model's log-odds through the sparse TF-IDF rows that training builds."""
    settings = model.settings
    normalized = learning_features.texts_for_model(texts, settings)
    word_counts = learning_features.word_vectorizer_build(settings).transform(normalized)
    character_counts = learning_features.character_ngram_counts(normalized, settings)
    sublinear_tf = settings["sublinear_tf"]
    scores = (
        learning_features.weighted_rows(word_counts, model.word_idf, sublinear_tf) @ model.word_coef
        + learning_features.weighted_rows(character_counts, model.character_idf, sublinear_tf)
        @ model.character_coef
    )
    if len(model.dense_coef):
        scores = scores + learning_features.dense_rows(texts, settings) @ model.dense_coef
    return scores + model.intercept


def sparse_probabilities(model: learning_model.TrainedModel, texts: list[str]) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-sparse_log_odds(model, texts)))


def trained(**overrides) -> learning_model.TrainedModel:
    texts, labels = labelled_texts()
    return learning._train(texts, labels, {**learning.DEFAULT_SETTINGS, **overrides})


@pytest.fixture(scope="module")
def models() -> dict[str, learning_model.TrainedModel]:
    """The starter and small models trained with and without dense cues and other settings."""
    return {
        "starter": starter_model(),
        "dense": trained(),
        "n-grams alone": trained(dense_features=0),
        "other hashing": trained(
            dense_features=0,
            sublinear_tf=False,
            hash_bits=12,
            word_ngram_range=[1, 3],
            char_ngram_range=[1, 4],
            lowercase=False,
        ),
    }


@pytest.fixture
def no_sparse_matrices(monkeypatch):
    """Make building a scipy sparse matrix an error."""

    def refuse(*args, **kwargs):
        raise AssertionError("a scipy sparse matrix was built")

    for name in ("coo_matrix", "csr_matrix", "coo_array", "csr_array"):
        monkeypatch.setattr(scipy.sparse, name, refuse)


@pytest.mark.parametrize("name", ["starter", "dense", "n-grams alone", "other hashing"])
def test_scores_equal_the_sparse_rows_for_a_batch_and_for_each_text_alone(models, name):
    """Each model gives the probabilities of the sparse TF-IDF rows, in a batch and alone."""
    model = models[name]
    texts = [*VARIED_TEXTS, *labelled_texts()[0]]
    expected = sparse_probabilities(model, texts)
    np.testing.assert_allclose(model.predict_proba(texts), expected, rtol=1e-9, atol=0)
    alone = [model.predict_proba([text])[0] for text in texts]
    np.testing.assert_allclose(alone, expected, rtol=1e-9, atol=0)


def test_texts_without_n_grams_score_as_the_intercept_and_dense_cues(models):
    """A batch of texts with no word or character n-gram scores as the sparse rows do."""
    model = models["dense"]
    texts = ["", " ", "<br />", "\u200b"]
    np.testing.assert_allclose(model.log_odds(texts), sparse_log_odds(model, texts), rtol=1e-9)


def test_a_correction_adds_the_log_odds_of_its_sparse_rows(models):
    """Starter plus correction, read once for both, equals the sum of their sparse log-odds."""
    starter = models["starter"]
    texts, labels = labelled_texts()
    correction = learning.train(texts, labels, corrects=starter)
    scored = [*VARIED_TEXTS, *texts]
    expected = sparse_log_odds(starter, scored) + sparse_log_odds(correction, scored)
    np.testing.assert_allclose(starter.log_odds_pair(correction, scored), expected, rtol=1e-9)
    alone = [starter.log_odds_pair(correction, [text])[0] for text in scored]
    np.testing.assert_allclose(alone, expected, rtol=1e-9)


def test_scoring_builds_no_sparse_matrix(models, no_sparse_matrices):
    """Scoring one comment, a batch or a correction builds no scipy sparse matrix."""
    starter = models["starter"]
    assert 0.0 < starter.predict_proba(["check out my channel http://x.example"])[0] < 1.0
    assert len(starter.predict_proba(VARIED_TEXTS)) == len(VARIED_TEXTS)
    assert len(starter.log_odds_pair(models["dense"], VARIED_TEXTS)) == len(VARIED_TEXTS)


def test_word_buckets_are_those_of_the_hashing_vectorizer():
    """Each text's word n-gram buckets, counted, are the columns the HashingVectorizer fills."""
    settings = learning.DEFAULT_SETTINGS
    normalized = learning_features.texts_for_model(VARIED_TEXTS, settings)
    vectorizer = learning_features.word_vectorizer_build(settings)
    rows, buckets = learning_features.word_buckets(
        normalized, learning_features.word_analyzer_build(settings), settings["hash_bits"]
    )
    counted = scipy.sparse.coo_matrix(
        (np.ones(len(buckets)), (rows, buckets)),
        shape=(len(normalized), 2 ** settings["hash_bits"]),
    ).tocsr()
    assert (counted != vectorizer.transform(normalized)).nnz == 0


@pytest.mark.parametrize("word_ngram_range", [(1, 1), (1, 2), (1, 3), (2, 2), (2, 4)])
def test_word_n_grams_are_those_of_scikit_learns_analyzer(word_ngram_range):
    """Scoring makes a text's word n-grams without scikit-learn, the same ones in the same
    order as the analyzer the model was trained with."""
    settings = {**learning.DEFAULT_SETTINGS, "word_ngram_range": word_ngram_range}
    texts = [
        *learning_features.texts_for_model(VARIED_TEXTS, settings),
        *VARIED_TEXTS,  # unnormalised too: capitals, tags, punctuation between words
        "one",
        "one two",
        "a b c d e",  # one-letter words are no tokens
        "snake_case and 1st 2nd x2 o'clock naïve café",
    ]
    expected = learning_features.word_vectorizer_build(settings).build_analyzer()
    analyzer = learning_features.word_analyzer_build(settings)
    assert [analyzer(text) for text in texts] == [expected(text) for text in texts]


def test_word_hashes_are_scikit_learns():
    """mmh3 hashes each n-gram as scikit-learn's murmurhash3_32 does (seed 0, signed, UTF-8)."""
    from sklearn.utils import murmurhash3_32 as scikit_learns

    analyzer = learning_features.word_analyzer_build(learning.DEFAULT_SETTINGS)
    n_grams = [n_gram for text in VARIED_TEXTS for n_gram in analyzer(text.lower())]
    n_grams += ["", "a", "ab", "abc", "abcd", "abcde", "☃", "ünï", "x" * 1001]
    assert len(n_grams) > 100
    hashes = [learning_features.murmurhash3_32(n_gram) for n_gram in n_grams]
    assert hashes == [scikit_learns(n_gram) for n_gram in n_grams]
    assert min(hashes) < 0 < max(hashes)


def test_a_hash_of_int_min_takes_scikit_learns_bucket(monkeypatch):
    """A word hashing to -2**31 (whose abs overflows in int32) goes where scikit-learn puts it."""
    monkeypatch.setattr(learning_features, "murmurhash3_32", lambda n_gram: -(2**31))
    hash_bits = 10
    _rows, buckets = learning_features.word_buckets(["word"], str.split, hash_bits)
    n_features = 2**hash_bits
    # scikit-learn's feature_extraction/_hashing_fast.pyx, for h == INT_MIN.
    assert buckets.tolist() == [(2147483647 - (n_features - 1)) % n_features]


def test_a_long_batch_read_a_few_texts_at_a_time_scores_as_all_at_once(models, monkeypatch):
    """Texts read a few at a time, as a long batch is, score and count as all at once."""
    model, starter = models["dense"], models["starter"]
    texts = [*VARIED_TEXTS, *labelled_texts()[0]]
    expected = sparse_log_odds(model, texts)
    expected_pair = sparse_log_odds(starter, texts) + expected
    normalized = learning_features.texts_for_model(texts, model.settings)
    counts = learning_features.character_ngram_counts(normalized, model.settings)
    monkeypatch.setattr(learning_model, "TEXTS_AT_ONCE", 7)
    monkeypatch.setattr(learning_features, "TEXTS_AT_ONCE", 7)
    np.testing.assert_allclose(model.log_odds(texts), expected, rtol=1e-9)
    np.testing.assert_allclose(starter.log_odds_pair(model, texts), expected_pair, rtol=1e-9)
    chunked = learning_features.character_ngram_counts(normalized, model.settings)
    assert (chunked != counts).nnz == 0


@pytest.mark.parametrize(
    "text",
    [
        "Plain ASCII with CAPITALS, digits 0123 and punctuation!?",
        "",
        "Ünïcödé CAPITALS ÄÖÜ ß, Greek ΑΒΓ αβγ, titlecase ǅ, Arabic-Indic digits ٣٤٥",
        "Full-width \uff21\uff22\uff23\uff11\uff12\uff13 and a circled \u2460 (a digit to isdigit)",
        "emoji 👍 and a tab\tand a newline\n",
    ],
)
def test_the_cues_count_characters_as_the_str_methods_do(text):
    """The cues' letter, capital and digit counts (a fast path for ASCII) are exactly those
    of str.isalpha, isupper and isdigit, so a model scores as it was trained."""
    letters = [character for character in text if character.isalpha()]
    expected = (
        len(letters),
        sum(character.isupper() for character in letters),
        sum(character.isdigit() for character in text),
    )
    assert features._character_counts(text) == expected


def _first_letters(items) -> set[str]:
    """The letters a parsed pattern's matches can start with (literals, groups, branches)."""
    operation, argument = items[0]
    if operation is re_constants.LITERAL:
        return {chr(argument).lower()}
    if operation is re_constants.SUBPATTERN:
        return _first_letters(list(argument[3]))
    if operation is re_constants.BRANCH:
        return set().union(*(_first_letters(list(branch)) for branch in argument[1]))
    raise AssertionError(f"a pattern starting with {operation} needs another look here")


@pytest.mark.parametrize(
    "name", ["PROMOTION", "ENGAGEMENT", "PROMOTION_AUTHORS", "ENGAGEMENT_ASKS"]
)
def test_each_cue_pattern_looks_ahead_for_every_first_letter_of_its_words(name):
    """The look-ahead that spares trying every word at every boundary lets through each
    letter the pattern's words start with, so it finds what it found without one."""
    pattern = getattr(features, name)
    boundary, (lookahead, rest) = list(re_parser.parse(pattern.pattern, pattern.flags))[:2]
    assert boundary[0] is re_constants.AT and lookahead is re_constants.ASSERT
    gate = {chr(value) for _, value in rest[1][0][1]}
    words = list(re_parser.parse(pattern.pattern, pattern.flags))[2:]
    assert _first_letters(words) == gate


def test_keys_are_sorted_as_32_bit_integers_while_they_fit():
    """A comment's n-gram keys are sorted as 32-bit integers (twice as fast), in the order
    the 64-bit ones sort in; keys that could pass 2**32 stay 64-bit."""
    keys = np.random.default_rng(5).integers(0, 2**19, 3000)
    fitting = learning_features.keys_sorted(keys.copy(), bound=2**19)
    assert fitting.dtype == np.uint32
    np.testing.assert_array_equal(fitting, np.sort(keys))
    wide = learning_features.keys_sorted(keys + 2**32, bound=2**33)
    assert wide.dtype == np.int64
    np.testing.assert_array_equal(wide, np.sort(keys) + 2**32)
