"""Server processes settle the garbage collector once they have loaded the site
(core.collector): gunicorn's workers through gunicorn.conf.py, Celery's pool processes
through its worker_process_init signal. Each is asked in a fresh interpreter, since
freezing would reach into the test process's own collector."""

import json
import subprocess
import sys

from core.collector import YOUNGEST_THRESHOLD
from tests.support import ROOT

REPORT = "import gc, json; print(json.dumps([gc.get_freeze_count(), gc.get_threshold()[0]]))"


def collector_after(code: str) -> tuple[int, int]:
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\n{REPORT}"], cwd=ROOT, capture_output=True, text=True,
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "PATH": "/usr/bin:/bin"}, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    frozen, threshold = json.loads(done.stdout.splitlines()[-1])
    return frozen, threshold


def test_a_gunicorn_worker_freezes_the_loaded_site_and_collects_young_objects_less_often():
    frozen, threshold = collector_after(
        "import django, runpy; django.setup()\n"
        "hooks = runpy.run_path('gunicorn.conf.py')\n"
        "hooks['post_worker_init'](None)"
    )
    assert frozen > 10_000  # the site's modules, not a handful of objects
    assert threshold == YOUNGEST_THRESHOLD


def test_a_celery_pool_process_does_the_same_when_it_starts():
    frozen, threshold = collector_after(
        "import django; django.setup()\n"
        "from config.celery import app\n"
        "from celery.signals import worker_process_init\n"
        "worker_process_init.send(sender=None)"
    )
    assert frozen > 10_000
    assert threshold == YOUNGEST_THRESHOLD


def test_an_unsettled_interpreter_freezes_nothing():
    """What the two above are told apart from."""
    assert collector_after("import django; django.setup()") == (0, 700)
