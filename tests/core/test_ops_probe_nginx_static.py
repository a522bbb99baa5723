"""The shipped nginx site serves the static files collectstatic wrote compressed, to a
browser that takes gzip (WhiteNoise writes a .gz beside each; nginx sent the plain one)."""

import gzip
import os
import re
import ssl
import subprocess
import urllib.request

import pytest

from tests.support import free_port, nginx_site_conf, wait_until


@pytest.fixture
def nginx_site(tmp_path):
    nginx, site = nginx_site_conf(tmp_path)
    static = tmp_path / "staticfiles"
    static.mkdir()
    css = b"body { margin: 0 auto; }\n" * 200
    (static / "site.0123456789ab.css").write_bytes(css)
    (static / "site.0123456789ab.css.gz").write_bytes(gzip.compress(css))
    port = free_port()
    site = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", site)
    site = re.sub(r"listen 80;", f"listen 127.0.0.1:{free_port()};", site)
    site = re.sub(r"listen 443 ssl[^;]*;", f"listen 127.0.0.1:{port} ssl;", site)
    site = site.replace("/srv/parley/staticfiles/", f"{static}/")
    (tmp_path / "site.conf").write_text(site)
    temps = "".join(f"{kind}_temp_path {tmp_path}/{kind};" for kind in ("client_body", "proxy"))
    user = "user root;\n" if os.geteuid() == 0 else ""  # its workers read tmp_path
    (tmp_path / "nginx.conf").write_text(
        f"{user}daemon off; pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{ {temps} access_log off; include {tmp_path}/site.conf; }}\n"
    )
    process = subprocess.Popen(
        [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"https://127.0.0.1:{port}"
    try:
        wait_until(lambda: _answers(base), 10, f"nginx to serve ({tmp_path}/error.log)")
        yield base, css
    finally:
        process.terminate()
        process.wait(10)


def _get(url: str, **headers):
    context = ssl._create_unverified_context()  # noqa: S323 - the test's own certificate
    request = urllib.request.Request(url, headers={"Host": "comments.example.com", **headers})
    with urllib.request.urlopen(request, context=context, timeout=5) as answer:
        return answer.headers, answer.read()


def _answers(base: str) -> bool:
    try:
        _get(f"{base}/static/site.0123456789ab.css")
        return True
    except OSError:
        return False


def test_static_files_go_out_compressed_to_a_browser_that_takes_gzip(nginx_site):
    """CSS asked for with Accept-Encoding: gzip comes as the .gz collectstatic wrote."""
    base, css = nginx_site
    headers, body = _get(f"{base}/static/site.0123456789ab.css", **{"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == css
    assert "Accept-Encoding" in headers["Vary"]


def test_a_client_without_gzip_gets_the_plain_file(nginx_site):
    """Without Accept-Encoding the same address answers the file as it is."""
    base, css = nginx_site
    headers, body = _get(f"{base}/static/site.0123456789ab.css")
    assert headers.get("Content-Encoding") is None and body == css
