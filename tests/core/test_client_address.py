"""One client address for every limiter: behind a trusted proxy, each limiter (Parley's own
and allauth's login, signup and password reset) counts the client X-Forwarded-For names,
so one client's failures never lock out another."""

import pytest
from allauth.core.internal.ratelimit import parse_rates
from django.core import mail
from django.test import Client

from comments.models import Comment
from core.http import client_ip, client_network
from readers.services.emails import CONFIRMATIONS_PER_ADDRESS_PER_HOUR
from tests.conftest import TEN_YEARS, form_data

pytestmark = pytest.mark.django_db
PROXY = "127.0.0.1"


@pytest.fixture
def behind_proxy(settings):
    settings.PARLEY_TRUSTED_PROXY_COUNT = 1


def through_proxy(address: str) -> Client:
    """A browser at `address` reaching Parley through one reverse proxy."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


def login(client, username, password):
    return client.post("/accounts/login/", {"login": username, "password": password})


def locked_out(response) -> bool:
    return "Too many failed login attempts" in response.content.decode()


def test_one_clients_failed_logins_do_not_lock_out_another(behind_proxy, make_user):
    """Client A fails to log in until allauth stops it; client B, behind the same proxy,
    still logs in at the first try."""
    make_user("bea", password="the-right-passphrase")
    attacker = through_proxy("203.0.113.7")
    for n in range(10):
        login(attacker, f"nobody{n}", "wrong")
    assert locked_out(login(attacker, "bea", "the-right-passphrase")), "the limiter works"
    bea = through_proxy("198.51.100.20")
    assert login(bea, "bea", "the-right-passphrase").status_code == 302


def test_without_a_trusted_proxy_a_forged_header_changes_nothing(make_user):
    """With no trusted proxy, X-Forwarded-For is the client's own claim and is ignored:
    rotating it does not escape the login limit."""
    make_user("cal", password="the-right-passphrase")
    for n in range(10):
        login(Client(REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"), "x", "y")
    client = Client(REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert locked_out(login(client, "cal", "the-right-passphrase"))


def test_signup_limit_counts_each_client(behind_proxy, settings):
    """allauth's signup limit counts the client, not the proxy."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"}
    busy = through_proxy("203.0.113.8")
    for n in range(2):
        busy.post("/accounts/signup/", {"username": f"busy{n}", "password1": "x-long-pass-phrase",
                                        "password2": "x-long-pass-phrase"})  # fmt: skip
    over = busy.post("/accounts/signup/", {"username": "busy9"})
    assert over.status_code == 429
    fresh = through_proxy("198.51.100.21").post(
        "/accounts/signup/",
        {"username": "fresh", "password1": "y-long-pass-phrase", "password2": "y-long-pass-phrase"},
    )
    assert fresh.status_code == 302


def test_password_reset_limit_counts_each_client(behind_proxy, settings):
    """allauth's password-reset limit counts the client, not the proxy."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "2/m/ip"}
    busy = through_proxy("203.0.113.9")
    for n in range(2):
        busy.post("/accounts/password/reset/", {"email": f"r{n}@example.com"})
    assert busy.post("/accounts/password/reset/", {"email": "r9@example.com"}).status_code == 429
    other = through_proxy("198.51.100.22")
    assert other.post("/accounts/password/reset/", {"email": "o@example.com"}).status_code == 302


def test_comment_limit_counts_each_client_behind_the_proxy(
    behind_proxy, rate_limit, article, submit
):
    """Parley's comment limit counts the client too: A is limited, B is not."""
    rate_limit("comment", user=f"9/{TEN_YEARS}", guest=f"2/{TEN_YEARS}")
    a = through_proxy("203.0.113.10")
    codes = [submit(form_data(article, comment=f"A {n}"), using=a).status_code for n in range(3)]
    assert codes == [302, 302, 429]
    b = through_proxy("198.51.100.23")
    assert submit(form_data(article, comment="B speaks"), using=b).status_code == 302
    assert Comment.objects.filter(ip_address="198.51.100.23").count() == 1


def test_report_and_follow_limits_count_each_client(behind_proxy, rate_limit, article, post):
    """Reports and follow requests key on the same client address."""
    rate_limit("report", user=f"9/{TEN_YEARS}", guest=f"1/{TEN_YEARS}")
    rate_limit("follow", user=f"9/{TEN_YEARS}", guest=f"1/{TEN_YEARS}")
    first, second = post(article, "one"), post(article, "two")
    a, b = through_proxy("203.0.113.11"), through_proxy("198.51.100.24")
    report = {"reason": "spam"}
    assert a.post(f"/moderation/report/{first.pk}/", report).status_code == 302
    assert a.post(f"/moderation/report/{second.pk}/", report).status_code == 429
    assert b.post(f"/moderation/report/{second.pk}/", report).status_code == 302
    follow = f"/articles/{article.slug}/follow/"
    assert a.post(follow, {"email": "a@example.com"}).status_code == 302
    assert a.post(follow, {"email": "a2@example.com"}).status_code == 429
    assert b.post(follow, {"email": "b@example.com"}).status_code == 302


def test_the_client_is_the_address_the_trusted_proxy_saw(rf, settings):
    """With N trusted proxies the client is the N-th address from the right; anything the
    client put further left is ignored, and IPv6 clients count as their /64."""
    settings.PARLEY_TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    assert client_ip(request) == "203.0.113.5"
    v6 = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="2001:db8:1:2:aaaa::1")
    assert client_network(v6) == "2001:db8:1:2::"
    settings.PARLEY_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == PROXY


def test_an_ipv4_client_seen_over_ipv6_is_its_own_ipv4_address(rf, settings):
    """A server listening on IPv6 sees IPv4 clients as ::ffff:a.b.c.d: each is counted as
    its IPv4 address, not as the one /64 ("::") every such client would share."""
    settings.PARLEY_TRUSTED_PROXY_COUNT = 0
    mapped = rf.get("/", REMOTE_ADDR="::ffff:203.0.113.7")
    assert client_ip(mapped) == "203.0.113.7" and client_network(mapped) == "203.0.113.7"
    settings.PARLEY_TRUSTED_PROXY_COUNT = 1
    forwarded = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="::ffff:198.51.100.9")
    assert client_network(forwarded) == "198.51.100.9"


def test_one_ipv4_client_seen_over_ipv6_does_not_use_up_another_ones_limit(
    rate_limit, article, post
):
    """Two IPv4 readers of a site listening on IPv6 each have their own report limit."""
    rate_limit("report", user=f"9/{TEN_YEARS}", guest=f"1/{TEN_YEARS}")
    first, second = post(article, "one"), post(article, "two")
    report = {"reason": "spam"}
    a, b = Client(REMOTE_ADDR="::ffff:203.0.113.11"), Client(REMOTE_ADDR="::ffff:198.51.100.24")
    assert a.post(f"/moderation/report/{first.pk}/", report).status_code == 302
    assert b.post(f"/moderation/report/{second.pk}/", report).status_code == 302


def test_reset_emails_to_one_address_are_capped_per_hour(settings):
    """However many networks ask, one address gets at most five reset emails an hour, as
    for Parley's own confirmation emails (allauth's default was five a minute)."""
    per_address = [r for r in parse_rates(settings.ACCOUNT_RATE_LIMITS["reset_password"])
                   if r.per == "key"]  # fmt: skip
    assert [(r.amount, r.duration) for r in per_address] == [
        (CONFIRMATIONS_PER_ADDRESS_PER_HOUR, 3600)
    ]


def test_a_limited_reset_is_told_in_the_site_s_page(behind_proxy):
    """Past the cap, the reader gets the site's page saying nothing was sent and that a
    link already emailed still works, not allauth's bare English one."""
    for n in range(6):
        answer = through_proxy(f"203.0.113.{40 + n}").post(
            "/accounts/password/reset/", {"email": "target@example.com"}
        )
    assert answer.status_code == 429
    page = answer.content.decode()
    assert "nothing was done this time" in page and "already emailed to you still works" in page
    assert '<main id="main"' in page


def test_confirmation_emails_to_one_address_are_capped_per_hour(settings):
    """However many accounts claim an address, it gets at most five confirmation emails an
    hour (allauth's default was one every three minutes, twenty an hour)."""
    per_address = [r for r in parse_rates(settings.ACCOUNT_RATE_LIMITS["confirm_email"])
                   if r.per == "key" and r.duration >= 3600]  # fmt: skip
    assert [(r.amount, r.duration) for r in per_address] == [
        (CONFIRMATIONS_PER_ADDRESS_PER_HOUR, 3600)
    ]


def test_signups_claiming_one_address_mail_it_at_most_five_times_an_hour(settings):
    """Six accounts signed up with one address, three minutes' limit aside: five emails."""
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "confirm_email": settings.ACCOUNT_RATE_LIMITS["confirm_email"].split(",", 1)[1],
    }
    for n in range(6):
        Client(REMOTE_ADDR=f"203.0.113.{60 + n}").post("/accounts/signup/", {
            "username": f"claimer{n}", "email": "claimed@example.com",
            "password1": "x-long-pass-phrase", "password2": "x-long-pass-phrase",
        })  # fmt: skip
    assert [m.to for m in mail.outbox] == [["claimed@example.com"]] * 5


def test_failed_logins_on_an_account_lock_only_the_client_that_failed(behind_proxy, make_user):
    """A stranger failing on Bea's username five times is stopped, even with the right
    password next; Bea, from her own client, still logs in at the first try."""
    make_user("bea", password="the-right-passphrase")
    stranger = through_proxy("203.0.113.12")
    for _attempt in range(5):
        assert not locked_out(login(stranger, "bea", "a-wrong-guess"))
    assert locked_out(login(stranger, "bea", "the-right-passphrase")), "brute force stays limited"
    bea = through_proxy("198.51.100.25")
    assert login(bea, "bea", "the-right-passphrase").status_code == 302
