"""A comment refused for its security token says why, truly: a token this browser no longer
holds (a sign-in in another tab replaced it) is not "sent without a token", nor "a script
that did not run"."""

import pytest
from django.test import Client

from comments.models import Comment
from tests.conftest import form_data, token_a_sign_in_replaced

pytestmark = pytest.mark.django_db

NO_SCRIPT = "from a script, which did not run"
SENT_WITHOUT = "It was sent without this site"


def test_a_token_replaced_by_a_sign_in_elsewhere_is_called_out_of_date(
    article, make_user, django_capture_on_commit_callbacks
):
    """The page's script fetched a token; the reader signed in from another tab, which
    replaced it; the comment they send is refused (403) with its text handed back, and the
    page says the token was out of date, not that none was sent or a script did not run."""
    # The page fetched its token; a sign-in in another tab has replaced it since.
    browser, old_token = token_a_sign_in_replaced(make_user)
    data = form_data(article, comment="Written before signing in elsewhere.")
    data["csrfmiddlewaretoken"] = old_token
    response = browser.post("/comments/post/", data)
    html = response.content.decode()
    assert response.status_code == 403
    assert "Written before signing in elsewhere." in html
    assert "out of date" in html
    assert NO_SCRIPT not in html and SENT_WITHOUT not in html
    assert not Comment.objects.exists()

    again = browser.post(
        "/comments/post/", {**data, "csrfmiddlewaretoken": response.context["csrf_token"]}
    )
    assert again.status_code == 302 and Comment.objects.count() == 1


def test_a_form_sent_with_no_token_still_says_so(article):
    """The shared page's form sent without scripts carries no token: that is what it says."""
    browser = Client(enforce_csrf_checks=True)
    browser.get("/csrf/")
    response = browser.post("/comments/post/", form_data(article, comment="No script here."))
    html = response.content.decode()
    assert response.status_code == 403
    assert NO_SCRIPT in html and SENT_WITHOUT in html
    assert "out of date" not in html
