"""A process that will score comments loads the spam model as it starts, so no comment pays
for it: a Celery worker before it forks its pool (moderation.tasks.model_libraries_import),
and the web server when it scores in the request (config/wsgi.py). A web server that only
queues comments never loads it. Scoring needs numpy, never scikit-learn or SciPy (training
does): importing them cost every such process 1.4 s of CPU and 70 MB. The Public Suffix List
the rules read links with is loaded with the model, and only then (30-90 ms of CPU)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TRAINING_ONLY = ("sklearn", "scipy")
LOADED = """
starter = sys.modules.get("moderation.starter")
print(starter._shipped.cache_info().currsize if starter else 0, end=" ")
links = sys.modules.get("moderation.links")
print(links.public_suffixes.cache_info().currsize if links else 0, end=" ")
print(*(name in sys.modules for name in ("numpy", *TRAINING_ONLY)))
"""
WORKER = f"""
import sys
import django
django.setup()
import moderation.tasks
from celery.signals import worker_init
TRAINING_ONLY = {TRAINING_ONLY!r}
{LOADED}
worker_init.send(sender=None)
{LOADED}
"""
WEB = f"""
import sys
import config.wsgi
TRAINING_ONLY = {TRAINING_ONLY!r}
{LOADED}
"""
SCORE = f"""
import sys
from dataclasses import replace
import config.wsgi
from moderation.learning_model import TrainedModel
from moderation.starter import starter_model
from moderation.blending import BlendedModel
starter = starter_model()
# A site model that corrects the starter, loaded as one stored in the database is.
stored = replace(starter, settings={{**starter.settings, "corrects": starter.version}})
correction = TrainedModel.from_bytes(stored.to_bytes())
assert correction.corrects == starter.version
texts = ["check out my channel http://x.example", "The council met on Tuesday."]
for model in (BlendedModel(starter, None, 0.0), BlendedModel(starter, correction, 0.5)):
    assert all(0 < p < 1 for p in model.predict_proba(texts))
TRAINING_ONLY = {TRAINING_ONLY!r}
{LOADED}
"""


def _child(code: str, **env) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_the_worker_loads_the_model_as_it_starts_without_the_training_libraries():
    """Before worker_init the starter model and the Public Suffix List are not read; after
    it, they are, with numpy and without scikit-learn or SciPy."""
    assert _child(WORKER) == [
        *("0", "0", "False", "False", "False"),
        *("1", "1", "True", "False", "False"),
    ]


def test_a_web_server_that_scores_in_the_request_loads_the_model_as_it_starts():
    """The embedded default (no Redis): the libraries are imported and the starter model read
    when the WSGI application is, before any request."""
    assert _child(WEB) == ["1", "1", "True", "False", "False"]


def test_a_web_server_that_queues_the_scoring_does_not_load_the_model():
    assert _child(WEB, REDIS_URL="redis://127.0.0.1:1") == ["0", "0", "False", "False", "False"]


def test_scoring_with_the_starter_and_a_site_model_needs_no_training_library():
    """Both ways a site model is blended score without importing scikit-learn or SciPy."""
    assert _child(SCORE) == ["1", "1", "True", "False", "False"]
