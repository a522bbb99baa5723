"""The model a comment is scored with: the starter model and the site's own.

The site model learns from this site: its moderators' decisions, and the comments readers saw
published and never reported. It is trained as a correction of the starter (moderation.logistic):
a comment's log-odds are the starter's plus the site model's. With few labels the correction
is held near zero by its penalty and the starter decides; as labels grow, the site's own
spam and readers count for more. There is no label count at which the scorer suddenly changes
its mind, and no share to tune: how far the site model moves the starter is what its labels
support.

Moderators are asked about what the scorer doubted, mostly spam, so their decisions alone are
no picture of the site: a correction learnt from them alone marked readers' comments spam.
Until published comments have settled (and on models trained before corrections existed) the
site model stands alone instead, blended with the starter as log-odds at a weight that grows
with its labels, w = n / (n + half), where `half` (ModerationRules.site_model_half_labels) is
the label count at which both weigh the same.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .learning_model import TrainedModel

_EPSILON = 1e-6
# A comment readers saw published and nobody reported counts as not spam, at this share of a
# moderator's label: some spam is never reported. Moderators see what the scorer was unsure
# of (in the Youtube data, nine in ten of their labels were spam), so without these the site
# model learnt that nearly everything is spam. 0.3 against 1.0 was the better learning curve
# (bench/spam_learning.py, leave-one-video-out); 1.0 let unreported spam teach it too much.
PUBLISHED_UNREPORTED_WEIGHT = 0.3


def site_weight(n_labels: int, half_labels: int) -> float:
    """A standalone site model's share of the blend after n_labels labelled decisions."""
    if n_labels <= 0:
        return 0.0
    return n_labels / (n_labels + max(half_labels, 1))


def _log_odds(probabilities: np.ndarray) -> np.ndarray:
    clipped = np.clip(probabilities, _EPSILON, 1 - _EPSILON)
    return np.log(clipped / (1 - clipped))


def site_model_train(
    *,
    starter: TrainedModel | None,
    texts: Sequence[str],
    labels: Sequence[int],
    published_unreported: Sequence[str] = (),
    progress: Callable[[int, int, str], None] | None = None,
    own_hosts: tuple[str, ...] = (),
) -> TrainedModel | None:
    """Train the site's model on labelled texts (moderators' decisions, imports) and on the
    texts of comments published without a report (as not spam, weighing less): a correction
    of the starter, or with no such comments yet (or no starter) a model of its own. None
    while only one class is known. Links to own_hosts (the site's own) are no links to the
    cues, as the model will be served: the site's readers cite its pages, and a model that
    learnt those as links would learn that links are not spam."""
    # Here, not at the top: scoring imports this module, and only training needs scikit-learn.
    from .learning import train

    all_texts = [*texts, *published_unreported]
    all_labels = [*labels, *([0] * len(published_unreported))]
    if len(set(all_labels)) < 2:
        return None
    weights = [1.0] * len(texts) + [PUBLISHED_UNREPORTED_WEIGHT] * len(published_unreported)
    corrects = starter if published_unreported else None
    return train(
        all_texts,
        all_labels,
        weights=weights,
        progress=progress,
        corrects=corrects,
        own_hosts=own_hosts,
    )


@dataclass(frozen=True)
class BlendedModel:
    starter: TrainedModel | None
    site: TrainedModel | None
    weight: float  # a standalone site model's share (site_weight); ignored for a correction

    @property
    def site_used(self) -> TrainedModel | None:
        """The site model, unless it corrects a starter other than this one (it was trained
        before the starter was rebuilt): the starter scores alone until it is retrained."""
        site = self.site
        if (
            site is not None
            and site.corrects
            and (self.starter is None or site.corrects != self.starter.version)
        ):
            return None
        return site

    @property
    def version(self) -> str:
        """Both versions (and a standalone site model's weight), so a verdict says exactly
        what scored it (fits the 32 characters SpamVerdict.model_version keeps)."""
        site = self.site_used
        if site is None:
            return self.starter.version if self.starter is not None else ""
        if self.starter is None:
            return site.version
        if site.corrects:
            return f"{self.starter.version}+{site.version}"
        return f"{self.starter.version}+{site.version}@{self.weight:.2f}"

    def predict_proba(self, texts: Sequence[str], *, own_hosts: tuple[str, ...] = ()) -> np.ndarray:
        site = self.site_used
        if site is None:
            return self.starter.predict_proba(texts, own_hosts=own_hosts)
        if self.starter is None:
            return site.predict_proba(texts, own_hosts=own_hosts)
        if site.corrects:
            corrected = self.starter.log_odds_pair(site, texts, own_hosts=own_hosts)
            return 1.0 / (1.0 + np.exp(-corrected))
        starter = self.starter.predict_proba(texts, own_hosts=own_hosts)
        blended = (1 - self.weight) * _log_odds(starter)
        blended += self.weight * _log_odds(site.predict_proba(texts, own_hosts=own_hosts))
        return 1.0 / (1.0 + np.exp(-blended))
