"""The client's address, trusting X-Forwarded-For only as far as configured.

Every limiter and every record of an address (Parley's own, allauth's login, signup and
password-reset limits, reports, bans) asks here, so all of them see the same client.
"""

import functools
import ipaddress
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.http import HttpRequest, HttpResponseNotFound
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or with N trusted proxies the address the outermost of them saw.

    Each proxy appends the address it received the request from, so with N trusted proxies
    the client is the N-th entry from the right; anything further left is client-supplied
    and may be forged.
    """
    meta = request.META
    return client_ip_from(meta.get("REMOTE_ADDR"), meta.get("HTTP_X_FORWARDED_FOR", ""))


def client_ip_from(remote_addr: str | None, forwarded_for: str) -> str | None:
    """client_ip from the connection's address and the X-Forwarded-For header's value, for
    what is answered without a Django request (the live streams under ASGI)."""
    remote = _ipv4_unmapped(remote_addr or None)
    proxies = settings.PARLEY_TRUSTED_PROXY_COUNT
    if proxies > 0:
        hops = [h.strip() for h in forwarded_for.split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            candidate = hops[-proxies]
            try:
                return _ipv4_unmapped(str(ipaddress.ip_address(candidate)))
            except ValueError:
                return remote
    return remote


def _ipv4_unmapped(ip: str | None) -> str | None:
    # A server listening on IPv6 sees IPv4 clients as ::ffff:a.b.c.d: each is its IPv4
    # address, or they would all share one /64 ("::"), one limit, one ban.
    address = ip_address_parsed(ip)
    if address is not None and address.version == 6 and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return ip


def client_network(request: HttpRequest) -> str:
    """The client address a limiter should count: the address itself for IPv4, its /64
    network for IPv6 (one subscriber holds a whole /64 and can rotate through it)."""
    return address_network(client_ip(request)) or "unknown"


def address_network(ip: str | None) -> str | None:
    """Who an address stands for when counting readers: the address itself for IPv4, its
    /64 network for IPv6; None for anything that is not an address."""
    address = ip_address_parsed(_ipv4_unmapped(ip))
    if address is None:
        return None
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def site_url(path: str = "") -> str:
    """`path` on this site, absolute: the one source of links that leave the page (emails,
    feeds), from PARLEY_SITE_URL."""
    return settings.PARLEY_SITE_URL.rstrip("/") + path


def site_host() -> str:
    """This site's host name, lowercased and without a port, from PARLEY_SITE_URL."""
    return urlsplit(settings.PARLEY_SITE_URL).hostname or ""


def absolute_url(name: str, *args) -> str:
    """The absolute address of a named URL, on PARLEY_SITE_URL."""
    return site_url(reverse(name, args=args))


def script_not_found(text: str) -> HttpResponseNotFound:
    """A 404 for an address only the page's scripts ask (a comment's fragment or status).
    Not the site's 404 page: its language form would make this browser a CSRF cookie, and
    one made while the page is fetching its token (csrf.js) could replace that one, so the
    comment posted next would be refused."""
    return HttpResponseNotFound(text, content_type="text/plain; charset=utf-8")


def form_page(request: HttpRequest) -> str:
    """The page on this site a POST's form was on (the Referer's path and query), for an
    answer to lead back to, since the address it was posted to may not answer a GET; "" when
    the Referer is missing or names another site."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc not in ("", request.get_host()):
        return ""
    target = urlunsplit(("", "", referer.path, referer.query, ""))
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts=set()) else ""


def posted_from_elsewhere(request: HttpRequest) -> bool:
    """Whether a browser says this POST was sent from a page of another site (its Origin,
    or without one its Referer, names another host). Browsers send Origin with every form
    POST; a request naming neither came from no page at all."""
    origin = request.headers.get("origin")
    if origin is not None:
        return origin == "null" or urlsplit(origin).netloc != request.get_host()
    referer = urlsplit(request.headers.get("referer", ""))
    return bool(referer.netloc) and referer.netloc != request.get_host()


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` the request asks to go to, if it stays on this site; else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@functools.lru_cache(maxsize=4096)
def ip_address_parsed(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An IP address as an address object, or None for anything that is not one."""
    try:
        return ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None


def ip_address_normalised(text: str | None) -> str | None:
    """An IP address in its canonical spelling, or None for anything that is not one."""
    address = ip_address_parsed(text)
    return None if address is None else str(address)


def messages_tagged(request: HttpRequest, *, tag: str, prefix: str) -> list[tuple[int, Message]]:
    """The queued messages tagged `tag`, in order, each with the id its "<prefix><id>" tag
    names (0 for none): what a page shows inside the thing a message is about."""
    found = []
    for message in messages.get_messages(request):
        tags = message.extra_tags.split()
        if tag in tags:
            size = len(prefix)
            number = next(
                (int(t[size:]) for t in tags if t[:size] == prefix and t[size:].isdigit()), 0
            )
            found.append((number, message))
    return found


def message_replacing(
    request: HttpRequest, level: int, text: str, *, about: str, tags: str = ""
) -> None:
    """Queue a message about one thing (`about`, a tag naming it) in place of any still
    queued about the same thing: an action sent twice (a double click, a resent POST) is
    answered once, with what is true after the second."""
    storage = messages.get_messages(request)
    # Reading the queue marks all of it shown; the messages about other things go back in.
    others = [message for message in storage if about not in message.extra_tags.split()]
    for message in others:
        storage.add(message.level, message.message, message.extra_tags)
    messages.add_message(request, level, text, extra_tags=f"{tags} {about}".strip())


def posted_text(request: HttpRequest) -> dict[str, str]:
    """The text a refused or failed POST carried, to hand back so that nothing its writer
    wrote is lost: a reader's comment (an edit sent after signing out in another tab, say),
    an author's article, update or correction (sent after losing the role or the article
    meanwhile), a reader's note with a report, a moderator's note on a commenter;
    `kept_kind` names which, for the box's label ("comment", else "body")."""
    try:
        sent = request.POST if request.method == "POST" else {}
        if sent.get("comment"):
            return {"text": sent["comment"], "kept_kind": "comment"}
        # A moderator's notes are named after the commenter they are about (note-<id>-text).
        typed = (
            sent.get("body")
            or sent.get("note")
            or next((value for name, value in sent.items() if name.endswith("-text") and value), "")
        )
        return {"text": typed, "kept_kind": "body"}
    except Exception:  # a body that cannot be read is not worth a second error
        return {"text": ""}
