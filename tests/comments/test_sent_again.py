"""A refused form sent again after its text was posted: Back from the posted comment to the
refusal's page has the browser resend the refused form ("Confirm Form Resubmission")."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.conftest import form_data

pytestmark = pytest.mark.django_db
POST_URL = reverse("comments:post")


def landing_text(client, response) -> str:
    return client.get(response["Location"]).content.decode()


def test_a_resent_invalid_form_lands_on_the_comment_posted_since(client, article, submit):
    """Refused for a missing name, then posted with it: the refused form sent again is not
    answered "Your comment was not posted" but with the comment, posted once."""
    refused = form_data(article, comment="Said once, resent by Back", name="")
    assert submit(refused).status_code == 400
    assert submit(form_data(article, comment="Said once, resent by Back")).status_code == 302
    comment = Comment.objects.get()

    again = submit(refused)

    assert again.status_code == 302
    assert again["Location"].endswith(f"#c{comment.pk}")
    html = landing_text(client, again)
    assert "Thank you: your comment is published." in html
    assert "not posted" not in html
    assert Comment.objects.count() == 1


def test_a_resent_tokenless_form_lands_on_the_comment_posted_since(client, article, submit):
    """The shared page's tokenless form, refused, then posted from the form the refusal
    gave back: sent again, it lands on that comment, not on "not posted yet"."""
    strict = Client(enforce_csrf_checks=True)
    strict.get(article.get_absolute_url())
    data = form_data(article, comment="Posted on the second press")
    refused = strict.post(POST_URL, data)
    assert refused.status_code == 403
    token = strict.cookies["csrftoken"].value
    assert strict.post(POST_URL, {**data, "csrfmiddlewaretoken": token}).status_code == 302
    comment = Comment.objects.get()

    again = strict.post(POST_URL, data)

    assert again.status_code == 302
    assert again["Location"].endswith(f"#c{comment.pk}")
    assert "not posted" not in landing_text(strict, again)
    assert Comment.objects.count() == 1


def test_only_the_poster_and_the_same_text_count(client, article, submit):
    """Another browser sending the same text, or this browser another text, is refused as
    before: nothing proves the comment was theirs, or it is another comment."""
    assert submit(form_data(article, comment="Mine, posted")).status_code == 302
    other = Client()
    response = submit(form_data(article, comment="Mine, posted", name=""), using=other)
    assert response.status_code == 400
    assert "Your comment was not posted." in response.content.decode()
    different = submit(form_data(article, comment="Another thought", name=""))
    assert different.status_code == 400


def test_a_reply_sent_again_counts_only_in_its_place(client, article, submit, post):
    """The same text posted as a new comment does not answer a refused reply with it."""
    parent = post(article, "The comment answered")
    assert submit(form_data(article, comment="Same words")).status_code == 302
    refused_reply = form_data(article, comment="Same words", name="", reply_to=str(parent.pk))
    assert submit(refused_reply).status_code == 400
    assert (
        submit(form_data(article, comment="Same words", reply_to=str(parent.pk))).status_code == 302
    )
    reply = Comment.objects.get(parent_id=parent.pk, level=1)
    again = submit(refused_reply)
    assert again.status_code == 302 and again["Location"].endswith(f"#c{reply.pk}")
