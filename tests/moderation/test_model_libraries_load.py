"""A process that will score comments loads the spam model's libraries as it starts, so no
comment pays for the import (a second or more): a Celery worker before it forks its pool
(moderation.tasks.model_libraries_import), and the web server when it scores in the request
(config/wsgi.py). A web server that only queues comments never loads them."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKER = """
import sys
import django
django.setup()
import moderation.tasks
from celery.signals import worker_init
before = "sklearn" in sys.modules
worker_init.send(sender=None)
print(before, "sklearn" in sys.modules)
"""
WEB = """
import sys
import config.wsgi
starter = sys.modules.get("moderation.starter")
print("sklearn" in sys.modules, starter._shipped.cache_info().currsize if starter else 0)
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


def test_the_worker_imports_the_model_libraries_as_it_starts():
    """Before worker_init nothing has imported scikit-learn; after it, it is imported."""
    assert _child(WORKER) == ["False", "True"]


def test_a_web_server_that_scores_in_the_request_loads_the_model_as_it_starts():
    """The embedded default (no Redis): the libraries are imported and the starter model read
    when the WSGI application is, before any request."""
    assert _child(WEB) == ["True", "1"]


def test_a_web_server_that_queues_the_scoring_does_not_load_the_model():
    assert _child(WEB, REDIS_URL="redis://127.0.0.1:1") == ["False", "0"]
