"""Signing in in two tabs at once: the second tab's form carries the token the first
replaced, and its refusal says what is true: the reader is signed in."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PASSWORD = "a-long-passphrase"  # make_user's


def page_token(browser: Client, address: str) -> str:
    return TOKEN.search(browser.get(address).content.decode()).group(1)


def test_the_second_tab_of_a_double_sign_in_is_told_it_is_signed_in(make_user):
    """Both tabs show the login form; the first signs in, replacing the token; the second,
    sent with the old one, is refused and told it is signed in as that account, with a
    link on to where it was going, not asked to send again what it no longer needs."""
    make_user("twotabs")
    browser = Client(enforce_csrf_checks=True)
    address = "/accounts/login/?next=/articles/some-article/"
    first_tab, second_tab = page_token(browser, address), page_token(browser, address)
    fields = {"login": "twotabs", "password": PASSWORD, "next": "/articles/some-article/"}
    signed_in = browser.post("/accounts/login/", {**fields, "csrfmiddlewaretoken": first_tab})
    assert signed_in.status_code == 302
    refused = browser.post("/accounts/login/", {**fields, "csrfmiddlewaretoken": second_tab})
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "You are already signed in as twotabs, from another tab or window" in page
    assert '<a href="/articles/some-article/">Continue</a>' in page
    assert "send it again" not in page


def test_the_continue_link_never_leaves_the_site(make_user):
    """A `next` naming another site, sent with the refused form, is not offered."""
    make_user("twotabs")
    browser = Client(enforce_csrf_checks=True)
    first_tab, second_tab = (
        page_token(browser, "/accounts/login/"),
        page_token(browser, "/accounts/login/"),
    )
    fields = {"login": "twotabs", "password": PASSWORD}
    browser.post("/accounts/login/", {**fields, "csrfmiddlewaretoken": first_tab})
    refused = browser.post(
        "/accounts/login/",
        {**fields, "next": "https://evil.example/", "csrfmiddlewaretoken": second_tab},
    )
    page = refused.content.decode()
    assert '<a href="/">Continue</a>' in page
    assert "evil.example" not in page


def test_a_sign_in_refused_while_signed_out_keeps_the_username(make_user):
    """A login form whose token a sign-in (and sign-out) in another tab replaced comes back
    as the login form, saying why, with the new token, the username typed and where it was
    going; the password is never sent back."""
    make_user("twotabs")
    browser = Client(enforce_csrf_checks=True)
    old = page_token(browser, "/accounts/login/")
    fields = {"login": "twotabs", "password": PASSWORD}
    browser.post("/accounts/login/", {**fields, "csrfmiddlewaretoken": old})
    browser.post("/accounts/logout/", {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value})
    assert "_auth_user_id" not in browser.session
    refused = browser.post(
        "/accounts/login/", {**fields, "next": "/articles/x/", "csrfmiddlewaretoken": old}
    )
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "the page's security token was out of date" in page
    assert 'value="twotabs"' in page and PASSWORD not in page
    assert '<input type="hidden" name="next" value="/articles/x/">' in page
    again = browser.post(
        "/accounts/login/",
        {**fields, "next": "/articles/x/", "csrfmiddlewaretoken": TOKEN.search(page).group(1)},
    )
    assert again.status_code == 302 and again["Location"] == "/articles/x/"


def test_a_sign_in_sent_without_a_token_is_told_so_and_keeps_the_username(make_user):
    """Without any token (cookies blocked, say) the login form comes back saying so."""
    make_user("nocookie")
    refused = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"login": "nocookie", "password": PASSWORD}
    )
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "your browser did not send this site's security token" in page
    assert 'value="nocookie"' in page
