"""The starter model shipped in the package, its rebuild, the blend with the site's model,
and the cues the model reads besides n-grams."""

import itertools
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from moderation import blending, features, learning, learning_features, learning_model, scoring
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


def tiny_model(**overrides) -> learning_model.TrainedModel:
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
    rebuilt = learning_model.TrainedModel.from_bytes(output.read_bytes())
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
        ("thumbs up if you read this on the train", "engagement", 1.0),
        ("please share this comment and vote for me", "engagement", 1.0),
        ("I liked the part about the harbour", "engagement", 0.0),
        ("Nice song .See my new track.", "promotion", 1 / 3),
        ("please look up DHG SONGS this is my playlist", "promotion", 1.0),
        ("Since when has Katy Perry had her own YouTube channel?", "promotion", 0.0),
        ("Like this comment for no reason", "engagement", 1.0),
        ("If I get 100 subscribers, I will sing it live", "engagement", 1.0),
        ("C'mon Katy, you are so close to 14,000,000 subscribers", "engagement", 0.0),
    ],
)
def test_each_cue_reads_what_it_names(text, cue, value):
    """Promotion is the author's own or an imperative; one ask to like or share is the whole
    of engagement, and subscribers count only when the author asks for them."""
    row = features.dense_rows([text])[0]
    assert row[features.NAMES.index(cue)] == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "cue", "value"),
    [
        ("thumbs up if you read this on the train", "engagement", 1 / 2),
        ("C'mon Katy, you are so close to 14,000,000 subscribers", "engagement", 1 / 2),
        ("Since when has Katy Perry had her own YouTube channel?", "promotion", 1 / 3),
        ("Nice song .See my new track.", "promotion", 0.0),
    ],
)
def test_a_model_stored_with_the_second_cues_is_served_those_cues(text, cue, value):
    """A site model trained with version 2 of the cues is served them as they were read
    then, though version 3 reads promotion and engagement otherwise."""
    assert features.dense_rows([text], 2)[0][features.NAMES_OF[2].index(cue)] == pytest.approx(
        value
    )
    old = tiny_model(dense_features=2)
    loaded = learning_model.TrainedModel.from_bytes(old.to_bytes())
    assert loaded.predict_proba([text])[0] == pytest.approx(old.predict_proba([text])[0])
    expected = learning_features.dense_rows([text], old.settings) @ old.dense_coef
    assert expected == pytest.approx(
        features.dense_rows([text], 2) @ old.dense_coef * old.settings["dense_scale"]
    )


def test_cues_are_bounded_and_the_model_stores_their_weights():
    rows = features.dense_rows(["!" * 50 + " http://a.example " * 9, "", "x " * 5000])
    assert rows.shape == (3, len(features.NAMES)) and rows.min() >= 0 and rows.max() <= 1
    model = tiny_model()
    assert model.dense_coef.shape == (len(features.NAMES),)
    loaded = learning_model.TrainedModel.from_bytes(model.to_bytes())
    assert np.array_equal(loaded.dense_coef, model.dense_coef)


def test_a_model_stored_without_cues_is_served_without_them():
    """Models trained before the cues existed keep scoring as they were trained."""
    old = tiny_model(dense_features=0)
    assert old.dense_coef.size == 0
    loaded = learning_model.TrainedModel.from_bytes(old.to_bytes())
    text = ["earn money from home, visit www.cash.example now"]
    assert loaded.predict_proba(text)[0] == pytest.approx(old.predict_proba(text)[0])


def test_a_model_stored_with_the_first_cues_is_served_those_cues():
    """A site model trained before a cue was added keeps the cues it was trained with."""
    old = tiny_model(dense_features=1)
    assert old.dense_coef.shape == (len(features.NAMES_OF[1]),)
    loaded = learning_model.TrainedModel.from_bytes(old.to_bytes())
    text = ["like this comment if you want more, subscribers get a prize"]
    assert loaded.predict_proba(text)[0] == pytest.approx(old.predict_proba(text)[0])
    assert features.dense_rows(text, 1).shape == (1, 8)


class Sure:
    version = "fixed"

    def __init__(self, probability):
        self.probability = probability

    def predict_proba(self, texts, *, own_hosts=()):
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


# A site's own kind of spam, which the starter has not seen, and its ordinary comments.
SITE_SPAM = "thumbs up if you are reading this in {n}, like this comment"
ORDINARY = [
    "The {n} flood defences were finished on time, which is rare.",
    "My street had {n} burst pipes last winter; the report matches.",
    "Good to see the library hours restored after {n} months.",
]


def site_labels() -> tuple[list[str], list[int], list[str]]:
    """What a new site's moderators decided (what the scorer doubted: nearly all spam) and
    the comments published that nobody reported."""
    decided = [SITE_SPAM.format(n=2000 + n) for n in range(20)] + [ORDINARY[0].format(n=3)]
    unreported = [text.format(n=n) for n in range(15) for text in ORDINARY]
    return decided, [1] * 20 + [0], unreported


def test_the_site_model_learns_the_sites_spam_without_turning_on_its_readers():
    """Moderators' decisions teach the site's own spam, and the comments readers saw and
    nobody reported keep ordinary comments ordinary: the site model corrects the starter."""
    starter = tiny_model()
    texts, labels, unreported = site_labels()
    site = blending.site_model_train(
        starter=starter, texts=texts, labels=labels, published_unreported=unreported
    )
    assert site.corrects == starter.version and site.n_labels == len(texts) + len(unreported)
    new = [
        SITE_SPAM.format(n=2031),
        "The bridge repairs took 7 weeks longer than the council said.",
        ORDINARY[1].format(n=44),
    ]
    assert starter.predict_proba(new)[0] < 0.5
    spam, *ordinary = blending.BlendedModel(starter, site, 0.0).predict_proba(new)
    assert spam > 0.9 and max(ordinary) < 0.2


def test_before_any_comment_settles_the_site_model_stands_alone():
    """Moderators' decisions alone are no picture of the site: from them the site model is a
    model of its own, blended at the weight its labels earn, not a correction."""
    starter = tiny_model()
    texts, labels, _ = site_labels()
    site = blending.site_model_train(starter=starter, texts=texts, labels=labels)
    assert site.corrects == ""
    blend = blending.BlendedModel(starter, site, 0.25)
    assert blend.version == f"{starter.version}+{site.version}@0.25"
    assert blending.site_model_train(starter=starter, texts=texts[:5], labels=labels[:5]) is None


def test_a_correction_adds_its_log_odds_to_the_starters_and_only_to_its_own():
    """The blend of a correction is the starter's log-odds plus the correction's, whatever
    the weight; a correction of another starter (rebuilt since) is left out until retrained."""
    starter = tiny_model()
    texts, labels, unreported = site_labels()
    site = blending.site_model_train(
        starter=starter, texts=texts, labels=labels, published_unreported=unreported
    )
    text = [ORDINARY[2].format(n=9)]
    expected = 1 / (1 + np.exp(-(starter.log_odds(text) + site.log_odds(text))))
    blend = blending.BlendedModel(starter, site, 0.1)
    assert blend.predict_proba(text) == pytest.approx(expected)
    assert blend.version == f"{starter.version}+{site.version}"
    rebuilt = tiny_model(C=1.0)
    other = blending.BlendedModel(rebuilt, site, 0.5)
    assert other.site_used is None and other.version == rebuilt.version
    assert other.predict_proba(text) == pytest.approx(rebuilt.predict_proba(text))


@pytest.mark.django_db
def test_the_sites_training_learns_from_comments_published_without_a_report(article, post):
    """Comments the scorer published and readers left unreported for three days are learnt
    from as not spam (a reported, a moderated or a newer one is not), and make the site
    model a correction of the shipped starter."""
    from datetime import timedelta

    from django.utils import timezone

    from comments.models import Comment, CommentStatus
    from moderation import services
    from moderation.models import Report, SpamModel, TrainingExample

    def scored(text):
        comment = post(article, text, status=CommentStatus.PENDING)
        assert services.comment_score(comment_id=comment.pk).decision == "published"
        return comment

    settled = [scored(ORDINARY[n % 3].format(n=n)) for n in range(4)]
    reported, moderated = settled[2], settled[3]
    Report.objects.create(comment=reported, reporter_key="ip:x", reason=Report.Reason.SPAM)
    TrainingExample.objects.create(
        comment=moderated, text=moderated.comment, is_spam=False, source="moderator"
    )
    for n in range(3):
        TrainingExample.objects.create(text=SITE_SPAM.format(n=n), is_spam=True, source="moderator")
    Comment.objects.filter(pk__in=[c.pk for c in settled]).update(
        submit_date=timezone.now() - timedelta(days=4)
    )
    scored("A newer comment nobody has had the time to report.")

    model = services.spam_model_train()
    assert model.notes["published_unreported"] == 2
    assert model.notes["corrects"] == starter_model().version
    assert model.n_labels == 4 + 2
    assert services.spam_model_train() is None
    assert SpamModel.objects.count() == 1


def test_a_correction_that_reads_texts_another_way_still_adds_its_own_log_odds():
    """Hashed once for both when the two read texts alike, each its own way otherwise: the
    sum is the same either way, and no texts give no scores."""
    starter = tiny_model()
    texts, labels, unreported = site_labels()
    all_texts, all_labels = [*texts, *unreported], [*labels, *[0] * len(unreported)]
    for reading in ({}, {"char_ngram_range": [3, 4]}):
        settings = {
            **learning.DEFAULT_SETTINGS, **learning.CORRECTION_SETTINGS, **reading,
            "corrects": starter.version,
        }  # fmt: skip
        site = learning._train(all_texts, all_labels, settings, offset=starter.log_odds(all_texts))
        blend = blending.BlendedModel(starter, site, 0.0)
        probabilities = blend.predict_proba(texts)
        expected = starter.log_odds(texts) + site.log_odds(texts)
        assert np.log(probabilities / (1 - probabilities)) == pytest.approx(expected, rel=1e-6)
        assert blend.predict_proba([]).size == 0
