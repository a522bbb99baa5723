"""Settings read from the environment (django-environ) the way the README documents them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each test starts a Python process
ROOT = Path(__file__).resolve().parents[2]
PRINT = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({k: getattr(s, k, None) for k in %r}, default=str))"
)


def settings_under(env: dict, *names: str) -> dict:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "-c", PRINT % (names,)],
        cwd=ROOT, env={**inherited, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_email_url_forms():
    """smtp+tls:// means STARTTLS on the given host, port and login; console by default."""
    got = settings_under(
        {"EMAIL_URL": "smtp+tls://mailer:p%40ss@smtp.example.org:587"},
        "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD",
        "EMAIL_USE_TLS",
    )  # fmt: skip
    assert got == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_TLS": True,
    }
    assert settings_under({}, "EMAIL_BACKEND")["EMAIL_BACKEND"].endswith("console.EmailBackend")


def test_email_url_timeout_is_read_and_an_unknown_option_refused():
    """?timeout= sets the SMTP timeout (10 s otherwise), and leaves no stray OPTIONS
    setting; any other parameter would be dropped, so it stops the start, named."""
    got = settings_under(
        {"EMAIL_URL": "smtp+tls://u:p@smtp.example.org:587?timeout=5"}, "EMAIL_TIMEOUT", "OPTIONS"
    )
    assert got == {"EMAIL_TIMEOUT": 5, "OPTIONS": None}
    default = settings_under({"EMAIL_URL": "smtp+tls://u:p@smtp.example.org:587"}, "EMAIL_TIMEOUT")
    assert default == {"EMAIL_TIMEOUT": 10}
    result = started_with_email_url("smtp+tls://u:p@smtp.example.org:587?timout=5")
    assert result.returncode != 0 and "EMAIL_URL: timout is not read" in result.stderr


def test_the_old_tls_query_form_is_refused_with_the_new_spelling():
    """A pre-environ `?tls=1` URL would silently send without TLS: it is refused instead."""
    result = started_with_email_url("smtp://u:p@smtp.example.org:587?tls=1")
    assert result.returncode != 0 and "smtp+tls://" in result.stderr


def started_with_email_url(email_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "EMAIL_URL": email_url}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_database_url_keeps_connections_and_checks_them():
    """DATABASE_URL becomes a PostgreSQL connection kept for DATABASE_CONN_MAX_AGE seconds."""
    got = settings_under(
        {"DATABASE_URL": "postgres://parley:secret@db.example.org:5433/parley",
         "DATABASE_CONN_MAX_AGE": "30"},
        "DATABASES",
    )["DATABASES"]["default"]  # fmt: skip
    assert (got["ENGINE"], got["HOST"], got["PORT"], got["NAME"], got["USER"]) == (
        "core.backends.postgresql", "db.example.org", 5433, "parley", "parley"
    )  # fmt: skip
    assert (got["CONN_MAX_AGE"], got["CONN_HEALTH_CHECKS"]) == (30, True)


def test_embedded_database_connection_is_kept_between_requests():
    """SQLite's connection is kept like PostgreSQL's: opening one per request cost more CPU
    than many queries (Django registers its SQL functions on each new connection)."""
    got = settings_under({"SQLITE_PATH": "/tmp/parley-settings.sqlite3"}, "DATABASES")
    default = got["DATABASES"]["default"]
    assert (default["ENGINE"], default["CONN_MAX_AGE"]) == ("core.backends.sqlite3", 60)
    got = settings_under({"DATABASE_CONN_MAX_AGE": "0"}, "DATABASES")
    assert got["DATABASES"]["default"]["CONN_MAX_AGE"] == 0


def test_the_embedded_site_answers_on_the_host_its_links_name():
    """`make run HOST=0.0.0.0` names the machine's address in PARLEY_SITE_URL: the embedded
    site answers requests for that host (before, DisallowedHost), and for localhost still."""
    hosts = settings_under({"PARLEY_SITE_URL": "http://192.0.2.5:8001"}, "ALLOWED_HOSTS")
    assert hosts["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]", "192.0.2.5"]
    v6 = settings_under({"PARLEY_SITE_URL": "http://[2001:db8::5]:8001"}, "ALLOWED_HOSTS")
    assert "[2001:db8::5]" in v6["ALLOWED_HOSTS"]


def test_make_run_on_every_address_links_to_one_others_can_reach():
    """Served on 0.0.0.0, the site's links (emails, feeds) name the machine's network
    address, never 0.0.0.0, which no browser can open."""
    result = subprocess.run(
        ["make", "-n", "run", "HOST=0.0.0.0", "PORT=8001"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    runserver = next(line for line in result.stdout.splitlines() if "runserver" in line)
    assert runserver.endswith("runserver 0.0.0.0:8001")
    assert "0.0.0.0:8001}" not in runserver and ":-http://" in runserver


def test_earlier_secret_keys_are_read_for_a_rotation():
    """SECRET_KEY_FALLBACKS (comma-separated) keeps what the old keys signed or hashed valid."""
    got = settings_under(
        {"SECRET_KEY_FALLBACKS": "old-key-one,old-key-two"}, "SECRET_KEY_FALLBACKS"
    )
    assert got == {"SECRET_KEY_FALLBACKS": ["old-key-one", "old-key-two"]}


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-for-the-settings-test-0123456789",
    "ALLOWED_HOSTS": "comments.parleynews.net",
}


def test_hsts_preload_is_asked_for_only_by_the_site_owner():
    """Production sends HSTS without `preload` unless SECURE_HSTS_PRELOAD=1 opts in."""
    names = ("SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD")
    assert settings_under(PRODUCTION, *names) == {
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
        "SECURE_HSTS_PRELOAD": False,
    }
    opted_in = settings_under({**PRODUCTION, "SECURE_HSTS_PRELOAD": "1"}, *names)
    assert opted_in["SECURE_HSTS_PRELOAD"] is True


def test_the_cache_broker_and_live_streams_share_redis_url_unless_given_their_own():
    """REDIS_URL serves all three in their own logical databases; REDIS_CACHE_URL,
    REDIS_BROKER_URL and REDIS_LIVE_URL each move one part to a Redis of its own."""
    names = ("CACHES", "CELERY_BROKER_URL", "PARLEY_LIVE_REDIS_URL")

    def parts(env: dict) -> tuple[str, str, str]:
        got = settings_under(env, *names)
        return (
            got["CACHES"]["default"]["LOCATION"],
            got["CELERY_BROKER_URL"],
            got["PARLEY_LIVE_REDIS_URL"],
        )

    shared = {"REDIS_URL": "redis://redis.example.org:6379"}
    assert parts(shared) == (
        "redis://redis.example.org:6379/1",
        "redis://redis.example.org:6379/0",
        "redis://redis.example.org:6379/2",
    )
    assert parts({**shared, "REDIS_CACHE_URL": "redis://cache.example.org:6380/4"}) == (
        "redis://cache.example.org:6380/4",
        "redis://redis.example.org:6379/0",
        "redis://redis.example.org:6379/2",
    )
    apart = {
        **shared,
        "REDIS_BROKER_URL": "rediss://:secret@queue.example.org:6390/0",
        "REDIS_LIVE_URL": "redis://live.example.org:6379/5",
        "REDIS_CACHE_DB": "7",
    }
    assert parts(apart) == (
        "redis://redis.example.org:6379/7",
        "rediss://:secret@queue.example.org:6390/0",
        "redis://live.example.org:6379/5",
    )


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"REDIS_CACHE_URL": "redis://cache.example.org:6380/4"}, "REDIS_URL is not"),
        (
            {"REDIS_URL": "redis://r.example.org", "REDIS_BROKER_URL": "amqp://q.example.org"},
            "REDIS_BROKER_URL must look like redis://",
        ),
    ],
)
def test_a_part_s_own_redis_is_refused_when_it_cannot_work(env, said):
    """A part's own Redis without REDIS_URL (which switches Redis on), or one that is not a
    Redis URL, stops Parley with a sentence naming the variable."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("REDIS_")}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT, env={**inherited, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0 and said in result.stderr, result.stderr[-2000:]
