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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "last"),
    [("ADMIN", ""), ("\u0430dmin", ""), ("ada", "WRITER")],
)
def test_a_display_name_reading_as_another_accounts_name_is_refused(
    client, make_user, author, first, last
):
    """A reader may not take another account's username or display name as theirs: their
    comments would show it, with a Member badge, as if that account had written them."""
    make_user("admin")
    user = make_user("mallory")
    client.force_login(user)

    response = client.post("/accounts/name/", {"first_name": first, "last_name": last})

    assert response.status_code == 400
    assert "the name of another registered reader" in response.content.decode()
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("", "")


@pytest.mark.django_db
def test_a_reader_may_show_their_own_username_or_keep_their_display_name(client, make_user):
    """Their own account's names are theirs: the username as display name, or saving the
    display name they already have, goes through."""
    user = make_user("olga", first_name="Olga", last_name="Berg")
    client.force_login(user)
    assert (
        client.post("/accounts/name/", {"first_name": "Olga", "last_name": "Berg"}).status_code
        == 302
    )
    assert (
        client.post("/accounts/name/", {"first_name": "OLGA", "last_name": ""}).status_code == 302
    )
    user.refresh_from_db()
    assert user.get_full_name() == "OLGA"
