"""The starter model shipped in the package, its rebuild, the blend with the site's model,
and the cues the model reads besides n-grams."""

import itertools
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from moderation import blending, features, learning, scoring
from moderation.starter import STARTER_FILE, starter_model, starter_replace, starter_summary

SHARED_VIDEOS = Path(__file__).resolve().parents[3] / "shared/data/spam/youtube"

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


def tiny_model(**overrides) -> learning.TrainedModel:
    texts = [t.format(n=n) for n in range(12) for t in (*SPAM, *HAM)]
    labels = [1, 1, 1, 0, 0, 0] * 12
    return learning._train(texts, labels, {**learning.DEFAULT_SETTINGS, **overrides})


def test_the_starter_ships_in_the_package_and_knows_spam_from_comments():
    """The package holds a starter model trained on labelled public comments, with the
    figures it had when built; it tells promotion from conversation without any label."""
    assert STARTER_FILE.is_file()
    model = starter_model()
    summary = starter_summary()
    assert summary["version"] == model.version and summary["n_labels"] == model.n_labels > 1000
    assert "YouTube Spam Collection (CC BY 4.0)" in summary["trained_on"]
    assert summary["cv"]["folds"] == 4 and summary["cv"]["f1"] >= 0.95
    spam, ham = model.predict_proba(
        ["check out my channel and subscribe http://mytunes.example", "Great point about storage."]
    )
    assert spam > 0.9 and ham < 0.2


def test_starter_replace_swaps_and_restores_the_shipped_model():
    other = tiny_model()
    starter_replace(other)
    try:
        assert starter_model() is other
    finally:
        starter_replace(None)
    assert starter_model().version == starter_summary()["version"] != other.version


@pytest.mark.slow
@pytest.mark.needs_path(SHARED_VIDEOS)
def test_the_starter_is_rebuilt_from_the_shared_files_to_the_same_version(tmp_path):
    """How the shipped starter was made can be repeated: the same files give the same model."""
    output = tmp_path / "starter.npz"
    call_command("train_spam_model", "--starter", *sorted(SHARED_VIDEOS.glob("*.csv")),
                 "--output", str(output))  # fmt: skip
    rebuilt = learning.TrainedModel.from_bytes(output.read_bytes())
    assert rebuilt.version == starter_model().version
    assert rebuilt.notes == starter_model().notes


def test_starter_rebuild_names_a_bad_file(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nhello,1\n")
    with pytest.raises(CommandError, match="has no column CLASS, CONTENT"):
        call_command("train_spam_model", "--starter", str(bad), "--output", str(tmp_path / "o"))
    with pytest.raises(CommandError, match="No such file"):
        call_command("train_spam_model", "--starter", str(tmp_path / "missing.csv"))


def test_site_weight_grows_smoothly_with_labels():
    """No cliff: each label adds weight, half at `half_labels`, never all of it."""
    weights = [blending.site_weight(n, 200) for n in (0, 1, 50, 199, 200, 201, 2000, 10**6)]
    assert weights[0] == 0.0 and weights[4] == 0.5
    assert all(a < b for a, b in itertools.pairwise(weights))
    assert weights[-1] < 1.0


def test_the_blend_moves_from_the_starter_to_the_site_model_as_labels_grow():
    """With the site's model disagreeing with the starter, the blended probability walks
    from the starter's towards the site's as the weight grows, in log-odds."""
    starter = tiny_model()
    # The same texts with the labels turned round: a site whose readers write like that.
    texts = [t.format(n=n) for n in range(12) for t in (*SPAM, *HAM)]
    site = learning.train(texts, [0, 0, 0, 1, 1, 1] * 12)
    text = ["subscribe to my channel for free gift cards http://gifts99.example"]
    alone = blending.BlendedModel(starter, None, 0.9).predict_proba(text)[0]
    assert alone == pytest.approx(starter.predict_proba(text)[0])
    blends = [blending.BlendedModel(starter, site, w).predict_proba(text)[0] for w in (0, 0.5, 1)]
    assert blends[0] == pytest.approx(alone)
    assert blends[2] == pytest.approx(site.predict_proba(text)[0], abs=1e-6)
    assert blends[0] > blends[1] > blends[2]
    logit = np.log(np.array(blends) / (1 - np.array(blends)))
    assert logit[1] == pytest.approx((logit[0] + logit[2]) / 2, rel=1e-4)


def test_the_blend_names_both_models_and_fits_the_verdict_column():
    starter, site = tiny_model(), tiny_model(C=1.0)
    version = blending.BlendedModel(starter, site, 0.25).version
    assert version == f"{starter.version}+{site.version}@0.25" and len(version) <= 32
    assert blending.BlendedModel(None, site, 0.25).version == site.version


@pytest.mark.parametrize(
    ("text", "cue", "value"),
    [
        ("see shop.example.com/deal and www.x.example", "links", 2 / 3),
        ("one two three", "links", 0.0),
        ("go to cheap-deals.com / ab12 now", "hidden_links", 1.0),
        ("message me on whatsapp +44 7911 123456", "contact", 1.0),
        ("please subscribe to my channel", "promotion", 1.0),
        ("I subscribed to the newspaper", "promotion", 0.0),
        ("THIS IS ALL IN CAPITALS", "shouting", 1.0),
        ("short", "shouting", 0.0),
        ("wow!!!", "exclamations", 3 / 5),
    ],
)
def test_each_cue_reads_what_it_names(text, cue, value):
    row = features.dense_rows([text])[0]
    assert row[features.NAMES.index(cue)] == pytest.approx(value)


def test_cues_are_bounded_and_the_model_stores_their_weights():
    rows = features.dense_rows(["!" * 50 + " http://a.example " * 9, "", "x " * 5000])
    assert rows.shape == (3, len(features.NAMES)) and rows.min() >= 0 and rows.max() <= 1
    model = tiny_model()
    assert model.dense_coef.shape == (len(features.NAMES),)
    loaded = learning.TrainedModel.from_bytes(model.to_bytes())
    assert np.array_equal(loaded.dense_coef, model.dense_coef)


def test_a_model_stored_without_cues_is_served_without_them():
    """Models trained before the cues existed keep scoring as they were trained."""
    old = tiny_model(dense_features=0)
    assert old.dense_coef.size == 0
    loaded = learning.TrainedModel.from_bytes(old.to_bytes())
    text = ["earn money from home, visit www.cash.example now"]
    assert loaded.predict_proba(text)[0] == pytest.approx(old.predict_proba(text)[0])


class Sure:
    version = "fixed"

    def __init__(self, probability):
        self.probability = probability

    def predict_proba(self, texts):
        return np.array([self.probability])


def test_a_model_that_is_not_sure_holds_rather_than_marks_spam():
    """Two links (a hold) and a model at 0.85 add up past the spam threshold, but the model
    alone is not sure: a moderator sees it, the spam folder does not swallow it."""
    rules = scoring.Rules.defaults()
    text = "Sources: https://a.example/report and https://b.example/minutes"
    unsure = scoring.score_submission(scoring.Submission(text=text), rules, Sure(0.85))
    assert unsure.score >= rules.spam_threshold and unsure.decision == scoring.HELD
    assert "model_unsure" in [reason.code for reason in unsure.reasons]
    sure = scoring.score_submission(scoring.Submission(text=text), rules, Sure(0.95))
    assert sure.decision == scoring.SPAM
    # Rules that reach spam on their own still do, whatever the model says.
    keyword = scoring.Submission(text="cheap viagra here")
    assert scoring.score_submission(keyword, rules, Sure(0.3)).decision == scoring.SPAM
