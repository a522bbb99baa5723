"""A browser's own-comments cookie speaks for guest comments only. Cookies written before an
account's comments were left out of it (they live 30 days) may still name one: the next
person on that browser, signed out, must not be shown that account's held comment as theirs."""

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from comments.models import CommentStatus
from comments.owner import OWN_COOKIE, remember_own_comment

pytestmark = pytest.mark.django_db


def _old_cookie(client, *comment_ids: int) -> None:
    """The signed cookie as Parley writes it, naming `comment_ids`."""
    request, response = HttpRequest(), HttpResponse()
    for comment_id in comment_ids:
        remember_own_comment(request, response, comment_id)
        request.COOKIES[OWN_COOKIE] = response.cookies[OWN_COOKIE].value
        del request._parley_own_ids
    client.cookies[OWN_COOKIE] = response.cookies[OWN_COOKIE].value


def test_an_accounts_held_comment_in_an_old_cookie_is_not_shown_to_the_browser(
    client, article, post, make_user
):
    member = make_user("member")
    held_by_account = post(
        article, "The account's words, held", user=member, status=CommentStatus.HELD
    )
    held_by_guest = post(article, "A guest's words, held", status=CommentStatus.HELD)
    _old_cookie(client, held_by_account.pk, held_by_guest.pk)

    page = client.get(article.get_absolute_url()).content.decode()
    assert "A guest's words, held" in page
    assert "The account's words, held" not in page
    status = client.get(reverse("comments:status", args=[held_by_account.pk]))
    assert status.status_code == 404
    assert client.get(reverse("comments:status", args=[held_by_guest.pk])).status_code == 200
