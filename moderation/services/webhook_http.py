"""A webhook's address checked, and its body posted to the very address that was checked.

The host is resolved once. Its addresses are checked (public ones only, unless
PARLEY_WEBHOOK_ALLOW_PRIVATE), and the POST connects to one of them. Resolving the name
again to connect, as an HTTP library does, would let a host whose DNS answers change from
one lookup to the next (DNS rebinding) pass the check with a public address and then take
the POST to a private one: the server's own network, which the check is there to keep out.
"""

import http.client
import ipaddress
import socket
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

WEBHOOK_TIMEOUT = 5  # seconds the other end has to answer


class WebhookURLRefused(ValueError):
    """The address may not receive webhooks."""


def webhook_url_check(url: str) -> str | None:
    """Refuse an address that is not http(s), or (unless PARLEY_WEBHOOK_ALLOW_PRIVATE) one
    whose host is or resolves to a loopback, private, link-local or otherwise non-public
    address: the server must not be made to post into its own network. Returns the address
    to connect to (one of those checked), or None where private addresses are allowed and
    the host is connected to by its name."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookURLRefused(_("Enter an http:// or https:// address."))
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        # urlsplit refuses a port over 65535 only when asked for it; 0 is no port to post to.
        raise WebhookURLRefused(_("Enter a port from 1 to 65535, or none."))
    if settings.PARLEY_WEBHOOK_ALLOW_PRIVATE:
        return None
    try:
        port = port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError) as error:
        raise WebhookURLRefused(
            _("The host %(host)s could not be found.") % {"host": parts.hostname}
        ) from error
    addresses = [address[0].split("%")[0] for *_rest, address in found]
    for address in addresses:
        ip = ipaddress.ip_address(address)
        if not ip.is_global or ip.is_multicast:
            raise WebhookURLRefused(
                _(
                    "%(host)s is a local or private address (%(ip)s): webhooks go to public "
                    "addresses only."
                )
                % {"host": parts.hostname, "ip": ip}
            )
    return addresses[0]


def webhook_post(url: str, body: bytes, headers: dict) -> tuple[int | None, str, float]:
    """POST `body` to `url`, checked again first (the host's addresses may have changed
    since the webhook was added): (status code or None, error text, milliseconds). A
    redirect is not followed (it could lead into the server's own network) and counts as
    the answer it is."""
    started = time.perf_counter()
    try:
        address = webhook_url_check(url)
        return (*_post_to(url, address, body, headers), _since(started))
    except WebhookURLRefused as refused:
        return None, str(refused), _since(started)
    except (OSError, ValueError, http.client.HTTPException) as error:
        # refused, reset, timed out, TLS, an answer that is not HTTP
        return None, f"{type(error).__name__}: {error}", _since(started)


def _post_to(url: str, address: str | None, body: bytes, headers: dict) -> tuple[int, str]:
    parts = urlsplit(url)
    https = parts.scheme == "https"
    connection_class = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
    connection = connection_class(
        parts.hostname, parts.port, address=address, timeout=WEBHOOK_TIMEOUT
    )
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)  # an answer is read only so far: its status is what counts
        if 200 <= response.status < 300:
            return response.status, ""
        return response.status, f"HTTP {response.status} {response.reason}"
    finally:
        connection.close()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Speaks to the host by its name (the Host header) at the address that was checked."""

    def __init__(self, host: str, port: int | None, *, address: str | None, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def _open(self) -> socket.socket:
        return socket.create_connection((self.address or self.host, self.port), self.timeout)

    def connect(self) -> None:
        self.sock = self._open()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As _PinnedHTTPConnection, with TLS verified against the host's name."""

    def __init__(self, host: str, port: int | None, *, address: str | None, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    _open = _PinnedHTTPConnection._open

    def connect(self) -> None:
        self.sock = self._context.wrap_socket(self._open(), server_hostname=self.host)


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
