"""A report refused for its security token hands back the note the reader wrote with it, as
a refused comment hands back the comment: the note was lost."""

import re

import pytest
from django.test import Client

from moderation.models import Report
from tests.conftest import token_a_sign_in_replaced

pytestmark = pytest.mark.django_db


def test_a_refused_report_hands_back_its_note(article, post):
    """Sent without a valid token (signed in or out elsewhere, cookies cleared), the report
    is not made (403), and the page shows the note, to copy before reloading."""
    comment = post(article, "A comment someone reports.")
    browser = Client(enforce_csrf_checks=True)
    note = "It repeats a rumour the article itself disproves: see the third update."
    response = browser.post(f"/moderation/report/{comment.pk}/", {"reason": "other", "note": note})
    assert response.status_code == 403
    kept = re.search(
        r'<textarea id="kept-text"[^>]*>(.*?)</textarea>', response.content.decode(), re.S
    )
    assert kept and kept.group(1) == note
    assert not Report.objects.exists()


def test_a_report_with_a_token_a_sign_in_replaced_says_it_was_out_of_date(article, post, make_user):
    """The report page's token was replaced by a sign-in in another tab: the refusal says the
    token was out of date, not that the browser sent none (it did)."""
    comment = post(article, "A comment someone reports.")
    # The page fetched its token; a sign-in in another tab has replaced it since.
    browser, old_token = token_a_sign_in_replaced(make_user)
    response = browser.post(
        f"/moderation/report/{comment.pk}/",
        {"reason": "spam", "note": "", "csrfmiddlewaretoken": old_token},
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "security token (it protects you against forged requests) is out of date" in html
    assert "did not send" not in html
    assert not Report.objects.exists()
