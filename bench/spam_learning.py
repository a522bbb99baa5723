"""Benchmark: how the scorer learns a new site, one comment at a time.

Each held-out file is a new site. Its comments arrive in date order and Parley's whole scorer
(default rules, the starter model trained on the other files, and the site model correcting it
as moderation.blending does) decides each one:
- every comment sent to a human gets the moderator's label (its true class);
- published spam is reported by readers about half of the time (a fixed random draw), and the
  moderator's label follows;
- published comments nobody reports count as not spam, weighing less than a moderator's label,
  as the site's training counts them once readers have had their chance: from three days
  after their date on (UNREPORTED_AFTER); spam the scorer marked itself gets no label. With
  --moderators-only they are not counted, and the site model stands alone, blended at
  n / (n + --half-labels) as before corrections existed;
- the site model is retrained after every 25 moderators' labels;
- a comment counts the earlier copies of its text a moderator marked spam and those a
  moderator approved, within the 7 days comment_submit looks copies up in, as
  moderation.selectors counts them.

It prints, for each quarter of the streams (pooled over the sites), for the last half of all
streams and, with more than one site, for the last half of each, the figures of
bench/spam_eval.py.

    .venv/bin/python -m bench.spam_learning [--train FILE... --test FILE] [--json] [FILES...]
        [--retrain-every 25] [--report-rate 0.5] [--seed 0] [--moderators-only]
        [--half-labels 200]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Sequence
from datetime import datetime, timedelta

from bench.spam_common import (
    Outcomes,
    arguments_add,
    figures,
    quarters,
    rows_print,
    splits,
    starter_train,
)
from core.text import text_fingerprint
from moderation import blending, learning_model, scoring
from moderation.labelled import LabelledFile


def arrival_order(labelled: LabelledFile) -> list[int]:
    """Indexes in date order. A row without a date (every spam row of one video) arrives
    beside the row next to it in the file, so its place in time is kept, not its label's."""
    known = [index for index, date in enumerate(labelled.dates) if date]
    if not known:
        return list(range(len(labelled.texts)))

    def when(index: int) -> tuple[str, int]:
        if labelled.dates[index]:
            return labelled.dates[index], 0
        nearest = min(known, key=lambda other: (abs(other - index), other))
        return labelled.dates[nearest], 1

    return sorted(range(len(labelled.texts)), key=lambda index: (*when(index), index))


# comments.services.COPIES_WINDOW: how far back a copy of a text is looked up.
COPIES_WINDOW = timedelta(days=7)
# moderation.services.training.UNREPORTED_AFTER: how long a published comment must go
# unreported before the site's training counts it as not spam.
UNREPORTED_AFTER = timedelta(days=3)


def arrival_dates(labelled: LabelledFile) -> list[str]:
    """Each row's date, or for a row without one the date of the nearest row with one, as
    arrival_order places it."""
    known = [index for index, date in enumerate(labelled.dates) if date]
    if not known:
        return ["" for _ in labelled.texts]
    return [
        date or labelled.dates[min(known, key=lambda other: (abs(other - index), other))]
        for index, date in enumerate(labelled.dates)
    ]


def _settled(published: str, now: str) -> bool:
    """Whether a comment published at `published` has gone unreported long enough by `now`
    to count as not spam (without dates: at once)."""
    if not published or not now:
        return True
    return datetime.fromisoformat(now) - datetime.fromisoformat(published) >= UNREPORTED_AFTER


def _within_window(earlier: str, now: str) -> bool:
    """Whether a copy dated `earlier` is in the window of one dated `now`; a row without a
    date is taken to be near its neighbours in the file, so it counts."""
    if not earlier or not now:
        return True
    gap = datetime.fromisoformat(now) - datetime.fromisoformat(earlier)
    return timedelta(0) <= gap <= COPIES_WINDOW


def site_stream(
    starter: learning_model.TrainedModel,
    site: LabelledFile,
    *,
    half_labels: int,
    retrain_every: int,
    report_rate: float,
    learn_from_unreported: bool = True,
    seed: int = 0,
) -> Outcomes:
    """Score one site's comments in arrival order while moderators' labels teach the site
    model; return what the scorer did with each."""
    rules = scoring.Rules.defaults()
    draw = random.Random(seed)
    labelled_texts: list[str] = []
    labelled_labels: list[int] = []
    # Published and never reported: what the site model also learns from, as the site's
    # training does once readers have had their chance to report (moderation.blending).
    unreported: list[tuple[str, str]] = []  # (published, text)
    dates = arrival_dates(site)
    model = blending.BlendedModel(starter, None, 0.0)
    # The dates of the texts a moderator marked spam so far, and of those they approved, by
    # fingerprint.
    marked_spam: dict[str, list[str]] = {}
    approved: dict[str, list[str]] = {}
    outcomes = Outcomes.empty()
    for index in arrival_order(site):
        text, label = site.texts[index], site.labels[index]
        date = site.dates[index] if index < len(site.dates) else ""
        key = text_fingerprint(text)
        copies = sum(_within_window(when, date) for when in marked_spam.get(key, ()))
        approved_copies = sum(_within_window(when, date) for when in approved.get(key, ()))
        submission = scoring.Submission(
            text=text, spam_copies=copies, approved_copies=approved_copies
        )
        started = time.perf_counter()
        verdict = scoring.score_submission(submission, rules, model)
        outcomes.add(label, verdict.score, verdict.decision, (time.perf_counter() - started) * 1e3)
        moderator_sees = verdict.decision == scoring.HELD or (
            verdict.decision == scoring.PUBLISHED and label == 1 and draw.random() < report_rate
        )
        if moderator_sees and label == 1:
            marked_spam.setdefault(key, []).append(date)
        elif moderator_sees:
            approved.setdefault(key, []).append(date)
        if not moderator_sees:
            if verdict.decision == scoring.PUBLISHED and learn_from_unreported:
                unreported.append((dates[index], text))
            continue
        labelled_texts.append(text)
        labelled_labels.append(label)
        if len(labelled_labels) % retrain_every == 0:
            site_model = blending.site_model_train(
                starter=starter,
                texts=labelled_texts,
                labels=labelled_labels,
                # Only those readers have had UNREPORTED_AFTER to report, as the site's
                # training takes them.
                published_unreported=[
                    text for published, text in unreported if _settled(published, dates[index])
                ],
            )
            if site_model is not None:
                # The weight counts only for a site model that stands alone, before any
                # comment went unreported (moderation.blending).
                weight = blending.site_weight(site_model.n_labels, half_labels)
                model = blending.BlendedModel(starter, site_model, weight)
    return outcomes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments_add(parser)
    parser.add_argument(
        "--half-labels", type=int, default=200, help="a standalone site model at half weight"
    )
    parser.add_argument("--retrain-every", type=int, default=25, help="labels between trainings")
    parser.add_argument("--report-rate", type=float, default=0.5, help="published spam reported")
    parser.add_argument(
        "--seed", type=int, default=0, help="the random draw of which published spam is reported"
    )
    parser.add_argument(
        "--moderators-only",
        action="store_true",
        help="the site model learns from moderators' labels alone, not from unreported comments",
    )
    arguments = parser.parse_args(argv)

    streams = []
    names = []
    for training, held_out in splits(arguments):
        starter = starter_train(training)
        names.append(held_out.name)
        streams.append(
            site_stream(
                starter,
                held_out,
                half_labels=arguments.half_labels,
                retrain_every=arguments.retrain_every,
                report_rate=arguments.report_rate,
                learn_from_unreported=not arguments.moderators_only,
                seed=arguments.seed,
            )
        )
    rows = []
    for quarter in (1, 2, 3, 4):
        pooled = Outcomes.empty()
        for stream in streams:
            _, start, stop = list(quarters(len(stream.labels)))[quarter - 1]
            pooled.extend(stream.part(start, stop))
        rows.append({"quarter": str(quarter), **figures("learning", pooled)})
    last_half = Outcomes.empty()
    for stream in streams:
        last_half.extend(stream.part(len(stream.labels) // 2, len(stream.labels)))
    rows.append({"quarter": "last half", **figures("learning", last_half)})
    if len(streams) > 1:
        for name, stream in zip(names, streams, strict=True):
            half = stream.part(len(stream.labels) // 2, len(stream.labels))
            rows.append({"quarter": f"last half {name}", **figures("learning", half)})
    if not arguments.json:
        learns = "" if arguments.moderators_only else " and from published comments nobody reported"
        print(
            f"{len(streams)} new site(s), comments in date order; a moderator labels what is "
            f"held and {arguments.report_rate:.0%} of published spam (reports); the site model "
            f"learns from those labels{learns}, and retrains every {arguments.retrain_every} "
            "labels. Caught = held or marked spam."
        )
    rows_print(rows, as_json=arguments.json, first="quarter")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
