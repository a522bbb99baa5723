"""Benchmark: how well the starter spam model and Parley's whole scorer do on a site they have
never seen.

Each held-out file is scored by a starter model trained on the other files (or, with --train
and --test, on the files named), one comment per call as a worker scores. One row per scorer:
- model: the starter model's probability alone, routed by the default thresholds;
- scorer: the pure scorer (default rules and the starter model) for a new guest;
- replay (with --replay): the same comments posted through comment_submit into a fresh SQLite
  database and scored by the real Celery task (run inline), each by a different guest; its
  figures must agree with the scorer's, or the two paths decide differently.

Caught means held or marked spam; precision, recall and F1 are of what was kept from readers.
Files are CSVs with the YouTube spam collection's columns (bench/spam_common.py).

    .venv/bin/python -m bench.spam_eval [--replay] [--json] [--train FILE... --test FILE] [FILES...]
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.spam_common import (
    Outcomes,
    arguments_add,
    decision_for,
    figures,
    rows_print,
    splits,
    starter_train,
)
from moderation import blending, learning_model, scoring
from moderation.labelled import LabelledFile


def model_outcomes(model: learning_model.TrainedModel, held_out: LabelledFile) -> Outcomes:
    rules = scoring.Rules.defaults()
    outcomes = Outcomes.empty()
    model.predict_proba(held_out.texts[:5])  # lazy imports and caches are not a comment's cost
    for text, label in zip(held_out.texts, held_out.labels, strict=True):
        started = time.perf_counter()
        probability = float(model.predict_proba([text])[0])
        elapsed = (time.perf_counter() - started) * 1e3
        outcomes.add(label, probability, decision_for(probability, rules), elapsed)
    return outcomes


def scorer_outcomes(model: learning_model.TrainedModel, held_out: LabelledFile) -> Outcomes:
    rules = scoring.Rules.defaults()
    blend = blending.BlendedModel(model, None, 0.0)
    outcomes = Outcomes.empty()
    for text, label in zip(held_out.texts, held_out.labels, strict=True):
        started = time.perf_counter()
        verdict = scoring.score_submission(scoring.Submission(text=text), rules, blend)
        elapsed = (time.perf_counter() - started) * 1e3
        outcomes.add(label, verdict.score, verdict.decision, elapsed)
    return outcomes


class Replay:
    """A fresh Parley on a throwaway SQLite database, scoring inline as the embedded default
    does, with an article to post under."""

    def __init__(self) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="parley-replay-")
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(self.folder.name) / 'replay.sqlite3'}"
        # A cache of its own too: the shared one remembers each comment id's scoring
        # deliveries for a day, and a fresh database numbers its comments from 1 again.
        os.environ["PARLEY_CACHE_DIR"] = str(Path(self.folder.name) / "cache")
        os.environ.pop("REDIS_URL", None)  # no broker: the task runs inline
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        # A line per comment stored and scored would bury the table.
        logging.disable(logging.INFO)
        from django.contrib.auth import get_user_model
        from django.core.management import call_command

        from articles.services import article_create

        call_command("migrate", verbosity=0)
        author = get_user_model().objects.create_user("replay-author")
        self.article = article_create(
            authors=[author], title="Replay", body="Comments from elsewhere.", publish=True
        )
        self.posted = 0

    def outcomes(self, starter: learning_model.TrainedModel, held_out: LabelledFile) -> Outcomes:
        from django.test.utils import override_settings

        from comments.models import Comment
        from comments.services import Poster, comment_submit
        from moderation.models import SpamVerdict
        from moderation.starter import starter_replace
        from moderation.tasks import comment_score_task

        starter_replace(starter)
        outcomes = Outcomes.empty()
        try:
            for text, label in zip(held_out.texts, held_out.labels, strict=True):
                self.posted += 1
                # Stored pending as with a queue, then scored by the task a worker runs.
                with override_settings(PARLEY_COMMENT_JUDGE=""):
                    comment = comment_submit(
                        article=self.article,
                        poster=Poster(name=f"Guest {self.posted}"),
                        text=text,
                        ip_address=f"10.{self.posted // 65536 % 256}.{self.posted // 256 % 256}"
                        f".{self.posted % 256}",
                    )
                started = time.perf_counter()
                comment_score_task(comment.pk)
                elapsed = (time.perf_counter() - started) * 1e3
                status = Comment.objects.values_list("status", flat=True).get(pk=comment.pk)
                score = SpamVerdict.objects.filter(comment_id=comment.pk).latest("pk").score
                outcomes.add(label, score, status, elapsed)
        finally:
            starter_replace(None)
        return outcomes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments_add(parser)
    parser.add_argument(
        "--replay", action="store_true", help="also post every comment through the real path"
    )
    arguments = parser.parse_args(argv)

    pooled = {"model": Outcomes.empty(), "scorer": Outcomes.empty()}
    replay = Replay() if arguments.replay else None
    if replay:
        pooled["replay"] = Outcomes.empty()
    folds = splits(arguments)
    for training, held_out in folds:
        starter = starter_train(training)
        pooled["model"].extend(model_outcomes(starter, held_out))
        pooled["scorer"].extend(scorer_outcomes(starter, held_out))
        if replay:
            pooled["replay"].extend(replay.outcomes(starter, held_out))
    rows = [figures(name, outcomes) for name, outcomes in pooled.items()]
    if not arguments.json:
        names = ", ".join(held_out.name for _, held_out in folds)
        print(
            f"Held out in turn: {names}; each scored by a starter trained on the rest. "
            "Caught = held or marked spam; ham_auto_spam = legitimate comments marked spam."
        )
    rows_print(rows, as_json=arguments.json)
    if replay and not arguments.json:
        gap = abs(rows[2]["f1"] - rows[1]["f1"])
        print(f"replay against scorer: F1 differs by {gap:.3f} (must be within 0.01)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
