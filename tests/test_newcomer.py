"""What a newcomer hit on a first visit, each kept fixed: returning to the page after
signing in, one wording for accounts, what an email is for, closed comments, bylines, admin
names and packaging."""

import re
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client

from articles.services import article_create
from readers.models import ConfirmedAddress, Delivery

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]


def test_header_links_bring_the_reader_back_to_the_article(client, article, make_user):
    """Log in and Sign up carry the page as ?next=, and logging in lands back on it."""
    html = client.get(article.get_absolute_url() + "?cpage=1").content.decode()
    back = f"?next={article.get_absolute_url()}%3Fcpage%3D1"
    assert f'href="/accounts/login/{back}"' in html
    assert f'href="/accounts/signup/{back}"' in html
    make_user("rhea", password="a-long-passphrase")
    login_page = client.get(f"/accounts/login/{back}").content.decode()
    assert f'href="/accounts/signup/{back}"' in login_page, "the other entrance keeps it too"
    response = client.post(
        f"/accounts/login/{back}",
        {"login": "rhea", "password": "a-long-passphrase", "next": article.get_absolute_url()},
    )
    assert response["Location"] == article.get_absolute_url()


def test_signing_up_returns_to_the_article(article):
    """A reader who signs up from an article lands back on it."""
    response = Client().post(
        "/accounts/signup/",
        {"username": "newbie", "password1": "a-long-passphrase-1", "password2":
         "a-long-passphrase-1", "next": article.get_absolute_url()},
    )  # fmt: skip
    assert response["Location"] == article.get_absolute_url()


def test_offsite_next_is_not_carried_along(client):
    """A hostile ?next= on the login page is not copied into the other links."""
    html = client.get("/accounts/login/?next=https://evil.example/").content.decode()
    assert "evil.example" not in html.split("<main", 1)[0]


@pytest.mark.parametrize(
    ("path", "title"),
    [("/accounts/login/", "Log in"), ("/accounts/signup/", "Sign up")],
)
def test_one_wording_on_the_account_pages(client, path, title):
    """The entrance pages say Log in / Sign up like the header, never Sign In / Sign Up."""
    html = client.get(path).content.decode()
    assert f"<title>{title} · Parley</title>" in html
    assert re.search(rf"<h1>\s*{title}\s*</h1>", html)
    assert re.search(rf'<button[^>]*type="submit"[^>]*>\s*{title}\s*</button>', html)
    for other in ("Sign In", "Sign Up", "Sign Out", "Signup", "Remember Me", "Login *"):
        assert other not in html, other


def test_log_out_page_wording(client, make_user):
    """The log-out page says Log out."""
    client.force_login(make_user())
    html = client.get("/accounts/logout/").content.decode()
    assert "Log out" in html and "Sign Out" not in html and "sign out" not in html


def test_signup_page_says_what_an_email_is_for(client):
    """The optional email explains itself before it is asked for."""
    html = client.get("/accounts/signup/").content.decode()
    assert "Email (optional)" in html
    assert "reset a forgotten password" in html and "follow articles" in html
    assert "replies to your comments" in html


def test_closed_comments_show_only_that_sentence(client, make_article):
    """A closed article says "Comments are closed." without a "Leave a Reply" heading."""
    closed = make_article(comments_open=False)
    html = client.get(closed.get_absolute_url()).content.decode()
    assert "Comments are closed." in html
    assert "Leave a Reply" not in html and 'id="commentform"' not in html


def test_bylines_use_display_names_without_dangling_separators(client, make_user):
    """The byline shows the display name; a draft shows no dangling "·"."""
    writer = make_user("alice_author", groups=["Authors"], first_name="Alice", last_name="Ames")
    draft = article_create(title="Draft", body="Body", authors=[writer], publish=False)
    client.force_login(writer)
    html = client.get(f"/author/articles/{draft.pk}/preview/").content.decode()
    meta = re.search(r'<p class="meta">(.*?)</p>', html, re.S).group(1)
    text = re.sub(r"<[^>]+>", "", meta)
    assert "By Alice Ames" in text and "alice_author" not in text
    assert not re.search(r"·\s*$", text.strip())


def test_readers_set_the_name_their_comments_show(client, make_user):
    """The account's "Your name" page sets the display name."""
    user = make_user("plainname")
    client.force_login(user)
    assert client.get("/accounts/name/").status_code == 200
    response = client.post("/accounts/name/", {"first_name": "Pia", "last_name": "Lund"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.get_full_name() == "Pia Lund"
    assert Client().get("/accounts/name/").status_code == 302, "guests are sent to log in"


def test_admin_plural_names():
    """The admin speaks of confirmed addresses and deliveries, not addresss and deliverys."""
    assert ConfirmedAddress._meta.verbose_name_plural == "confirmed addresses"
    assert Delivery._meta.verbose_name_plural == "deliveries"
    assert ConfirmedAddress in admin.site._registry and Delivery in admin.site._registry


def test_every_app_is_packaged():
    """pyproject.toml's package list takes in every one of Parley's apps."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["packages"]["find"]["include"]
    local = [app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()]
    assert {"readers", "core"} <= set(local)
    for app in local:
        assert f"{app}*" in patterns, app
