"""With DEBUG on (`make run`), a reader's mistake answered with a 4xx leaves one line in
the log, not a traceback: the site's errors must stand out from people's."""

import os
import subprocess
import sys

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.slow  # starts a Python process

REFUSED = """
import django
django.setup()
from django.test import Client
from django.core.exceptions import PermissionDenied
from django.urls import path
import config.urls

def refuse(request):
    raise PermissionDenied("Only moderators can do that.")

config.urls.urlpatterns.insert(0, path("refused-here/", refuse))
client = Client()
print(client.get("/refused-here/").status_code)
print(client.post("/comments/post/", "comment=" + "x" * 2_000_000,
                  content_type="application/x-www-form-urlencoded").status_code)
"""


def test_expected_client_errors_log_one_line_each_with_debug_on(tmp_path):
    """A 403 raised by a view and a 400 for a body over the limit each log one line, at
    WARNING, and no traceback, with DEBUG=1."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings", DEBUG="1", LOG_LEVEL="INFO",
        ALLOWED_HOSTS="testserver",
        SQLITE_PATH=str(tmp_path / "db.sqlite3"), PARLEY_CACHE_DIR=str(tmp_path / "cache"),
    )  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", REFUSED], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.stdout.split() == ["403", "400"], done.stderr
    log = [line for line in done.stderr.splitlines() if line.strip()]
    assert "Traceback" not in done.stderr, done.stderr
    forbidden = [line for line in log if "Forbidden (Permission denied): /refused-here/" in line]
    too_big = [line for line in log if "Request body exceeded" in line]
    assert len(forbidden) == 1 and len(too_big) == 1, log
    assert " WARNING " in forbidden[0] and " WARNING " in too_big[0], log
