"""The model a comment is scored with: the starter model blended with the site's own.

The site model learns from this site's moderators, so it knows the site's readers and its
spam; with few labels it also knows little else. Its weight grows smoothly with the labels it
was trained on, w = n / (n + half), where `half` (ModerationRules.site_model_half_labels) is
the label count at which both weigh the same: there is no cliff at which the scorer suddenly
changes its mind. The two are blended as log-odds, so a model that is sure counts as sure.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .learning import TrainedModel

_EPSILON = 1e-6


def site_weight(n_labels: int, half_labels: int) -> float:
    """The site model's share of the blend after n_labels labelled decisions."""
    if n_labels <= 0:
        return 0.0
    return n_labels / (n_labels + max(half_labels, 1))


def _log_odds(probabilities: np.ndarray) -> np.ndarray:
    clipped = np.clip(probabilities, _EPSILON, 1 - _EPSILON)
    return np.log(clipped / (1 - clipped))


@dataclass(frozen=True)
class BlendedModel:
    starter: TrainedModel | None
    site: TrainedModel | None
    weight: float  # the site model's share; ignored when one of the two is missing

    @property
    def version(self) -> str:
        """Both versions and the weight, so a verdict says exactly what scored it (fits the
        32 characters SpamVerdict.model_version keeps)."""
        if self.site is None:
            return self.starter.version
        if self.starter is None:
            return self.site.version
        return f"{self.starter.version}+{self.site.version}@{self.weight:.2f}"

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        if self.site is None:
            return self.starter.predict_proba(texts)
        if self.starter is None:
            return self.site.predict_proba(texts)
        blended = (1 - self.weight) * _log_odds(self.starter.predict_proba(texts))
        blended += self.weight * _log_odds(self.site.predict_proba(texts))
        return 1.0 / (1.0 + np.exp(-blended))
