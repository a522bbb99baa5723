"""Forgetting the commenter details this browser saved, from the comment form."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from comments.owner import COMMENTER_COOKIE, OWN_COOKIE, VERIFIED_COOKIE
from tests.conftest import form_data

FORGET_URL = reverse("comments:details_forget")
pytestmark = pytest.mark.django_db


def saved_details(submit, article):
    """Post a comment with the consent box ticked, as a guest who then comes back."""
    submit(form_data(article, name="Noor", email="noor@example.com", url="https://noor.example",
                     remember="on"))  # fmt: skip


def forget_form(article, **fields):
    """The comment form as the Forget button sends it, a text being written in its box."""
    data = form_data(article, comment="Half a thought I still want", name="Noor",
                     email="noor@example.com", remember="on", forget_details="1")  # fmt: skip
    data.update(fields)
    return data


def test_control_shows_only_while_details_are_saved(client, article, submit):
    """A guest with nothing saved sees no Forget button; with details saved, they do."""
    assert 'id="forget-details"' not in client.get(article.get_absolute_url()).content.decode()
    saved_details(submit, article)
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'id="forget-details"' in html
    assert "Your name, email address and website are saved in this browser." in html
    assert 'name="forget_own"' in html  # this browser posted a comment it could drop


def test_forgetting_clears_the_details_and_keeps_the_typed_text(client, article, submit):
    """The details cookie and the address proof are cleared, the comments this browser
    posted are kept, nothing is posted, and the page says what was and was not cleared."""
    saved_details(submit, article)
    response = client.post(FORGET_URL, forget_form(article))

    html = response.content.decode()
    assert response.status_code == 200
    assert response.cookies[COMMENTER_COOKIE].value == ""
    assert response.cookies[COMMENTER_COOKIE]["max-age"] == 0
    assert response.cookies[VERIFIED_COOKIE]["max-age"] == 0
    assert OWN_COOKIE not in response.cookies
    assert "\nHalf a thought I still want</textarea>" in html
    assert 'value="Noor"' not in html and 'value="noor@example.com"' not in html
    assert 'id="forget-details"' not in html
    assert "Your name, email address and website are no longer saved in this browser." in html
    assert "It still knows which comments it posted" in html
    assert Comment.objects.count() == 1
    # The next visit finds nothing saved.
    later = client.get(article.get_absolute_url()).content.decode()
    assert 'value="Noor"' not in later and 'id="forget-details"' not in later


def test_forgetting_the_comments_too_drops_the_list_when_asked(client, article, submit):
    """Ticking "Also forget which comments this browser posted" clears that list too, and
    the page says the comments can no longer be edited or deleted from here."""
    saved_details(submit, article)
    comment = Comment.objects.get()
    response = client.post(FORGET_URL, forget_form(article, forget_own="1"))

    html = response.content.decode()
    assert response.cookies[OWN_COOKIE]["max-age"] == 0
    # A link emailed to the address can still manage them: only this browser's pages forget.
    assert (
        "It no longer knows which comments it posted: article pages no longer offer to edit or "
        "delete them, nor show you those awaiting moderation." in html
    )
    # The page answering it already shows the browser as it now is.
    assert f'href="{reverse("readers:comment_edit", args=[comment.pk])}"' not in html


def test_forgetting_needs_the_csrf_token(article, submit, client):
    """Without the form's token nothing is forgotten."""
    saved_details(submit, article)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    response = strict.post(FORGET_URL, forget_form(article))
    assert response.status_code == 403
    assert COMMENTER_COOKIE not in response.cookies


@pytest.mark.parametrize("stale", [False, True], ids=["no-token", "stale-token"])
def test_a_refused_forget_says_nothing_was_forgotten_and_offers_the_button_again(
    article, submit, client, stale
):
    """The Forget button refused for its token: the page says the details were not
    forgotten (not that a comment was not posted, which the reader never tried), hands back
    the text being written, and shows the button to press again."""
    saved_details(submit, article)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    data = forget_form(article)
    if stale:
        # A token this browser no longer holds (another tab's sign-in replaced it).
        data["csrfmiddlewaretoken"] = "x" * 64
    response = strict.post(FORGET_URL, data)

    html = response.content.decode()
    assert response.status_code == 403
    assert COMMENTER_COOKIE not in response.cookies
    assert "<h1>Your details were not forgotten yet</h1>" in html
    assert "so nothing was forgotten. Press “Forget my details in this browser” again." in html
    assert "Post Comment again" not in html and "not posted" not in html
    assert "\nHalf a thought I still want</textarea>" in html
    assert 'id="forget-details"' in html


def test_a_refused_forget_with_nothing_saved_says_so(article, client):
    """From a stale page, with nothing saved any more: no button to press again is promised."""
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(FORGET_URL, forget_form(article))

    html = response.content.decode()
    assert response.status_code == 403
    assert "No name, email address or website is saved in this browser." in html
    assert "again." not in html.split("Your details were not forgotten yet", 1)[1]
    assert 'id="forget-details"' not in html


def test_a_guest_who_saved_no_details_can_forget_their_own_comments(client, article, submit):
    """Posted with the box unticked, only the list of this browser's comments is kept: the
    form offers to forget that list, worded for it, and pressing it drops the list, keeps
    the text being written and says what is now true."""
    submit(form_data(article, name="Noor"))
    comment = Comment.objects.get()
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'id="forget-details"' not in html
    assert "This browser remembers which comments it posted" in html
    assert 'id="forget-own-comments"' in html

    data = forget_form(article, name="", email="", remember="")
    del data["forget_details"]
    data["forget_own"] = "1"  # what the button itself sends
    response = client.post(FORGET_URL, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert response.cookies[OWN_COOKIE]["max-age"] == 0
    assert "\nHalf a thought I still want</textarea>" in html
    assert "No name, email address or website is saved in this browser." in html
    assert "It no longer knows which comments it posted" in html
    assert 'id="forget-own-comments"' not in html
    assert f'href="{reverse("readers:comment_edit", args=[comment.pk])}"' not in html
    assert Comment.objects.count() == 1
    later = client.get(article.get_absolute_url()).content.decode()
    assert 'id="forget-own-comments"' not in later


def test_a_refused_forget_of_own_comments_names_that_button(article, submit, client):
    """Refused for its token, the own-comments button comes back with a notice naming it,
    not the details button the reader was never shown."""
    submit(form_data(article, name="Noor"))
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    data = forget_form(article, name="", email="", remember="", forget_own="1")
    del data["forget_details"]
    response = strict.post(FORGET_URL, data)

    html = response.content.decode()
    assert response.status_code == 403
    assert OWN_COOKIE not in response.cookies
    assert "Press “Forget which comments this browser posted” again." in html
    assert "<h1>This browser still knows which comments it posted</h1>" in html
    assert "<title>This browser still knows which comments it posted · Parley</title>" in html
    assert "details were not forgotten" not in html
    assert 'id="forget-own-comments"' in html and 'id="forget-details"' not in html
    assert "\nHalf a thought I still want</textarea>" in html
