"""The language switcher refused for a token a sign-in in another tab replaced says so, not
that a script did not run (it did)."""

import pytest
from django.test import Client

from tests.conftest import token_a_sign_in_replaced

pytestmark = pytest.mark.django_db

NO_SCRIPT = "from a script, which did not run"


def test_a_language_change_with_a_replaced_token_says_it_was_out_of_date(make_user):
    """The footer's form sends the token the page fetched before a sign-in elsewhere: the
    refusal (403) says the token was out of date and hands the form back, German chosen."""
    # The page fetched its token; a sign-in in another tab has replaced it since.
    browser, old_token = token_a_sign_in_replaced(make_user)
    response = browser.post(
        "/i18n/setlang/", {"language": "de", "next": "/", "csrfmiddlewaretoken": old_token}
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "security token was out of date" in html
    assert NO_SCRIPT not in html
    assert 'value="de" lang="de" selected' in html


def test_a_language_change_sent_without_a_token_still_says_so():
    """Sent with no token (scripts off on the shared page): what it said before."""
    browser = Client(enforce_csrf_checks=True)
    browser.get("/csrf/")
    response = browser.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert response.status_code == 403
    assert NO_SCRIPT in response.content.decode()
