"""Trust in a real browser: copying a guest's words from another browser gives no rights
over their comment."""

import pytest

from comments.models import Comment, CommentStatus

pytestmark = pytest.mark.django_db(transaction=True)


def _post_as_guest(page, url, text, name):
    page.goto(url)
    page.fill("#id_comment", text)
    page.fill("#id_name", name)
    page.click("#submit")
    page.wait_for_url("**#c*")


def test_a_second_browser_posting_the_same_words_cannot_edit_or_delete_them(
    live_server, new_page, article
):
    """Browser B copies browser A's name and text: B gets a comment of its own, no Edit or
    Delete on A's, and a 403 when it tries the edit and delete addresses directly."""
    url = live_server.url + article.get_absolute_url()
    words, name = "Victim's genuine comment, posted without an email.", "Vic Victim"
    victim, attacker = new_page(), new_page()
    _post_as_guest(victim, url, words, name)
    original = Comment.objects.get()
    _post_as_guest(attacker, url, words, name)
    copy = Comment.objects.exclude(pk=original.pk).get()

    assert attacker.locator(f"#c{copy.pk} .comment-delete-link").count() == 1
    assert attacker.locator(f"#c{original.pk} .comment-edit-link").count() == 0
    assert attacker.locator(f"#c{original.pk} .comment-delete-link").count() == 0
    edit = attacker.goto(f"{live_server.url}/comments/{original.pk}/edit/")
    assert edit.status == 403
    delete = attacker.goto(f"{live_server.url}/comments/{original.pk}/delete/")
    assert delete.status == 403

    victim.reload()
    assert victim.locator(f"#c{original.pk} .comment-edit-link").count() == 1
    original.refresh_from_db()
    assert original.comment == words
    assert original.status == CommentStatus.PUBLISHED
