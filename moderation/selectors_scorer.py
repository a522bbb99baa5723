"""What the scorer's report on itself reads: its automatic decisions and what moderators
did with them afterwards, how long it took, and the models it scored with.

A fixed number of queries whatever the number of comments or days: one aggregate for both
windows, one grouped by day for the chart, at most four for the timing percentiles, one for
the models.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.formats import number_format

from comments.models import CommentStatus

from .chart import Day, percent_shown
from .models import ModerationEvent, SpamModel, SpamVerdict

S = CommentStatus
WINDOWS = (30, 90)
CHART_DAYS = 30
PERCENTILES = (0.5, 0.99)
CV_FIGURES = ("precision", "recall", "f1", "roc_auc")


def _moderator_later(to_statuses: Iterable[str]) -> Exists:
    """Whether a moderator moved the verdict's comment to one of `to_statuses` after the
    verdict and before the comment was scored again, and did not undo it.

    A moderator's decision is one with a user behind it (as for undo); a comment scored
    again after its author's edit answers for its new verdict, not the old one.
    """
    scored_again = SpamVerdict.objects.filter(
        comment_id=OuterRef("comment_id"),
        pk__gt=OuterRef(OuterRef("pk")),
        created_at__lte=OuterRef("created_at"),
    )
    return Exists(
        ModerationEvent.objects.filter(
            ~Exists(scored_again),
            comment_id=OuterRef("comment_id"),
            actor__isnull=False,
            undone_at__isnull=True,
            to_status__in=list(to_statuses),
            created_at__gte=OuterRef("created_at"),
        )
    )


def _published_overturned() -> Q:
    return Q(_moderator_later([S.REMOVED, S.SPAM]), decision=S.PUBLISHED)


def _spam_overturned() -> Q:
    return Q(_moderator_later([S.PUBLISHED]), decision=S.SPAM)


def _automatic(since: datetime) -> QuerySet[SpamVerdict]:
    """Verdicts the scorer acted on (log-only ones changed nothing) since `since`."""
    return SpamVerdict.objects.filter(acted=True, created_at__gte=since)


@dataclass(frozen=True)
class Rate:
    count: int
    of: int

    @property
    def percent(self) -> str:
        """The share as a percentage; empty when there is nothing to take a share of."""
        return percent_shown(self.count / self.of) if self.of else ""


@dataclass(frozen=True)
class WindowFigures:
    days: int
    scored: int  # automatic decisions: published, held or spam by the scorer
    log_only: int  # verdicts recorded in log-only mode, which decided nothing
    published_overturned: Rate
    spam_overturned: Rate
    held_approved: Rate
    sent_to_moderator: Rate
    timed: int
    percentiles_ms: dict[str, float]  # "p50", "p99": nearest rank, over the timed verdicts


def window_figures(now: datetime | None = None) -> list[WindowFigures]:
    """The scorer's figures over each window (WINDOWS days back from `now`): one aggregate
    query, then the timing percentiles."""
    now = now or timezone.now()
    counts = {}
    for days in WINDOWS:
        since = Q(created_at__gte=now - timedelta(days=days))
        acted = since & Q(acted=True)
        counts |= {
            f"scored_{days}": Count("pk", filter=acted),
            f"log_only_{days}": Count("pk", filter=since & Q(acted=False)),
            f"published_{days}": Count("pk", filter=acted & Q(decision=S.PUBLISHED)),
            f"held_{days}": Count("pk", filter=acted & Q(decision=S.HELD)),
            f"spam_{days}": Count("pk", filter=acted & Q(decision=S.SPAM)),
            f"published_overturned_{days}": Count("pk", filter=acted & _published_overturned()),
            f"spam_overturned_{days}": Count("pk", filter=acted & _spam_overturned()),
            f"held_approved_{days}": Count(
                "pk", filter=acted & Q(_moderator_later([S.PUBLISHED]), decision=S.HELD)
            ),
            f"timed_{days}": Count("elapsed_ms", filter=since),
        }
    row = SpamVerdict.objects.filter(created_at__gte=now - timedelta(days=max(WINDOWS))).aggregate(
        **counts
    )
    return [
        WindowFigures(
            days=days,
            scored=row[f"scored_{days}"],
            log_only=row[f"log_only_{days}"],
            published_overturned=Rate(
                row[f"published_overturned_{days}"], row[f"published_{days}"]
            ),
            spam_overturned=Rate(row[f"spam_overturned_{days}"], row[f"spam_{days}"]),
            held_approved=Rate(row[f"held_approved_{days}"], row[f"held_{days}"]),
            sent_to_moderator=Rate(row[f"held_{days}"], row[f"scored_{days}"]),
            timed=row[f"timed_{days}"],
            percentiles_ms=_percentiles(now - timedelta(days=days), row[f"timed_{days}"]),
        )
        for days in WINDOWS
    ]


def _percentiles(since: datetime, timed: int) -> dict[str, float]:
    """Nearest-rank percentiles of the scoring time, each read as one row at its rank
    (ORDER BY ... OFFSET): portable across SQLite and PostgreSQL, and nothing but the one
    value leaves the database however many verdicts the window holds."""
    if not timed:
        return {}
    times = SpamVerdict.objects.filter(created_at__gte=since, elapsed_ms__isnull=False)
    ordered = times.order_by("elapsed_ms").values_list("elapsed_ms", flat=True)
    figures = {}
    for percentile in PERCENTILES:
        rank = max(math.ceil(percentile * timed), 1) - 1
        found = list(ordered[rank : rank + 1])
        if found:  # a verdict deleted with its comment between the two queries leaves none
            figures[f"p{percentile * 100:g}"] = found[0]
    return figures


def daily_verdicts(today: date | None = None) -> list[Day]:
    """Each of the last CHART_DAYS days (in the site's time zone, today last): the scorer's
    automatic decisions by kind, and how many published or spam ones moderators overturned."""
    today = today or timezone.localdate()
    first = today - timedelta(days=CHART_DAYS - 1)
    start = timezone.make_aware(datetime.combine(first, time.min))
    rows = (
        _automatic(start)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(
            published=Count("pk", filter=Q(decision=S.PUBLISHED)),
            held=Count("pk", filter=Q(decision=S.HELD)),
            spam=Count("pk", filter=Q(decision=S.SPAM)),
            overturned=Count("pk", filter=_published_overturned() | _spam_overturned()),
        )
        .order_by("day")
    )
    by_day = {row.pop("day"): row for row in rows}
    return [
        Day(day=day, **by_day.get(day, {"published": 0, "held": 0, "spam": 0, "overturned": 0}))
        for day in (first + timedelta(days=n) for n in range(CHART_DAYS))
    ]


@dataclass(frozen=True)
class ModelFigures:
    version: str
    n_labels: int
    trained: str  # when (a site model) or on what (the starter model)
    trained_at: datetime | None
    cv: dict | None  # cross-validated at training time: folds, precision, recall, f1, roc_auc
    starter: bool = False

    @property
    def cv_cells(self) -> list[str]:
        """Folds, precision, recall, F1 and ROC AUC as the table shows them ("" if absent)."""
        cv = self.cv or {}
        cells = [str(cv["folds"]) if isinstance(cv.get("folds"), int) else ""]
        for key in CV_FIGURES:
            value = cv.get(key)
            shown = isinstance(value, int | float)
            cells.append(number_format(round(value, 3), 3) if shown else "")
        return cells


def model_figures() -> list[ModelFigures]:
    """The starter model shipped with Parley, then every model trained on this site, newest
    first, with the figures cross-validation gave when it was trained."""
    models = [
        ModelFigures(
            version=row["version"],
            n_labels=row["n_labels"],
            trained="",
            trained_at=row["trained_at"],
            cv=_cv(row["notes"]),
        )
        # The parameters stay in the database: only what the page shows is read.
        for row in SpamModel.objects.order_by("-trained_at", "-pk").values(
            "version", "n_labels", "trained_at", "notes"
        )
    ]
    starter = _starter()
    return ([starter] if starter else []) + models


def _starter() -> ModelFigures | None:
    # Imported here: it loads numpy and scikit-learn, which nothing else on the page needs.
    from .starter import starter_summary

    summary = starter_summary()
    if not summary:
        return None
    return ModelFigures(
        version=summary["version"],
        n_labels=summary["n_labels"],
        trained=summary.get("trained_on", ""),
        trained_at=None,
        cv=_cv(summary),
        starter=True,
    )


def _cv(notes) -> dict | None:
    """Cross-validation figures from a model's notes, if it was measured (older models were
    not)."""
    cv = notes.get("cv") if isinstance(notes, dict) else None
    return cv if isinstance(cv, dict) and cv else None
