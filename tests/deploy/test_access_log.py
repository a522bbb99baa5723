"""gunicorn's access log names the client the site counts: behind the trusted proxy, the
address nginx forwarded; with no proxy trusted, the connection's own, whatever a client
puts in X-Forwarded-For."""

import os
import subprocess
import sys
import urllib.request

import pytest

from tests.support import ROOT, free_port, wait_until

pytestmark = pytest.mark.slow  # starts gunicorn


def access_line(tmp_path, proxies: str, forwarded_for: str) -> str:
    port = free_port()
    log = tmp_path / f"gunicorn-{proxies}.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings", PARLEY_TRUSTED_PROXY_COUNT=proxies,
        SQLITE_PATH=str(tmp_path / "db.sqlite3"), PARLEY_CACHE_DIR=str(tmp_path / "cache"),
        PARLEY_EMBEDDED_BEAT_TICK="0",
    )  # fmt: skip
    # As deploy/parley-web.service starts it: from the project folder, access log on.
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--access-logfile", "-"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/static/nothing-here.css",
            headers={"X-Forwarded-For": forwarded_for},
        )

        def answered() -> bool:
            assert server.poll() is None, log.read_text()
            try:
                urllib.request.urlopen(request, timeout=5)
            except urllib.error.HTTPError:
                pass
            except OSError:
                return False
            return "GET /static/nothing-here.css HTTP" in log.read_text()

        wait_until(answered, 60, "gunicorn to answer and log it")
    finally:
        server.terminate()
        server.wait(20)
    lines = log.read_text().splitlines()
    return next(line for line in lines if "GET /static/nothing-here.css HTTP" in line)


def test_behind_the_trusted_proxy_the_log_names_the_forwarded_client(tmp_path):
    """PARLEY_TRUSTED_PROXY_COUNT=1: the line starts with the address nginx appended."""
    line = access_line(tmp_path, "1", "192.0.2.1, 203.0.113.9")
    assert line.startswith("203.0.113.9 "), line


def test_with_no_proxy_trusted_a_forged_header_is_not_logged(tmp_path):
    """PARLEY_TRUSTED_PROXY_COUNT=0: the connection's address, not what the client wrote."""
    line = access_line(tmp_path, "0", "203.0.113.9")
    assert line.startswith("127.0.0.1 "), line
