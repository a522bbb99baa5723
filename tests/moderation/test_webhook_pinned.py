"""A webhook's POST goes to the address its check approved, never to a second lookup of the
name: a host whose DNS answers change between two lookups (DNS rebinding) would otherwise
pass the check with a public address and receive the POST at a private one."""

import pytest

from moderation.services import webhook_http

from .test_webhooks import Receiver


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def test_the_post_connects_to_the_checked_address_under_the_hosts_name(
    receiver, monkeypatch, settings
):
    """The check answers 127.0.0.1 for a name no resolver knows (.invalid): the POST still
    arrives, so it went where the check said, and the Host header names the host."""
    settings.PARLEY_WEBHOOK_ALLOW_PRIVATE = False
    url = f"http://hooks.invalid:{receiver.port}/hook?team=7"
    checked = []

    def check(address_url: str) -> str:
        checked.append(address_url)
        return "127.0.0.1"

    monkeypatch.setattr(webhook_http, "webhook_url_check", check)
    status, error, _ms = webhook_http.webhook_post(url, b"{}", {"Content-Type": "application/json"})
    assert (status, error) == (200, "")
    assert checked == [url]
    ((headers, body),) = receiver.requests
    assert headers["Host"] == f"hooks.invalid:{receiver.port}" and body == b"{}"


def test_a_refused_address_is_not_posted_to(receiver, settings):
    """Without PARLEY_WEBHOOK_ALLOW_PRIVATE, a loopback address is refused at each attempt
    and nothing is sent."""
    settings.PARLEY_WEBHOOK_ALLOW_PRIVATE = False
    status, error, _ms = webhook_http.webhook_post(receiver.url, b"{}", {})
    assert status is None and "local or private address" in error
    assert receiver.requests == []


def test_a_redirect_is_an_answer_not_followed(receiver, settings):
    """A 3xx is recorded as what the receiver answered; its Location is not visited."""
    settings.PARLEY_WEBHOOK_ALLOW_PRIVATE = True
    receiver.statuses = [302]
    status, error, _ms = webhook_http.webhook_post(receiver.url, b"{}", {})
    assert (status, error) == (302, "HTTP 302 Found")
    assert len(receiver.requests) == 1
