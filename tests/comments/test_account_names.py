"""A guest may not post under a registered account's name: the "Leave a Reply" form refuses a
Name that reads as an account's username or display name, keeps what was typed, and offers
to log in or to choose another name."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from comments.forms import CommentForm
from comments.models import Comment
from readers.services import user_display_name_set
from tests.conftest import form_data

pytestmark = pytest.mark.django_db


def name_error(page: str) -> str:
    found = re.search(r'<span class="field-error" id="id_name_error">(.*?)</span>', page, re.S)
    return html.unescape(found.group(1)) if found else ""


@pytest.mark.parametrize(
    "typed",
    [
        "admin",
        "ADMIN",
        "\uff21\uff24\uff2d\uff29\uff2e",  # full-width letters
        "\u0430dmin",  # a Cyrillic letter a (U+0430) first
    ],
)
def test_a_guest_cannot_post_under_an_accounts_username(submit, article, make_user, typed):
    """A guest's name that reads as an account's username is a field error at the Name box,
    saying whose it is, with the comment and the other fields kept and nothing stored."""
    make_user("admin")
    text = "I speak for the site, trust me."
    response = submit(form_data(article, name=typed, comment=text, email="g@example.org"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "is the name of a registered reader" in name_error(page)
    assert "choose another name" in name_error(page)
    assert text in html.unescape(page)
    assert 'value="g@example.org"' in page
    assert 'id="error-summary"' in page and 'href="#id_name"' in page
    assert not Comment.objects.exists()


def test_the_refusal_links_to_log_in_and_back_to_the_form(submit, article, make_user):
    """Beside the refused name, a link to log in that comes back to the article's form."""
    make_user("admin")
    page = submit(form_data(article, name="admin")).content.decode()
    link = re.search(r'id="id_name_helptext">[^<]*<a href="([^"]+)">', page)
    assert link, page
    url = urlsplit(html.unescape(link.group(1)))
    assert url.path == reverse("account_login")
    assert parse_qs(url.query)["next"] == [f"{article.get_absolute_url()}#respond"]


def test_a_guest_cannot_post_under_an_accounts_display_name(submit, article, author):
    """A signed-in reader's comments show their display name ("Ada Writer"): a guest typing
    it, in any case or spacing, is refused as for a username."""
    response = submit(form_data(article, name="ada  WRITER"))
    assert response.status_code == 400
    assert "registered reader" in name_error(response.content.decode())
    assert not Comment.objects.exists()


def test_a_changed_display_name_is_the_one_refused(submit, article, make_user):
    """After a reader changes their display name, the new one is refused and the old one is
    free again."""
    reader = make_user("reader7", first_name="Old", last_name="Name")
    user_display_name_set(user=reader, first_name="New", last_name="Name")
    assert submit(form_data(article, name="New Name")).status_code == 400
    assert submit(form_data(article, name="Old Name")).status_code == 302


def test_a_name_that_only_contains_an_accounts_name_is_fine(submit, article, make_user):
    """Only a whole-name match is refused: "Bob Smith" may post beside the account "bob"."""
    make_user("bob")
    response = submit(form_data(article, name="Bob Smith"))
    assert response.status_code == 302
    assert Comment.objects.get().user_name == "Bob Smith"


def test_a_signed_in_reader_posts_under_their_own_name(client, submit, article, make_user):
    """The check is a guest's: an account posts under its own name as before."""
    user = make_user("admin")
    client.force_login(user)
    response = submit(form_data(article))
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.user_id, comment.user_name) == (user.pk, "admin")


def test_the_check_is_one_indexed_query_and_none_for_an_empty_name(
    article, make_user, django_assert_num_queries
):
    """However many accounts there are, a guest's name costs one query; an empty one none."""
    for number in range(20):
        make_user(f"reader{number}", first_name=f"First{number}", last_name="Last")
    with django_assert_num_queries(1) as asked:
        form = CommentForm(article, data=form_data(article, name="first7 last"))
        assert not form.is_valid()
    assert "auth_user" not in asked.captured_queries[0]["sql"]
    with django_assert_num_queries(0):
        form = CommentForm(article, data=form_data(article, name=""))
        assert not form.is_valid() and "name" in form.errors
