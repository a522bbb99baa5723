"""Absolute links point to this site: every link in every kind of email and feed is built on
PARLEY_SITE_URL, and a production site still on a placeholder address is warned about."""

import re
import xml.etree.ElementTree as ET

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sites.models import Site
from django.core import mail
from django.core.management import call_command

from articles.services import update_publish
from comments.models import Comment, CommentStatus
from core.checks import site_url_check
from core.sites import site_sync
from moderation import services as moderation
from readers import services as readers
from readers.models import ConfirmedAddress, Follow

pytestmark = pytest.mark.django_db
SITE = "https://talk.parleynews.net"
LINK = re.compile(r"""(?:href=["']|<|\s|^)(https?://[^\s"'<>]+)""", re.MULTILINE)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.PARLEY_SITE_URL = SITE


def links_in(message) -> list[str]:
    """Every absolute link in a message: text body, HTML part and List-Unsubscribe header."""
    parts = [message.body, message.extra_headers.get("List-Unsubscribe", "")]
    parts += [content for content, _ in getattr(message, "alternatives", [])]
    return [link for part in parts for link in LINK.findall(part)]


def assert_on_site(links: list[str]) -> None:
    assert links, "expected at least one link"
    strays = [link for link in links if not link.startswith(SITE + "/")]
    assert not strays, f"links off {SITE}: {strays}"


def test_every_kind_of_email_links_to_the_site(article, post, make_user, moderator):
    """Follow confirmations, manage links, reply confirmations and notices, updates with their
    unsubscribe links, and the moderators' digest all link to PARLEY_SITE_URL."""
    follow = Follow.objects.create(article=article, email="guest@example.org")
    assert readers.follow_confirm_send(follow_id=follow.pk)
    post(article, "Mine", name="Guest", email="manage@example.org")
    assert readers.manage_link_send(email="manage@example.org")
    asker = post(article, "Tell me", name="Asker", email="asker@example.org", email_verified=True)
    Comment.objects.filter(pk=asker.pk).update(followup=True)
    assert readers.comment_published_notify(comment_id=asker.pk)  # asks to confirm
    ConfirmedAddress.objects.create(email="asker@example.org")
    reply = post(article, "A reply", name="Replier", reply_to=asker.pk)
    assert readers.comment_published_notify(comment_id=reply.pk)  # the reply notice
    Follow.objects.filter(pk=follow.pk).update(confirmed_at=article.published_at)
    update = update_publish(article=article, author=None, body="News.")
    assert readers.update_notify(update_id=update.pk) == 1
    moderator.email = "mod@example.org"
    moderator.save()
    EmailAddress.objects.create(user=moderator, email="mod@example.org", verified=True)
    post(article, "Held one", status=CommentStatus.HELD)
    assert moderation.held_digest_send() == 1

    subjects = [message.subject for message in mail.outbox]
    assert len(mail.outbox) == 6, subjects
    for message in mail.outbox:
        assert_on_site(links_in(message))
    assert any("List-Unsubscribe" in m.extra_headers for m in mail.outbox)


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/articles.atom",
        "/feeds/articles.rss",
        "/articles/{slug}/updates.atom",
        "/articles/{slug}/updates.rss",
        "/articles/{slug}/comments.atom",
        "/articles/{slug}/comments.rss",
    ],
)
def test_every_link_in_every_feed_is_on_the_site(client, article, post, path):
    """Links, ids and self-links of all six feeds are on PARLEY_SITE_URL."""
    update_publish(article=article, author=None, body="An update.")
    post(article, "A published comment")
    response = client.get(path.format(slug=article.slug))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    links = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("link", "id", "guid", "comments") and element.text:
            links.append(element.text.strip())
        if element.get("href"):
            links.append(element.get("href"))
    assert len(links) >= 3
    assert_on_site(links)


def test_production_on_a_placeholder_address_is_warned_about(settings):
    """DEBUG=0 with example.com, localhost or plain http gets a warning; a real https
    address and development do not."""
    settings.DEBUG = False
    for placeholder in (
        "http://example.com", "https://example.com", "http://127.0.0.1:8000",
        "https://comments.example.com", "https://talk.example.org", "https://news.test",
        "https://Site.Example.", "https://a.localhost",
    ):  # fmt: skip
        settings.PARLEY_SITE_URL = placeholder
        assert [w.id for w in site_url_check()] == ["parley.W001"]
    settings.PARLEY_SITE_URL = "http://talk.parleynews.net"
    assert [w.id for w in site_url_check()] == ["parley.W002"]
    settings.PARLEY_SITE_URL = SITE
    assert site_url_check() == []
    settings.DEBUG = True
    settings.PARLEY_SITE_URL = "http://127.0.0.1:8000"
    assert site_url_check() == []


def test_the_check_runs_with_manage_py_check(settings, capsys):
    """`manage.py check` reports the warning."""
    settings.DEBUG = False
    settings.PARLEY_SITE_URL = "https://example.com"
    call_command("check")
    assert "parley.W001" in capsys.readouterr().err


def test_the_sites_record_follows_the_setting():
    """After migrate the Sites record (read by django-comments, allauth and the admin) names
    PARLEY_SITE_URL's host instead of example.com."""
    Site.objects.filter(pk=1).update(domain="example.com", name="example.com")
    site_sync()
    site = Site.objects.get(pk=1)
    assert (site.domain, site.name) == ("talk.parleynews.net", "Parley")


def test_migrate_itself_brings_the_sites_record_in_step():
    """Running migrate (as `make run` and the production steps do) renames the example.com
    record, so allauth's emails stop greeting readers from example.com."""
    Site.objects.filter(pk=1).update(domain="example.com", name="example.com")
    call_command("migrate", verbosity=0, interactive=False)
    site = Site.objects.get(pk=1)
    assert (site.domain, site.name) == ("talk.parleynews.net", "Parley")


@pytest.mark.parametrize("email", ["reader@example.org", "nobody@example.org"])
def test_account_emails_link_to_the_site_whatever_host_was_asked(
    client, make_user, settings, email
):
    """A password reset asked for under another allowed host (a wildcard lets anyone choose
    one) still mails its key, or the signup link, on PARLEY_SITE_URL, never that host."""
    settings.ALLOWED_HOSTS = [".parleynews.net"]
    make_user("reader", email="reader@example.org")
    client.post("/accounts/password/reset/", {"email": email}, HTTP_HOST="evil.parleynews.net")
    (message,) = mail.outbox
    assert_on_site(links_in(message))


def test_a_confirmation_link_is_on_the_site_whatever_host_was_asked(client, settings):
    """Signing up with an address under another allowed host mails its confirmation link on
    PARLEY_SITE_URL."""
    settings.ALLOWED_HOSTS = [".parleynews.net"]
    client.post(
        "/accounts/signup/",
        {"username": "newcomer", "email": "new@example.org", "password1": "a-long-passphrase",
         "password2": "a-long-passphrase"},
        HTTP_HOST="evil.parleynews.net",
    )  # fmt: skip
    (message,) = mail.outbox
    assert_on_site(links_in(message))
