"""Scoring inline: the spam model answers before the comment's transaction opens."""

import time

import pytest
from django.db import connection

from comments.services import Poster, comment_submit
from moderation.model_cache import spam_models
from moderation.models import SpamVerdict

MODEL_SECONDS = 0.05


class _Watched:
    """The real model, noting whether each answer came inside a transaction."""

    def __init__(self, model, seen: list):
        self.model, self.version, self.seen = model, model.version, seen

    def predict_proba(self, texts, *, own_hosts=()):
        self.seen.append(connection.in_atomic_block)
        time.sleep(MODEL_SECONDS)  # a slow model, so its time shows in the verdict's
        return self.model.predict_proba(texts, own_hosts=own_hosts)


@pytest.mark.django_db(transaction=True)
def test_the_model_answers_before_the_transaction_and_its_time_is_counted(
    make_article, monkeypatch
):
    article = make_article()
    seen: list[bool] = []
    current = spam_models.current

    def watched(rules):
        model, note = current(rules)
        return _Watched(model, seen), note

    monkeypatch.setattr(spam_models, "current", watched)
    comment = comment_submit(
        article=article,
        poster=Poster(name="Ann"),
        text="Storage on the grid matters more each winter, and the price keeps rising.",
    )
    # Once, for the text, with no transaction open: on SQLite that one holds every writer.
    assert seen == [False]
    verdict = SpamVerdict.objects.get(comment_id=comment.pk)
    assert any(reason["code"] == "model" for reason in verdict.reasons)
    # The scorer's recorded time is the model's (worked out first) and the rules' together.
    assert verdict.elapsed_ms >= MODEL_SECONDS * 1000


@pytest.mark.django_db(transaction=True)
def test_a_model_failing_before_the_transaction_still_holds_the_comment(make_article, monkeypatch):
    article = make_article()

    class Broken:
        version = "broken"

        def predict_proba(self, texts, *, own_hosts=()):
            raise RuntimeError("no model today")

    monkeypatch.setattr(spam_models, "current", lambda rules: (Broken(), ""))
    comment = comment_submit(
        article=article,
        poster=Poster(name="Ann"),
        text="Storage on the grid matters more each winter, and the price keeps rising.",
    )
    comment.refresh_from_db()
    # Stored, never published unscored: the verdict inside asked again and failed, so held.
    assert comment.status == "held"
    assert SpamVerdict.objects.get(comment_id=comment.pk).reasons[0]["code"] == "scorer_error"
