"""The spam model each process scores with: the shipped starter model blended with the site's
own (moderation.blending). The site model is loaded from the database once and re-checked
every minute, so a newly trained model reaches every worker without a restart.

numpy and the starter model are loaded when a model is first used, or as a process that will
score starts (spam_model_libraries_load): web processes that never score (queue mode) never
pay for them. Scoring never imports scikit-learn or SciPy (moderation.learning_features).
"""

import time

from .models import ModerationRules, SpamModel

CHECK_SECONDS = 60


class SpamModelCache:
    def __init__(self) -> None:
        self.forget()

    def forget(self) -> None:
        """Look in the database again on the next use."""
        self.checked = 0.0
        self.version: str | None = None
        self.model = None
        self.n_labels = 0
        self._blend = None

    def current(self, rules: ModerationRules):
        """The model to score with, or None with a note saying why rules alone decide."""
        if not rules.use_model:
            return None, "model: switched off"
        now = time.monotonic()
        if now - self.checked > CHECK_SECONDS:
            self._refresh()
            self.checked = now
        from .blending import BlendedModel, site_weight
        from .starter import starter_model

        starter = starter_model()
        weight = site_weight(self.n_labels, rules.site_model_half_labels)
        blend = self._blend
        # One blend per combination, not one per comment.
        if blend is None or (blend.starter, blend.site, blend.weight) != (
            starter,
            self.model,
            weight,
        ):
            blend = self._blend = BlendedModel(starter, self.model, weight)
        if starter is None and blend.site_used is None:
            # Nothing shipped, and no site model (or one that corrects a starter now gone).
            return None, "model: none shipped or trained"
        return blend, ""

    def _refresh(self) -> None:
        latest = SpamModel.objects.values_list("version", "n_labels").first()
        if latest is None:
            self.version, self.model, self.n_labels = None, None, 0
        elif latest[0] != self.version:
            from .learning_model import TrainedModel

            data = SpamModel.objects.filter(version=latest[0]).values_list("parameters", flat=True)
            self.model = TrainedModel.from_bytes(bytes(data.get()))
            self.version, self.n_labels = latest


spam_models = SpamModelCache()


def spam_model_libraries_load() -> None:
    """Import the model's libraries (numpy), read the starter model and the Public Suffix
    List (the rules' links) now.

    For a process about to score, as it starts: done on its first comment instead, that
    reader would wait for them (and a worker's pool process would, with the queue)."""
    from . import blending  # noqa: F401
    from .links import public_suffixes
    from .starter import starter_model

    starter_model()
    public_suffixes()
