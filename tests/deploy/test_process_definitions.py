"""The production process definitions in deploy/: three systemd services that restart on
failure (beat on its own), and an nginx site that tells Parley who the client is."""

import configparser
import re
from pathlib import Path

import pytest

from tests.support import nginx_site_conf

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read_string((DEPLOY / name).read_text().replace("\\\n", " "))
    return parser


@pytest.mark.parametrize("name", ["parley-web.service", "parley-worker.service",
                                  "parley-beat.service", "parley-live.service"])  # fmt: skip
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


def test_live_streams_come_from_an_asgi_server_behind_nginx():
    """The live streams are served by uvicorn (ASGI), not the sync workers, and nginx passes
    each event on unbuffered to the page that holds the stream open."""
    live = unit("parley-live.service")["Service"]["ExecStart"]
    assert "uvicorn config.asgi:application" in live and "--port 8001" in live
    # Below the web workers, and measured so (bench/live.py runs it at the same niceness).
    from bench.live import LIVE_NICE

    assert unit("parley-live.service")["Service"]["Nice"] == str(LIVE_NICE)
    site = (DEPLOY / "nginx-parley.conf").read_text()
    location = site[site.index("location /comments/live/") :]
    location = location[: location.index("}")]
    assert "proxy_pass http://parley_live;" in location
    assert "proxy_buffering off;" in location and "proxy_read_timeout 1h;" in location
    assert "server 127.0.0.1:8001" in site


def test_nginx_lets_an_admin_import_upload_through_but_no_other_big_body():
    """Bodies stop at 2 MiB everywhere but the admin's import upload, which takes a whole
    blog's export (a 3 MB WXR was a 413 before)."""
    site = (DEPLOY / "nginx-parley.conf").read_text()
    general = re.search(r"^    client_max_body_size (\d+)m;$", site, re.M)
    assert general and int(general[1]) <= 2
    upload = site[site.index("location = /admin/transfer/importrun/add/ {") :]
    upload = upload[: upload.index("}")]
    size = re.search(r"client_max_body_size (\d+)m;", upload)
    assert size and int(size[1]) >= 100
    assert "proxy_pass http://parley;" in upload


def test_the_nginx_site_loads_in_the_installed_nginx(tmp_path):
    """`nginx -t` accepts deploy/nginx-parley.conf as shipped, only its certificate and
    cache paths pointed at this test's files (Debian 12's nginx refused `http2 on;`)."""
    import subprocess

    nginx, site = nginx_site_conf(tmp_path)
    (tmp_path / "site.conf").write_text(site)
    temps = "".join(f"{kind}_temp_path {tmp_path}/{kind};" for kind in ("client_body", "proxy"))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ {temps} access_log off; include {tmp_path}/site.conf; }}\n"
    )
    done = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "[emerg]" not in done.stderr
