"""A Celery worker imports the spam model's libraries before it forks its pool
(moderation.tasks.model_libraries_import), so no pool process pays for the import on its
first comment while the queue waits."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import sys
import django
django.setup()
import moderation.tasks
from celery.signals import worker_init
before = "sklearn" in sys.modules
worker_init.send(sender=None)
print(before, "sklearn" in sys.modules)
"""


def test_the_worker_imports_the_model_libraries_as_it_starts():
    """Before worker_init nothing has imported scikit-learn; after it, it is imported."""
    result = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["False", "True"]
