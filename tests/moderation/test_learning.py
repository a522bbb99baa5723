"""The learned spam model: training, scoring, storage and text normalisation."""

import io

import numpy as np
import pytest
from sklearn.feature_extraction.text import HashingVectorizer

from moderation import learning, learning_features, learning_model

SPAM_OPENINGS = [
    "check out my channel",
    "subscribe to my channel",
    "visit my website",
    "free gift cards at",
    "make money fast at",
    "please subscribe and like",
    "watch my new video at",
    "earn $500 a day from home",
]
SPAM_LINKS = [
    "http://bit.ly/xyz123",
    "www.cheap-followers.com",
    "https://example-promo.net/win",
    "http://my-channel.tv/subscribe",
    "youtube.com/watch?v=abc",
]
ORDINARY_OPENINGS = [
    "Great article, thanks for",
    "I disagree with the part about",
    "Very clear explanation of",
    "My town had the same problem with",
    "Does anyone know more about",
    "The second chart about",
    "I remember reading about",
    "Interesting point regarding",
]
ORDINARY_SUBJECTS = [
    "the new bus timetable.",
    "the council budget.",
    "the flooding last winter.",
    "school funding in the region.",
    "the heat pump figures.",
]


def labelled_comments() -> tuple[list[str], list[int]]:
    """Return 40 obvious spam comments and 40 ordinary ones, labelled 1 and 0."""
    spam = [f"{opening} {link}" for opening in SPAM_OPENINGS for link in SPAM_LINKS]
    ordinary = [
        f"{opening} {subject}" for opening in ORDINARY_OPENINGS for subject in ORDINARY_SUBJECTS
    ]
    return spam + ordinary, [1] * len(spam) + [0] * len(ordinary)


@pytest.fixture(scope="module")
def model() -> learning_model.TrainedModel:
    """Return a model trained on the synthetic comments."""
    texts, labels = labelled_comments()
    return learning.train(texts, labels)


def test_spammy_text_scores_higher_than_ordinary_text(model):
    """A new spammy comment gets a higher P(spam) than a new ordinary one."""
    spammy, ordinary = model.predict_proba(
        [
            "Subscribe to my channel for free money http://promo.example.com",
            "Thanks for the article, the part about the council budget was clear.",
        ]
    )
    assert spammy > 0.5 > ordinary


def test_model_counts_its_training_examples(model):
    """n_labels is the number of training examples."""
    assert model.n_labels == 80


def test_round_trip_through_bytes_keeps_predictions(model):
    """from_bytes(to_bytes()) predicts exactly what the trained model predicts."""
    texts = ["check out my channel http://x.example", "Nice piece on the budget.", ""]
    loaded = learning_model.TrainedModel.from_bytes(model.to_bytes())
    assert loaded.version == model.version
    assert loaded.n_labels == model.n_labels
    np.testing.assert_array_equal(loaded.predict_proba(texts), model.predict_proba(texts))


def test_stored_bytes_load_without_pickle(model):
    """The stored bytes are an .npz that np.load reads with allow_pickle=False."""
    with np.load(io.BytesIO(model.to_bytes()), allow_pickle=False) as arrays:
        assert all(arrays[name].dtype != object for name in arrays.files)


def test_version_follows_the_training_data():
    """Training on the same data gives the same version and on other data another one."""
    texts, labels = labelled_comments()
    first = learning.train(texts, labels)
    assert learning.train(texts, labels).version == first.version
    changed = learning.train([*texts, "visit my website http://z.example"], [*labels, 1])
    assert changed.version != first.version
    assert len(first.version) == 12


def test_training_reports_progress_up_to_the_last_step():
    """train calls progress with rising steps that end at the total."""
    texts, labels = labelled_comments()
    calls: list[tuple[int, int, str]] = []
    learning.train(
        texts, labels, progress=lambda step, total, message: calls.append((step, total, message))
    )
    steps = [step for step, _, _ in calls]
    assert steps == sorted(steps)
    assert steps[-1] == calls[-1][1]


def test_training_needs_both_labels():
    """Training on one class only is refused."""
    with pytest.raises(ValueError, match="both"):
        learning.train(["a", "b"], [1, 1])


def test_predict_proba_refuses_a_bare_string(model):
    """Passing one string rather than a sequence of texts is an error, not per-letter scores."""
    with pytest.raises(TypeError):
        model.predict_proba("check out my channel")


def test_normalize_unescapes_entities_and_removes_tags():
    """normalize unescapes HTML entities, turns <br /> and tags into spaces and collapses space."""
    text = 'I&#39;m here<br />visit <a href="http://x.example">my  site</a>&amp; more\ufeff'
    assert learning.normalize(text) == "i'm here visit my site & more"


def test_character_ngrams_are_as_many_as_char_wb_makes():
    """Each text yields as many character n-grams as scikit-learn's char_wb analyzer makes."""
    settings = learning.DEFAULT_SETTINGS
    analyzer = HashingVectorizer(
        analyzer="char_wb", ngram_range=tuple(settings["char_ngram_range"]), lowercase=False
    ).build_analyzer()
    texts = ["a", "check out my channel http://x.example", "ünïcode ☃ snow", "two  spaces", ""]
    counts = learning_features.character_ngram_counts(texts, settings)
    assert counts.sum(axis=1).A1.tolist() == [len(analyzer(text)) for text in texts]


def test_a_correction_learns_only_where_the_corrected_model_is_wrong(model):
    """Trained on labels the corrected model already gets right, a correction keeps every
    verdict; trained where the site disagrees (its readers write like that), it turns one."""
    texts, labels = labelled_comments()
    agreeing = learning.train(texts, labels, corrects=model)
    assert agreeing.corrects == model.version
    corrected = model.log_odds(texts) + agreeing.log_odds(texts)
    assert (corrected > 0).astype(int).tolist() == labels
    # A site where "check out my channel" is what readers say of each other's music.
    site_texts = [*texts, *(f"check out my channel, {n} songs a week" for n in range(20))]
    site_labels = [*labels, *([0] * 20)]
    disagreeing = learning.train(site_texts, site_labels, corrects=model)
    text = ["check out my channel, 30 songs a week"]
    assert model.predict_proba(text)[0] > 0.5
    assert model.log_odds(text)[0] + disagreeing.log_odds(text)[0] < 0


def test_a_correction_trained_on_mostly_spam_labels_leaves_unrelated_comments_alone(model):
    """Moderators are asked about what the scorer doubted, nearly all of it spam: that share
    says how the labels were chosen, not that every comment of the site is likelier spam. A
    comment sharing no words with the labels keeps the corrected model's score."""
    spam = [f"cheap sunglasses outlet number {n}, best prices today" for n in range(24)]
    ordinary = ["Lovely photos of the harbour.", "The bakery on the corner closed."]
    correction = learning.train([*spam, *ordinary], [1] * 24 + [0] * 2, corrects=model)
    assert correction.intercept == 0.0
    unrelated = ["Our choir rehearses on Tuesday evenings in the old chapel."]
    assert abs(correction.log_odds(unrelated)[0]) < 0.5
    # What the labels do say is still learnt.
    assert model.log_odds(spam[:1])[0] + correction.log_odds(spam[:1])[0] > 0


def test_a_correction_keeps_what_it_corrects_and_does_not_score_alone(model):
    """Stored and loaded, a correction still names its model; alone it refuses to score."""
    texts, labels = labelled_comments()
    correction = learning.train(texts, labels, corrects=model)
    loaded = learning_model.TrainedModel.from_bytes(correction.to_bytes())
    assert loaded.corrects == model.version and model.corrects == ""
    np.testing.assert_array_equal(loaded.log_odds(texts), correction.log_odds(texts))
    with pytest.raises(ValueError, match="corrects model"):
        loaded.predict_proba(texts)
