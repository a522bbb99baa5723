"""The link to manage a guest's comments acts for their address (erasing included), so it
works once, from its button: a link left in a browser's history or a forwarded email opens
nothing the second time, and says why."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from readers.links import MANAGE_SECONDS, MANAGE_SESSION_KEY, MANAGE_UNTIL_KEY
from readers.models import Delivery
from readers.services import manage_link_make
from readers.tokens import token_make
from tests.support import form_fields

pytestmark = pytest.mark.django_db
EMAIL = "guest@example.org"


def _pressed(client: Client, token: str):
    link = reverse("readers:manage_enter", args=[token])
    page = client.get(link)
    return page, client.post(link, form_fields(page.content.decode()))


def test_the_link_opens_a_button_and_works_once(article, post):
    post(article, "Words to manage", email=EMAIL)
    token = manage_link_make(email=EMAIL)
    scanner = Client()  # a mail scanner opens the link, and presses nothing
    page = scanner.get(reverse("readers:manage_enter", args=[token]))
    assert page.status_code == 200 and MANAGE_SESSION_KEY not in scanner.session
    assert "The link works once" in page.content.decode()
    first = Client()
    _page, pressed = _pressed(first, token)
    assert pressed.status_code == 302 and first.session[MANAGE_SESSION_KEY] == EMAIL
    assert "Words to manage" in first.get(pressed["Location"]).content.decode()

    later = Client()  # the same link, from the history of a shared computer
    _page, again = _pressed(later, token)
    body = again.content.decode()
    assert again.status_code == 400 and "used already" in body
    assert reverse("readers:manage_request") in body  # where to ask for a new one
    assert MANAGE_SESSION_KEY not in later.session
    assert Delivery.objects.filter(kind=Delivery.Kind.MANAGE_LINK).count() == 1


def test_a_link_from_before_says_it_no_longer_works(article, post):
    """A link mailed before links worked once names no link: refused, and told so (not
    that it was used)."""
    post(article, "Old words", email=EMAIL)
    _page, pressed = _pressed(Client(), token_make("manage", email=EMAIL))
    body = pressed.content.decode()
    assert pressed.status_code == 400
    assert "no longer works" in body and "used already" not in body


def test_the_link_lets_its_browser_manage_for_an_hour_and_until_it_closes(article, post):
    """One press lets its browser act for the address for MANAGE_SECONDS, in a session that
    ends with the browser: the next user of a shared computer, days later, finds the
    comments neither listed nor theirs to delete."""
    comment = post(article, "Words to manage", email=EMAIL)
    browser = Client()
    _page, pressed = _pressed(browser, manage_link_make(email=EMAIL))
    assert pressed.status_code == 302
    assert browser.session.get_expire_at_browser_close()
    assert browser.session[MANAGE_UNTIL_KEY] <= time.time() + MANAGE_SECONDS
    assert "Words to manage" in browser.get(reverse("readers:my_comments")).content.decode()

    session = browser.session
    session[MANAGE_UNTIL_KEY] = time.time() - 1  # the hour is over
    session.save()
    listed = browser.get(reverse("readers:my_comments"))
    assert listed.status_code == 302 and listed["Location"] == reverse("readers:manage_request")
    delete = browser.post(reverse("readers:comment_delete", args=[comment.pk]))
    assert delete.status_code == 403
    comment.refresh_from_db()
    assert comment.comment == "Words to manage"
