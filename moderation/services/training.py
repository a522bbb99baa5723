"""Training the spam model on labelled comments: moderators' decisions and imported data."""

import csv
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from comments.models import Comment, CommentStatus

from .. import selectors
from ..model_cache import spam_models
from ..models import Report, SpamModel, SpamVerdict, TrainingExample

# A published comment counts as not spam once readers have had this long to report it; the
# site model also learns from these, not only from what moderators were asked about
# (moderation.blending).
UNREPORTED_AFTER = timedelta(days=3)
UNREPORTED_LIMIT = 5000


def training_examples_forget(*, comment_ids: list[int]) -> None:
    """Drop comments' training labels (their authors deleted them: their words are gone)."""
    TrainingExample.objects.filter(comment_id__in=comment_ids).delete()


def training_import_csv(
    *, path: Path, text_column: str, label_column: str, spam_labels: Iterable[str] = ("1", "spam")
) -> int:
    """Import labelled texts from a CSV file; returns how many were added."""
    spam_values = {value.strip().lower() for value in spam_labels}
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = {text_column, label_column} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path} has no column {', '.join(sorted(missing))}")
        examples = [
            TrainingExample(
                text=row[text_column],
                is_spam=row[label_column].strip().lower() in spam_values,
                source=TrainingExample.Source.IMPORT,
            )
            for row in reader
            if (row.get(text_column) or "").strip()
        ]
    TrainingExample.objects.bulk_create(examples, batch_size=1000)
    return len(examples)


def spam_model_train(
    *,
    progress: Callable[[int, int, str], None] | None = None,
    force: bool = False,
    scheduled: bool = False,
) -> SpamModel | None:
    """Train the site's model on every labelled example and on the comments published without
    a report since; None when there is nothing new to learn or too little to learn from. The
    new model becomes active for every worker within a minute.

    `scheduled` is beat's run, every few minutes: it trains only once retraining is due
    (_retraining_due), so a wave of decisions teaches the model within minutes and a trickle
    costs one training every PARLEY_RETRAIN_SECONDS."""
    from ..blending import site_model_train
    from ..starter import starter_model

    starter = starter_model()
    due = _retraining_due if scheduled else _anything_new
    if not force and not due(starter):
        return None
    rows = list(TrainingExample.objects.values_list("text", "is_spam"))
    texts = [text for text, _ in rows]
    labels = [int(is_spam) for _, is_spam in rows]
    unreported = _published_unreported()
    own_hosts = selectors.own_hosts()
    model = site_model_train(
        starter=starter,
        texts=texts,
        labels=labels,
        published_unreported=unreported,
        progress=progress,
        own_hosts=own_hosts,
    )
    if model is None:
        return None
    spam_model, _ = SpamModel.objects.get_or_create(
        version=model.version,
        defaults={
            "n_labels": model.n_labels,
            "parameters": model.to_bytes(),
            "notes": {
                "spam": sum(labels),
                "not_spam": len(labels) - sum(labels),
                "published_unreported": len(unreported),
                "corrects": model.corrects,
                # Measured now, so the scorer page can say how good each version was when it
                # went live.
                "cv": _cross_validated(starter, texts, labels, unreported, own_hosts),
            },
        },
    )
    spam_models.forget()
    return spam_model


def _published_unreported() -> list[str]:
    """The texts of comments the scorer published that stayed published, unreported, for
    UNREPORTED_AFTER: readers saw them and nobody objected. Newest first, at most
    UNREPORTED_LIMIT, so training time stays bounded on a large site."""
    return list(
        _published_unreported_comments()
        .order_by("-submit_date", "-pk")
        .values_list("comment", flat=True)[:UNREPORTED_LIMIT]
    )


def _published_unreported_comments():
    return (
        Comment.objects.filter(
            status=CommentStatus.PUBLISHED, submit_date__lte=timezone.now() - UNREPORTED_AFTER
        )
        .filter(
            Exists(
                SpamVerdict.objects.filter(
                    comment=OuterRef("pk"), decision=CommentStatus.PUBLISHED, acted=True
                )
            )
        )
        .exclude(Exists(Report.objects.filter(comment=OuterRef("pk"))))
        # A moderator's decision on it is a label of its own.
        .exclude(Exists(TrainingExample.objects.filter(comment=OuterRef("pk"))))
    )


def _anything_new(starter) -> bool:
    """Whether a label, a newly settled comment or another starter model (for a correction)
    came since the latest training."""
    latest = SpamModel.objects.first()
    if latest is None or _starter_replaced(latest, starter):
        return True
    if TrainingExample.objects.filter(updated_at__gt=latest.trained_at).exists():
        return True
    settled_since = latest.trained_at - UNREPORTED_AFTER
    return _published_unreported_comments().filter(submit_date__gt=settled_since).exists()


def _starter_replaced(latest: SpamModel, starter) -> bool:
    """Whether the latest model corrects a starter other than the one shipped now (an
    upgrade rebuilt it): until retrained, the starter scores alone (moderation.blending)."""
    corrects = latest.notes.get("corrects", "")
    return bool(corrects) and corrects != (starter.version if starter else "")


def _retraining_due(starter) -> bool:
    """PARLEY_RETRAIN_AFTER_LABELS decisions since the latest training, a new starter, or
    anything new once PARLEY_RETRAIN_SECONDS have passed since it (or with no model yet)."""
    latest = SpamModel.objects.first()
    if latest is not None and not _starter_replaced(latest, starter):
        new_labels = TrainingExample.objects.filter(updated_at__gt=latest.trained_at)
        if new_labels.count() >= settings.PARLEY_RETRAIN_AFTER_LABELS:
            return True
        waited = timezone.now() - latest.trained_at
        if waited < timedelta(seconds=settings.PARLEY_RETRAIN_SECONDS):
            return False
    return _anything_new(starter)


def _cross_validated(
    starter,
    texts: list[str],
    labels: list[int],
    unreported: list[str],
    own_hosts: tuple[str, ...],
):
    """Folds of the labelled examples, each scored by a model trained on the others and on
    every unreported comment, as it is served (with the starter it corrects)."""
    from ..blending import BlendedModel, site_model_train
    from ..evaluation import cross_validated, folds_of

    folds = folds_of(texts, labels)
    if not folds:
        return None

    def train(fold_texts, fold_labels):
        site = site_model_train(
            starter=starter,
            texts=fold_texts,
            labels=fold_labels,
            published_unreported=unreported,
            own_hosts=own_hosts,
        )
        return BlendedModel(starter, site, 1.0)

    return cross_validated(folds, train, own_hosts)
