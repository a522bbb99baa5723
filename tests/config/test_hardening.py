"""Security settings in force: CSP, production checks, and no account enumeration."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_pages_carry_a_csp_without_inline_code(client, article):
    """Every page says: scripts and styles from this site only, no plugins, no framing."""
    for url in ("/", article.get_absolute_url(), "/accounts/login/", "/feeds/articles.atom"):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_templates_hold_no_inline_script_or_style():
    """No site template has an inline <script>, a style attribute or an on* handler."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "email" in path.parts:
            continue  # mail is not a web page: no CSP there, inline styles are how mail is styled
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)", text) or re.search(r"\sstyle=\"", text):
            offenders.append(str(path))
        if re.search(r"\son[a-z]+=", text):
            offenders.append(str(path))
    assert offenders == []


@pytest.mark.slow
def test_deploy_check_is_clean_with_production_variables():
    """`manage.py check --deploy` reports nothing under the documented production variables."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-for-the-check-0123456789",
        "ALLOWED_HOSTS": "comments.parleynews.net",
        "PARLEY_SITE_URL": "https://comments.parleynews.net",
        "DATABASE_URL": "postgres://parley:secret@db.example.com:5432/parley",
        "REDIS_URL": "redis://redis.example.com:6379",
        "EMAIL_URL": "smtp+tls://user:password@smtp.example.com:587",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    # Without the site's address, or with .env.example's placeholder left in.
    for placeholder in ("", "https://comments.example.com"):
        env["PARLEY_SITE_URL"] = placeholder
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode != 0 and "parley.W001" in result.stderr, placeholder


def test_development_key_is_made_once_per_checkout_and_kept_private(tmp_path):
    """Embedded, the key is made for this checkout, kept for every later process, readable by
    its owner alone, and another checkout gets another."""
    from config.secret_key import development_secret_key

    first = development_secret_key(tmp_path / "one" / "key")
    assert len(first) >= 50 and development_secret_key(tmp_path / "one" / "key") == first
    assert (tmp_path / "one" / "key").stat().st_mode & 0o077 == 0
    assert development_secret_key(tmp_path / "two" / "key") != first


def test_embedded_site_signs_with_no_key_written_in_the_code():
    """DEBUG without SECRET_KEY (`make run`, even served to the network) signs with its own
    key, never one anyone can read in Parley's code and sign links or cookies with."""
    env = {
        **os.environ,
        "DEBUG": "1",
        "SECRET_KEY": "",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    script = "from django.conf import settings; print(settings.SECRET_KEY)"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    key = result.stdout.strip()
    assert result.returncode == 0 and len(key) >= 50, result.stderr
    sources = [path.read_text() for path in (ROOT / "config").glob("*.py")]
    assert not any(key in source for source in sources)
    assert key == (ROOT / ".cache" / "development-secret-key").read_text().strip()


@pytest.mark.slow
def test_production_refuses_to_start_without_a_secret_key():
    """DEBUG=0 without SECRET_KEY is a configuration error, not a default key."""
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "", "ALLOWED_HOSTS": "x.example"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def _strip_tokens(html: str) -> str:
    return re.sub(r'value="[^"]{20,}"', 'value=""', html)


def test_signup_does_not_reveal_a_taken_email(make_user):
    """Signing up with a registered email answers exactly like a fresh one."""
    make_user("owner", email="taken@example.com")
    answers = []
    for n, email in enumerate(["taken@example.com", "fresh@example.com"]):
        response = Client().post(
            "/accounts/signup/",
            {"username": f"newbie{n}", "email": email, "password1": "a-long-passphrase-1",
             "password2": "a-long-passphrase-1"},
        )  # fmt: skip
        answers.append((response.status_code, response.get("Location")))
    assert answers[0] == answers[1]


def test_login_failure_is_the_same_for_unknown_and_known_accounts(make_user):
    """A wrong password and an unknown username get the same answer."""
    make_user("known", password="the-right-passphrase")
    pages = [
        Client().post("/accounts/login/", {"login": login, "password": "wrong-passphrase"})
        for login in ("known", "nobody-here")
    ]
    assert [p.status_code for p in pages] == [200, 200]
    assert _strip_tokens(pages[0].content.decode()).replace("known", "X") == _strip_tokens(
        pages[1].content.decode()
    ).replace("nobody-here", "X")


def test_password_reset_answers_the_same_for_unknown_addresses(make_user):
    """A reset request for an unknown address redirects like a known one."""
    make_user("resetter", email="known@example.com")
    answers = [
        Client().post("/accounts/password/reset/", {"email": email})
        for email in ("known@example.com", "unknown@example.com")
    ]
    assert [(a.status_code, a.get("Location")) for a in answers] == [
        (302, "/accounts/password/reset/done/")
    ] * 2
    assert len(mail.outbox) == 2  # the unknown address is told no account exists, privately


def test_request_limits_are_stated_and_a_body_past_them_is_told_why(article, settings):
    """The limits are Parley's own figures, and a body over them gets a 400 that says so."""
    from tests.conftest import form_data

    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 1
    too_big = form_data(article, comment="x" * (1024 * 1024 + 1))
    response = Client(enforce_csrf_checks=True).post("/comments/post/", too_big)
    assert response.status_code == 400
    assert "larger than this site accepts (1.0\xa0MB); none of it was read" in (
        response.content.decode()
    )
    many = form_data(article) | {f"extra{n}": "1" for n in range(1001)}
    response = Client().post("/comments/post/", many)
    assert response.status_code == 400
    assert "more fields or files than any form here" in response.content.decode()
