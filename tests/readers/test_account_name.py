import pytest

from comments.services import Poster, comment_submit


@pytest.mark.django_db
def test_a_name_longer_than_comments_show_is_refused_not_cut(client, make_user, article):
    """A display name too long for a comment's name is refused with the limit, instead of
    being saved with a promise that comments show it, then cut short on every comment."""
    user = make_user("longname")
    client.force_login(user)
    first, last = "Maximiliana Alexandra Konstantina", "von Hohenzollern-Sigmaringen"

    response = client.post("/accounts/name/", {"first_name": first, "last_name": last})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Please keep your name to 50 characters" in page and "(it has 62)" in page
    assert f'value="{last}"' in page, "what was typed is kept"
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("", "")


@pytest.mark.django_db
def test_a_name_that_fits_is_shown_whole_on_comments(client, make_user, article):
    """A display name the page accepts is the name a new comment shows, every character."""
    user = make_user("fitname")
    client.force_login(user)
    first, last = "Maximiliana Alexandra", "von Hohenzollern-Sigmar"  # 45 characters

    response = client.post("/accounts/name/", {"first_name": first, "last_name": last})

    assert response.status_code == 302
    user.refresh_from_db()
    comment = comment_submit(article=article, poster=Poster.for_user(user), text="Hello")
    assert comment.user_name == f"{first} {last}"
