"""The learned model in use: imported labels, training, activation, fallback to rules."""

import csv
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from comments.models import CommentStatus
from comments.services import Poster, comment_submit
from moderation import services
from moderation.model_cache import spam_models
from moderation.models import ModerationRules, SpamModel, SpamVerdict, TrainingExample
from moderation.starter import starter_model

pytestmark = pytest.mark.django_db

SPAM_TEMPLATES = [
    "subscribe to my page for free gift cards {n} http://gifts{n}.example",
    "earn money fast from home visit http://cash{n}.example now",
    "click here for cheap pills {n} http://pills{n}.example",
]
HAM_TEMPLATES = [
    "I think the grid investment point in section {n} is fair.",
    "Thanks for the update, the timeline helps a lot ({n}).",
    "The scorecard seems generous on permits, number {n} slipped again.",
]


def write_labelled_csv(path, per_class=40):
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["CONTENT", "CLASS"])
        for n in range(per_class):
            writer.writerow([SPAM_TEMPLATES[n % 3].format(n=n), "1"])
            writer.writerow([HAM_TEMPLATES[n % 3].format(n=n), "0"])
    return path


def score_new(article, text):
    comment = comment_submit(article=article, poster=Poster(name="New Reader"), text=text)
    services.comment_score(comment_id=comment.pk)
    return SpamVerdict.objects.get(comment=comment)


def test_train_command_imports_a_csv_and_the_scorer_blends_the_model(tmp_path, article):
    """--from-csv imports labels and trains; verdicts cite the blend of the starter and the
    site model at the weight its labels earn, and the model's reason gives its probability."""
    path = write_labelled_csv(tmp_path / "labels.csv")
    call_command(
        "train_spam_model", "--from-csv", str(path), "--text-column", "CONTENT",
        "--label-column", "CLASS",
    )  # fmt: skip
    model = SpamModel.objects.get()
    assert model.n_labels == 80 == TrainingExample.objects.count()
    assert set(model.notes["cv"]) >= {"folds", "precision", "recall", "f1", "roc_auc"}
    ModerationRules.objects.update_or_create(pk=1, defaults={"site_model_half_labels": 80})
    spam_models.forget()
    spammy = score_new(article, "click here for cheap pills http://pills.example")
    plain = score_new(article, "The timeline helps, thanks for the update.")
    assert spammy.model_version == f"{starter_model().version}+{model.version}@0.50"
    model_reason = next(r for r in spammy.reasons if r["code"] == "model")
    assert model_reason["reason"].startswith("model: ") and model_reason["weight"] > 0.5
    assert spammy.score > plain.score


def test_a_new_site_scores_with_the_starter_model_alone(article):
    """Before any label, the shipped starter model scores: no rules-only period."""
    assert not SpamModel.objects.exists()
    spam_models.forget()
    verdict = score_new(article, "subscribe to my channel for free gift cards http://gifts.example")
    assert verdict.model_version == starter_model().version
    assert next(r for r in verdict.reasons if r["code"] == "model")["weight"] > 0.5


def test_with_the_model_switched_off_rules_alone_decide(article):
    """Switched off, no model is consulted and the reason says so."""
    ModerationRules.objects.update_or_create(pk=1, defaults={"use_model": False})
    verdict = score_new(article, "click here for cheap pills")
    assert verdict.model_version == ""
    assert "model: switched off" in [r["reason"] for r in verdict.reasons]


def test_moderator_decisions_retrain_the_model_once(article, post, moderator):
    """Moderators' approve/spam decisions train a model; nothing new means no retraining."""
    for n in range(6):
        spam = post(article, SPAM_TEMPLATES[n % 3].format(n=n), status=CommentStatus.HELD)
        ham = post(article, HAM_TEMPLATES[n % 3].format(n=n), status=CommentStatus.HELD)
        services.comments_moderate(comment_ids=[spam.pk], action="spam", actor=moderator)
        services.comments_moderate(comment_ids=[ham.pk], action="approve", actor=moderator)
    first = services.spam_model_train()
    assert first is not None and first.n_labels == 12
    assert services.spam_model_train() is None


def test_one_class_only_trains_nothing(article, post, moderator):
    """A model needs both spam and not-spam examples."""
    comment = post(article, status=CommentStatus.HELD)
    services.comments_moderate(comment_ids=[comment.pk], action="approve", actor=moderator)
    assert services.spam_model_train() is None


def test_train_command_rejects_a_missing_column(tmp_path):
    """A CSV without the named columns is a clear command error."""
    path = write_labelled_csv(tmp_path / "labels.csv")
    with pytest.raises(CommandError, match="has no column label, text"):
        call_command("train_spam_model", "--from-csv", str(path))


def _decide(article, post, moderator, count, start=0):
    for n in range(start, start + count):
        comment = post(article, SPAM_TEMPLATES[n % 3].format(n=n), status=CommentStatus.HELD)
        action = "spam" if n % 2 == 0 else "approve"
        services.comments_moderate(comment_ids=[comment.pk], action=action, actor=moderator)


def test_beat_retrains_once_enough_new_decisions_came(article, post, moderator, settings):
    """Beat asks every few minutes: 24 decisions since the last training wait for the
    interval, the 25th retrains at once."""
    settings.PARLEY_RETRAIN_AFTER_LABELS = 25
    settings.PARLEY_RETRAIN_SECONDS = 6 * 3600
    _decide(article, post, moderator, 12)
    first = services.spam_model_train(scheduled=True)
    assert first is not None and first.n_labels == 12
    _decide(article, post, moderator, 24, start=12)
    assert services.spam_model_train(scheduled=True) is None
    _decide(article, post, moderator, 1, start=36)
    assert services.spam_model_train(scheduled=True).n_labels == 37


def test_beat_retrains_on_a_few_decisions_once_the_interval_passed(
    article, post, moderator, settings
):
    settings.PARLEY_RETRAIN_SECONDS = 6 * 3600
    _decide(article, post, moderator, 12)
    first = services.spam_model_train(scheduled=True)
    _decide(article, post, moderator, 2, start=12)
    assert services.spam_model_train(scheduled=True) is None
    SpamModel.objects.filter(pk=first.pk).update(
        trained_at=first.trained_at - timedelta(seconds=6 * 3600)
    )
    assert services.spam_model_train(scheduled=True).n_labels == 14
    assert services.spam_model_train(scheduled=True) is None


def test_beat_retrains_at_once_when_the_starter_it_corrects_was_replaced(
    article, post, moderator, settings
):
    """An upgrade that rebuilds the starter leaves the site's correction unused: the next
    look retrains it, whatever the decisions' count and the interval."""
    settings.PARLEY_RETRAIN_SECONDS = 6 * 3600
    _decide(article, post, moderator, 12)
    first = services.spam_model_train(scheduled=True)
    assert services.spam_model_train(scheduled=True) is None
    SpamModel.objects.filter(pk=first.pk).update(notes={**first.notes, "corrects": "0ld0ld0ld0ld"})
    assert services.spam_model_train(scheduled=True) is not None


def test_beat_asks_every_five_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["retrain-spam-model"]
    assert entry["task"] == "moderation.tasks.spam_model_train_task"
    assert entry["schedule"] == 300.0
