"""The benchmarks' HTTP client: a closed loop of keep-alive http.client connections, one per
thread, and the requests it makes (an anonymous reader's GET, a guest's post through the form)."""

import http.client
import random
import statistics
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

from tests.support import HIDDEN_FIELDS

WARMUP_SECONDS = 1.0


def percentile(values: list[float], share: float) -> float:
    """The value `share` of the way up the sorted values (0.0 for none)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def fetch(port: int, path: str) -> tuple[int, bytes, http.client.HTTPMessage | None]:
    """One GET on a fresh connection: status, body and headers (status 0 if it failed)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read(), response.msg
    except (OSError, http.client.HTTPException):
        return 0, b"", None
    finally:
        connection.close()


@dataclass
class Load:
    """Requests completed inside the measured window."""

    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p99_ms(self) -> float:
        return percentile(self.latencies_ms, 0.99) if self.latencies_ms else float("nan")

    def unexpected(self, expected: int) -> str:
        """Statuses other than `expected`, e.g. "3 of 500" (0 is a failed connection)."""
        return ", ".join(
            f"{count} of {status}" for status, count in sorted(self.statuses.items())
            if status != expected
        )  # fmt: skip


def run_load(
    *, concurrency: int, seconds: float, make_request, expected: int, name: str = "load"
) -> Load:
    """Run `make_request(connection, worker, n)` in `concurrency` threads for warm-up + seconds.

    Requests that complete inside the window after the warm-up are counted, whenever they
    started; latency is from sending the request to reading the whole body.
    """
    started = time.monotonic()
    window_start = started + WARMUP_SECONDS
    window_end = window_start + seconds
    result = Load(seconds=seconds)
    lock = threading.Lock()

    def worker(index: int, connection: http.client.HTTPConnection) -> None:
        latencies, statuses, n = [], {}, 0
        while time.monotonic() < window_end:
            begun = time.monotonic()
            try:
                response = make_request(connection, index, n)
                response.read()
                status = response.status
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException):
                connection.close()
                status = 0
            done = time.monotonic()
            n += 1
            if window_start <= done <= window_end:
                latencies.append((done - begun) * 1000)
                statuses[status] = statuses.get(status, 0) + 1
        connection.close()
        with lock:
            result.latencies_ms.extend(latencies)
            for status, count in statuses.items():
                result.statuses[status] = result.statuses.get(status, 0) + count

    threads = [
        threading.Thread(
            target=worker,
            args=(i, http.client.HTTPConnection("127.0.0.1", make_request.port, timeout=60)),
            name=f"{name}-{i}",
            daemon=True,
        )
        for i in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + WARMUP_SECONDS + 90)
    return result


def page_getter(port: int, path: str):
    """A request maker for an anonymous reader's GET (no cookies, as a first visit)."""

    def make_request(connection: http.client.HTTPConnection, worker: int, n: int):
        connection.request("GET", path, headers={"Accept": "text/html"})
        return connection.getresponse()

    make_request.port = port
    return make_request


def csrf_cookie(headers: http.client.HTTPMessage | None) -> str:
    cookies = (headers.get_all("Set-Cookie") or []) if headers is not None else []
    for header in cookies:
        name, _, rest = header.partition("=")
        if name.strip() == "csrftoken":
            return rest.split(";", 1)[0]
    return ""


def comment_poster(port: int, path: str, reply_ids: list[int], clients: int):
    """A request maker that posts replies through the "Leave a Reply" form.

    Each client loads the article once (before the clock starts) for its csrf cookie and the
    form's signed hidden fields, then posts one reply after another with them, keeping only
    the csrf cookie: no messages or own-comment cookies pile up between posts.
    """
    forms = []
    for _ in range(clients):
        status, body, headers = fetch(port, path)
        token = csrf_cookie(headers)
        fields = dict(HIDDEN_FIELDS.findall(body.decode(errors="replace")))
        if status != 200 or not token or "security_hash" not in fields:
            raise SystemExit(f"the article page did not carry a usable form (HTTP {status})")
        forms.append((token, fields))
    referer = f"http://127.0.0.1:{port}{path}"

    def make_request(connection: http.client.HTTPConnection, worker: int, n: int):
        token, fields = forms[worker]
        body = urllib.parse.urlencode({
            **fields,
            "comment": f"Load reply {n} from client {worker}: winter prices and grid storage.",
            "name": f"Load reader {worker}", "email": "", "url": "", "honeypot": "",
            "reply_to": str(random.choice(reply_ids)),
        })  # fmt: skip
        connection.request(
            "POST",
            "/comments/post/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={token}",
                "Referer": referer,
            },
        )
        return connection.getresponse()

    make_request.port = port
    return make_request
