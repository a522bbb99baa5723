"""Parley's half of bench/peers.py, and the posting client bench/queue_latency.py shares.

Parley runs as in production (gunicorn, 2 sync workers, DEBUG=0, bench.processes' environment)
on a SQLite database and a file cache of the run's own, over plain HTTP. Its cookies are
`Secure` then, so the client reads them from Set-Cookie and sends them back itself (as
bench.http_client's comment_poster does) rather than through a cookie jar that would drop them.
"""

import contextlib
import html
import http.client
import io
import json
import os
import re
import shutil
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from bench.http_client import csrf_cookie, fetch, page_getter
from bench.peers_load import (
    NGINX,
    Hammered,
    Measured,
    Reads,
    bare_gunicorn_serving,
    comment_text,
    hammer,
    nginx_serving,
    reply_parent,
    sequential_reads,
    warm,
)
from bench.peers_rounds import PostingTarget
from bench.peers_scorer import ScorerTimes
from bench.processes import base_env, start_gunicorn, stop
from bench.queue_latency import QueueRun, queue_mode
from tests.support import form_fields

LANDING_SERIES = 100_000  # added to peers_rounds.posting_series for the landing runs
PARENTS = 20  # published comments on each posting article, for every second post to reply to
COMMENT_ON_PAGE = re.compile(rb'<li id="c\d+" class="comment depth-')
CLOSE = {"Connection": "close"}
TOKEN_URL = re.compile(r'data-csrf-url="([^"]+)"')


def parley_env(scratch: Path) -> dict:
    """bench.processes' environment (DEBUG=0 over plain HTTP, 2 workers) on a database and a
    cache of this run's own, the page cache at its default and every comment limit lifted: a few
    client threads stand in for many readers."""
    env = {k: v for k, v in base_env().items() if not k.startswith("PARLEY_")}
    env.update(
        SQLITE_PATH=str(scratch / "parley.sqlite3"),
        PARLEY_CACHE_DIR=str(scratch / "cache"),
        PARLEY_PAGE_CACHE_SECONDS="60",
        PARLEY_RATE_COMMENT_GUEST="0/1",
        PARLEY_RATE_COMMENT_USER="0/1",
    )
    return env


def parley_prepare(env: dict, sizes: list[int]) -> dict:
    """Set Django up in this process on `env`'s database and run http_load's preparation:
    migrated, seeded articles of `sizes` comments, their first pages' query counts. Static
    files are collected (into the git-ignored staticfiles/) for DEBUG=0's manifest."""
    import django
    from django.core.management import call_command

    from bench.http_load import prepare

    # Uncached, so the query counts are those of a page actually built.
    os.environ.update({**env, "PARLEY_PAGE_CACHE_SECONDS": "0"})
    # Before the pages are first built: under DEBUG=0 they name files by the manifest.
    django.setup()
    call_command("collectstatic", "--noinput", verbosity=0)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        prepare(sizes)
    prepared = json.loads(printed.getvalue().strip().splitlines()[-1])
    return {int(size): page for size, page in prepared["pages"].items()}


@dataclass
class PostingArticle:
    id: int
    path: str
    parents: list[int]


def posting_article(slug: str) -> PostingArticle:
    """A published article with a few published comments to reply to (Django must be set up)."""
    from bench.seed import seed_article
    from comments.models import Comment

    article = seed_article(PARENTS, slug=slug, seed=29)
    parents = list(Comment.objects.filter(article=article).values_list("pk", flat=True))
    return PostingArticle(article.pk, article.get_absolute_url(), parents)


def _set_cookies(response: http.client.HTTPResponse) -> list[str]:
    return [header.split(";", 1)[0] for header in response.msg.get_all("Set-Cookie") or []]


def parley_form(port: int, path: str) -> tuple[str, dict]:
    """A first visit's CSRF cookie and the page's comment form fields, token included.

    A page shared by every reader carries no token; its script asks the URL it names for
    one (which also sets the cookie) when the form is first used, and so does this.
    """
    status, body, headers = fetch(port, path)
    page = body.decode(errors="replace")
    token, fields = csrf_cookie(headers), form_fields(page)
    asks = TOKEN_URL.search(page)
    if status == 200 and not fields.get("csrfmiddlewaretoken") and asks:
        status, body, headers = fetch(port, html.unescape(asks[1]))
        token = csrf_cookie(headers)
        fields["csrfmiddlewaretoken"] = json.loads(body or b"{}").get("token", "")
    if status != 200 or not token or not fields.get("csrfmiddlewaretoken"):
        raise SystemExit(f"{path} had no usable comment form and CSRF cookie (HTTP {status})")
    return token, fields


def parley_poster(
    port: int, article: PostingArticle, clients: int, *, follow: bool = False, series: int = 0
):
    """A request maker that posts through the "Leave a Reply" form, for http_client.run_load.

    Each client loads the article once, before the clock starts, for its CSRF cookie and the
    form's signed fields; every post sends that cookie only. With `follow` the client then
    loads the page the 302 sends it to, with the cookies the post set (its notice and its own
    comment), as the poster's browser would, and the GET is the answer counted. Each run on
    one article takes a `series` of its own (comment_text), so that no post repeats a text.
    """
    forms = [parley_form(port, article.path) for _ in range(clients)]
    referer = f"http://127.0.0.1:{port}{article.path}"

    def make_request(connection: http.client.HTTPConnection, worker: int, n: int):
        token, fields = forms[worker]
        form = {
            **fields, "comment": comment_text(worker, n, series), "name": f"Reader {worker}",
            "email": "", "url": "", "honeypot": "",
            "reply_to": str(reply_parent(article.parents, n) or 0),
        }  # fmt: skip
        connection.request(
            "POST",
            "/comments/post/",
            body=urllib.parse.urlencode(form),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={token}",
                "Referer": referer,
            },
        )
        response = connection.getresponse()
        if not follow or response.status != 302:
            return response
        response.read()
        cookies = "; ".join([f"csrftoken={token}", *_set_cookies(response)])
        landing = urllib.parse.urlsplit(response.getheader("Location", ""))
        target = landing.path + (f"?{landing.query}" if landing.query else "")
        connection.request("GET", target, headers={"Cookie": cookies})
        return connection.getresponse()

    make_request.port = port
    return make_request


def _get(port: int, path: str, headers: dict) -> int:
    return _answer(port, path, headers)[0]


def _answer(port: int, path: str, headers: dict) -> tuple[int, list[tuple[str, str]]]:
    """A GET's status and headers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheaders()
    finally:
        connection.close()


# ---------------------------------------------------------------------------
# The half
# ---------------------------------------------------------------------------
@dataclass
class ParleyFigures:
    thread_size: int
    queries: dict[int, int]
    first_screen: Reads | None = None
    whole: Reads | None = None
    comments_shown: int = 0
    posting: dict[int, Measured] = field(default_factory=dict)
    landing: Measured | None = None
    landing_clients: int = 0
    cached: Hammered | None = None
    page_bytes: int = 0
    nginx: Hammered | None = None
    nginx_note: str = ""
    bare: Hammered | None = None
    not_modified: Hammered | None = None
    bare_not_modified: Hammered | None = None  # the same 304 from gunicorn and a bare app
    not_modified_note: str = ""
    queue: QueueRun | None = None
    queue_note: str = ""
    target: PostingTarget | None = None  # its server, up for the posting rounds
    landing_target: PostingTarget | None = None
    inline: PostingArticle | None = None  # the article the posting rounds post to
    scorer: ScorerTimes | None = None  # once posting is done


def parley_half(options, scratch: Path, logs: Path, stack: contextlib.ExitStack) -> ParleyFigures:
    """Every Parley figure of the table but posting, each from a gunicorn started for it, and
    a gunicorn left running in `stack` for the posting rounds (peers_rounds)."""
    env = parley_env(scratch)
    sizes = sorted({100, options.thread_size})
    pages = parley_prepare(env, sizes)
    figures = ParleyFigures(options.thread_size, {size: pages[size]["queries"] for size in sizes})
    thread_path = pages[options.thread_size]["path"]
    inline, landing, queued = (posting_article(f"peers-{mode}") for mode in
                               ("inline", "landing", "queue"))  # fmt: skip

    def server(label: str, **overrides):
        return start_gunicorn({**env, **overrides}, logs, label, thread_path)

    web, port = server("first-screen", PARLEY_PAGE_CACHE_SECONDS="0")
    try:
        figures.first_screen = sequential_reads(web.pid, port, thread_path, options.first_reads)
    finally:
        stop(web)
    everything = str(10 * options.thread_size)
    web, port = server(
        "whole", PARLEY_PAGE_CACHE_SECONDS="0", PARLEY_THREADS_PER_PAGE=everything,
        PARLEY_COMMENTS_PER_PAGE=everything,
    )  # fmt: skip
    try:
        figures.whole = sequential_reads(web.pid, port, thread_path, options.whole_reads)
        figures.comments_shown = len(COMMENT_ON_PAGE.findall(figures.whole.body))
    finally:
        stop(web)
    print(f"parley: reads done (whole thread {figures.whole.cpu_ms:.1f} ms CPU)", flush=True)

    web, port = server("inline")
    try:
        # First, while the page its start stored is fresh: it is kept for 60 s.
        cached_page_measure(figures, options, web.pid, port, thread_path, logs)
    finally:
        stop(web)

    if shutil.which("redis-server") is None:
        figures.queue_note = "skipped: no redis-server (apt-get install redis-server)"
    else:
        from tests.support import RedisServer

        redis = RedisServer()
        redis.start()
        try:
            figures.queue = queue_mode(
                env={**env, "REDIS_URL": redis.url}, article=queued, clients=options.clients,
                seconds=options.seconds, logs=logs,
            )  # fmt: skip
        finally:
            redis.stop()
    web, port = server("posting")
    stack.callback(stop, web)
    figures.inline = inline
    figures.target = PostingTarget(
        "parley", web.pid,
        lambda clients, series: parley_poster(port, inline, clients, series=series), 302,
    )  # fmt: skip
    # The poster's browser following the 302, on an article of its own: counted is the
    # landing page, and the CPU is the post's and the page's together. Its texts are a
    # series apart from the posting runs', as Parley also weighs copies from other articles.
    figures.landing_clients = options.landing_clients
    figures.landing_target = PostingTarget(
        "parley post + landing", web.pid,
        lambda clients, series: parley_poster(port, landing, clients, follow=True,
                                              series=LANDING_SERIES + series), 200,
    )  # fmt: skip
    return figures


def cached_page_measure(
    figures: ParleyFigures, options, pid: int, port: int, path: str, logs: Path
) -> None:
    """The cached anonymous page against nginx serving its bytes and bare gunicorn serving
    them, and a 304's CPU, into `figures` (bench.cached_page measures with it too)."""
    warm(page_getter(port, path), clients=1)
    status, page, headers = fetch(port, path)
    if status != 200:
        raise SystemExit(f"the cached page answered {status}")
    figures.page_bytes = len(page)
    figures.cached = hammer(port, path, seconds=options.seconds, headers=CLOSE, pid=pid)
    if not os.access(NGINX, os.X_OK):
        figures.nginx_note = "skipped: no nginx (apt-get update && apt-get install -y nginx-light)"
    else:
        with nginx_serving(page, logs) as (nginx_port, nginx_path):
            figures.nginx = hammer(nginx_port, nginx_path, seconds=options.seconds, headers=CLOSE)
    with bare_gunicorn_serving(page, headers.items(), logs) as (bare_port, bare_path, _):
        figures.bare = hammer(bare_port, bare_path, seconds=options.seconds, headers=CLOSE)
    _, _, headers = fetch(port, path)  # the page as stored now, should it have changed
    etag = headers.get("ETag") if headers is not None else None
    if not etag:
        figures.not_modified_note = "n/a: the cached page carries no ETag"
        return
    conditional = {**CLOSE, "If-None-Match": etag}
    answered = _get(port, path, conditional)
    if answered != 304:
        figures.not_modified_note = f"n/a: If-None-Match with its ETag answered {answered}"
        return
    figures.not_modified = hammer(port, path, seconds=options.seconds, headers=conditional,
                                  pid=pid)  # fmt: skip
    if figures.not_modified.bytes_per_request > len(page) / 4:
        raise SystemExit("the conditional GETs were answered with whole pages, not 304s")
    # The same 304 from a WSGI app that does nothing else: what gunicorn spends on any answer
    # on this machine, the floor under Parley's.
    _, not_modified_headers = _answer(port, path, conditional)
    floor = bare_gunicorn_serving(b"", not_modified_headers, logs, status="304 Not Modified")
    with floor as (bare_port, bare_path, bare_pid):
        figures.bare_not_modified = hammer(
            bare_port, bare_path, seconds=options.seconds, headers=conditional, pid=bare_pid
        )
