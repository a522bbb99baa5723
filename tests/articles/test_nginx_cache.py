"""deploy/nginx-parley.conf's cache lines in a real nginx in front of the live server: the
shared page is kept and served by nginx, a reader with personal cookies always reaches Parley,
and the cookies it checks are the ones Parley calls personal."""

import os
import re
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from articles.page_cache import PERSONAL_COOKIES
from tests.support import free_port, wait_until

SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx-parley.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def test_the_nginx_site_bypasses_every_cookie_that_makes_a_page_personal():
    """The map in the nginx site names the session cookie and every personal cookie."""
    personal = re.search(r"map \$http_cookie \$parley_personal \{(.*?)\}", SITE.read_text(), re.S)
    names = set(re.search(r"\(([a-z_|]+)\)=", personal.group(1)).group(1).split("|"))
    assert names == {settings.SESSION_COOKIE_NAME, *PERSONAL_COOKIES}


def nginx_config(base: Path, port: int, upstream: str) -> str:
    """The site's cache lines around a plain-HTTP server on `port` in front of `upstream`."""
    site = SITE.read_text()
    cache_path = re.search(r"proxy_cache_path .*?;", site, re.S).group(0)
    cache_path = re.sub(r"/var/cache/nginx/parley", str(base / "cache"), cache_path)
    personal = re.search(r"map \$http_cookie.*?\n\}", site, re.S).group(0)
    proxy = "\n".join(re.findall(r"^    proxy_(?:http_version|set_header) .*;$", site, re.M))
    article = re.search(r"    location ~ \^/articles/.*?\n    \}", site, re.S).group(0)
    temps = "".join(f"{kind}_temp_path {base}/{kind}; " for kind in ("client_body", "proxy"))
    # Started as root, nginx's workers would otherwise run as nobody, locked out of tmp_path.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}daemon off; pid {base}/nginx.pid; error_log {base}/error.log warn;\n"
        f"events {{}}\nhttp {{\n  access_log off; {temps}\n  {cache_path}\n{personal}\n"
        f"  upstream parley {{ server {upstream}; }}\n"
        f"  server {{\n    listen 127.0.0.1:{port};\n{proxy}\n{article}\n"
        f"    location / {{ proxy_pass http://parley; }}\n  }}\n}}\n"
    )


@pytest.fixture
def nginx(live_server, tmp_path):
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    port = free_port()
    upstream = live_server.url.removeprefix("http://")
    (tmp_path / "nginx.conf").write_text(nginx_config(tmp_path, port, upstream))
    process = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    wait_until(lambda: (tmp_path / "nginx.pid").exists() or process.poll() is not None, 10,
               "nginx to start")  # fmt: skip
    if process.poll() is not None:
        raise AssertionError(process.stderr.read().decode())
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(10)


def fetch(url: str, cookie: str = "") -> tuple[dict, bytes]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(response.headers), response.read()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_nginx_keeps_the_shared_page_and_never_a_personal_one(nginx, article, settings):
    """Anonymous readers: one fetch from Parley, then nginx's copy (until s-maxage ends).
    A reader with a session or own-comment cookie: always Parley's own, private page."""
    settings.PARLEY_PAGE_CACHE_SECONDS = 60
    settings.PARLEY_PAGE_PROXY_SECONDS = 1
    url = nginx + article.get_absolute_url()
    first, body = fetch(url)
    assert first["X-Cache-Status"] == "MISS" and first["X-Parley-Cache"] == "miss"
    second, again = fetch(url)
    assert second["X-Cache-Status"] == "HIT" and again == body
    assert second["X-Parley-Cache"] == "miss", "nginx answered, Parley was not asked"
    for cookie in ("sessionid=abc", "csrftoken=x; parley_own=1"):
        personal, _ = fetch(url, cookie)
        assert personal["X-Cache-Status"] == "BYPASS"
        assert personal["Cache-Control"] == "private, no-cache"
        assert "X-Parley-Cache" not in personal
    assert fetch(url, "csrftoken=x")[0]["X-Cache-Status"] == "HIT"
    wait_until(lambda: fetch(url)[0]["X-Cache-Status"] != "HIT", 10, "s-maxage to run out")


def test_the_readme_shows_the_lines_the_nginx_site_uses():
    """Every directive in README's nginx example is in deploy/nginx-parley.conf."""
    readme = (SITE.parents[1] / "README.md").read_text()
    block = re.search(r"```nginx\n(.*?)```", readme, re.S).group(1)
    site = {line.strip() for line in SITE.read_text().splitlines()}
    lines = {line.split("#")[0].strip() for line in block.splitlines()}
    assert sorted(line for line in lines if line and line not in site) == []
