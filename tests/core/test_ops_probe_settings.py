"""A site owner's mistake in the environment stops manage.py with one sentence naming the
variable, not a traceback (and never with a 500 at a reader's first comment)."""

import os
import subprocess
import sys

import pytest

from tests.support import ROOT

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 60,
    "ALLOWED_HOSTS": "comments.parley.test",
    "DATABASE_URL": "postgres://parley@127.0.0.1:5432/parley",
}


def manage_check(**changes) -> subprocess.CompletedProcess:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PARLEY_", "REDIS_", "DATABASE_", "DJANGO_"))
    }
    env.update(PRODUCTION, **changes)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("PARLEY_TRUSTED_PROXY_COUNT", "one", "PARLEY_TRUSTED_PROXY_COUNT='one' is not a whole"),
        ("REDIS_SOCKET_TIMEOUT", "half", "REDIS_SOCKET_TIMEOUT='half' is not a number"),
        ("PARLEY_RATE_COMMENT_GUEST", "5", "PARLEY_RATE_COMMENT_GUEST='5' is not a rate"),
        ("PARLEY_RATE_VOTE_USER", "many/60", "PARLEY_RATE_VOTE_USER='many/60' is not a rate"),
        ("DATABASE_URL", "postgres://db.internal:5432", "DATABASE_URL must look like"),
        ("DATABASE_URL", "postgress://u:secret@h/parley", "'postgress' is not a database"),
        ("SECRET_KEY", "", "SECRET_KEY must be set"),
        ("PARLEY_COMMENT_ORDER", "Newest", "'Newest' is not one of oldest, newest, best"),
        ("DEBUG", "maybe", "DEBUG='maybe' is not a switch: write 1, true, yes or on"),
        ("SECURE_SSL_REDIRECT", "of", "SECURE_SSL_REDIRECT='of' is not a switch"),
    ],
)
def test_a_bad_value_is_named_in_one_line(variable, value, said):
    """Each unreadable value stops the command with its name and the form it should take."""
    done = manage_check(**{variable: value})
    assert done.returncode != 0
    assert said in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "secret" not in done.stderr.replace("SECRET_KEY", "")


def test_the_setting_accepts_the_orders_the_page_knows(settings):
    """PARLEY_COMMENT_ORDER takes exactly the orders the article page can show."""
    from comments.selectors import ORDERS

    assert settings.PARLEY_COMMENT_ORDERS == ORDERS


@pytest.mark.parametrize("value", ["0", "false", "No", "OFF"])
def test_a_switch_is_read_in_each_accepted_spelling(value):
    """DEBUG=off (any case, or 0, false, no) is production, as the refusal says it is."""
    done = manage_check(DEBUG=value, SECRET_KEY="")
    assert "SECRET_KEY must be set when DEBUG=0" in done.stderr


def test_a_switched_off_rate_is_accepted():
    """ "0/60" is how the README switches a limit off: not an error."""
    done = manage_check(PARLEY_RATE_COMMENT_GUEST="0/60")
    assert done.returncode == 0, done.stderr
