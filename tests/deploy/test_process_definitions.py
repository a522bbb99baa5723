"""The production process definitions in deploy/: three systemd services that restart on
failure (beat on its own), and an nginx site that tells Parley who the client is."""

import configparser
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read_string((DEPLOY / name).read_text().replace("\\\n", " "))
    return parser


@pytest.mark.parametrize("name", ["parley-web.service", "parley-worker.service",
                                  "parley-beat.service"])  # fmt: skip
def test_every_service_restarts_on_failure(name):
    """Each process comes back by itself: a crash needs nobody to restart it by hand."""
    service = unit(name)["Service"]
    assert service["Restart"] == "always"
    assert service["EnvironmentFile"] == "/etc/parley/parley.env"


def test_beat_runs_as_its_own_process():
    """The worker does not embed beat (one beat per site, not one per worker)."""
    worker = unit("parley-worker.service")["Service"]["ExecStart"]
    beat = unit("parley-beat.service")["Service"]["ExecStart"]
    assert " worker " in worker and "--beat" not in worker and " -B" not in worker
    assert " beat " in beat
    web = unit("parley-web.service")["Service"]["ExecStart"]
    assert "gunicorn config.wsgi" in web


def test_nginx_passes_the_client_address_and_the_scheme():
    """With nginx in front (PARLEY_TRUSTED_PROXY_COUNT=1) the client address and https
    reach Parley, and overlong bodies stop at nginx."""
    site = (DEPLOY / "nginx-parley.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert "client_max_body_size" in site
