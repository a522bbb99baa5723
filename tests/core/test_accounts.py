"""Registration with django-allauth: username + password, email optional."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def signup(client, username, email=""):
    return client.post(
        "/accounts/signup/",
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def test_signup_without_email_logs_in_and_sends_nothing(client):
    """A reader signs up with a username and password only and is signed in."""
    response = signup(client, "quietreader")
    assert response.status_code == 302
    user = get_user_model().objects.get(username="quietreader")
    assert user.email == ""
    assert len(mail.outbox) == 0
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_signup_with_email_sends_a_verification_link(client):
    """Given an email, allauth sends a link that verifies it."""
    signup(client, "loudreader", "loud@example.com")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+)", mail.outbox[0].body)
    assert link
    client.post(link.group(1))
    from allauth.account.models import EmailAddress

    assert EmailAddress.objects.get(email="loud@example.com").verified


def test_confirming_an_address_replaces_an_unconfirmed_primary_one(client):
    """A reader who signed up with a mistyped address and then adds and confirms the right
    one gets it as their primary address, the one Parley mails (follows, replies), instead
    of being told to add and verify an address they just verified."""
    from allauth.account.models import EmailAddress

    from readers.selectors import verified_address

    signup(client, "typo", "typo@exmaple.com")
    client.post("/accounts/email/", {"email": "right@example.com", "action_add": ""})
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+)", mail.outbox[-1].body)
    assert "right@example.com" in mail.outbox[-1].to
    client.post(link.group(1))
    user = get_user_model().objects.get(username="typo")
    assert EmailAddress.objects.get_primary(user).email == "right@example.com"
    assert verified_address(user) == "right@example.com"


def test_a_verification_link_naming_only_an_address_row_verifies_nothing(client, make_user):
    """A link in allauth's signed-row-id form, as another site with this SECRET_KEY (the one
    a backup came from) sent for its row with this id, does not verify this site's row."""
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC

    user = make_user("claimant")
    address = EmailAddress.objects.create(user=user, email="ceo@example.com", verified=False)
    response = client.post(f"/accounts/confirm-email/{EmailConfirmationHMAC(address).key}/")
    assert response.status_code == 404  # as allauth answers any unknown key
    address.refresh_from_db()
    assert not address.verified


@pytest.mark.parametrize("login", ["fan", "fan@example.com"])
def test_login_by_username_or_email(client, make_user, login):
    """Readers log in with either their username or their email."""
    make_user("fan", email="fan@example.com", password=PASSWORD)
    response = client.post("/accounts/login/", {"login": login, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


def test_password_change_and_logout(client, make_user):
    """A signed-in reader changes their password and logs out."""
    user = make_user("changer", password=PASSWORD)
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "another-long-secret",
            "password2": "another-long-secret",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-secret")
    client.post("/accounts/logout/")
    assert not client.session.get("_auth_user_id")


def test_account_pages_use_the_site_layout(client):
    """allauth pages render inside Parley's layout."""
    html = client.get("/accounts/signup/").content.decode()
    assert 'class="site-header"' in html and "account-form" in html
    assert 'name="username"' in html and 'name="email"' in html


def test_account_layouts_wrap_allauth_pages(client, make_user):
    """allauth's own "content" block must not replace the entrance and manage layouts."""
    login_page = client.get("/accounts/login/").content.decode()
    assert 'class="panel entrance"' in login_page
    # The remember-me box is labelled beside it, like the comment form's checkboxes.
    assert re.search(r'<p class="field field-check">\s*<input[^>]*name="remember"', login_page)
    client.force_login(make_user("manager", password=PASSWORD))
    email_page = client.get("/accounts/email/").content.decode()
    nav = re.search(r'<nav class="manage-nav".*?</nav>', email_page, re.S)
    assert nav, "the account navigation is missing from the email page"
    assert 'href="/accounts/password/change/"' in nav.group(0)
    assert 'aria-current="page">Email addresses' in nav.group(0)


def test_the_password_reset_pages_promise_no_contact_the_site_lacks(client):
    """An account may have no email (signup makes it optional): the reset page says such an
    account cannot reset here, and neither page tells readers to "contact us", which Parley
    publishes no way to do."""
    page = client.get("/accounts/password/reset/").content.decode()
    assert "An account without an email address cannot reset its password here" in page
    done = client.post("/accounts/password/reset/", {"email": "who@example.com"}, follow=True)
    assert "We have sent you an email." in done.content.decode()
    for html in (page, done.content.decode()):
        assert "contact us" not in html.lower()
        assert 'class="panel entrance"' in html  # still inside the site's entrance layout


def test_signed_in_user_without_email_can_comment(client, article, submit):
    """A user who signed up without an email posts under their username."""
    from comments.models import Comment
    from tests.conftest import form_data

    signup(client, "noemail")
    data = form_data(article, comment="From an account without email")
    for field in ("name", "email", "url"):
        data.pop(field)
    assert submit(data).status_code == 302
    comment = Comment.objects.get()
    assert comment.user.username == "noemail" and comment.user_name == "noemail"
    assert comment.status == "published"


def test_a_username_longer_than_a_comments_name_is_refused(client):
    """A username is what an account's comments show until it sets a name: one longer than
    a comment's 50-character name is refused at signup, instead of cut short on every
    comment; one of 50 is taken."""
    response = signup(client, "r" * 51)
    assert response.status_code == 200
    assert "at most 50 characters (it has 51)" in response.content.decode()
    assert 'maxlength="50"' in response.content.decode()
    assert not get_user_model().objects.exists()
    assert signup(client, "r" * 50).status_code == 302


@pytest.mark.parametrize(
    "lookalike",
    ["\u0430dmin", "\uff41\uff44\uff4d\uff49\uff4e", "\u0410DMIN"],
    ids=["cyrillic-a", "full-width", "cyrillic-capital"],
)
def test_a_username_that_looks_like_a_taken_one_is_refused(client, lookalike):
    """A username that reads as one already taken (another alphabet's look-alike letter,
    full-width letters) is refused at signup with a form error, the typed name kept; an
    unrelated name in the same alphabet is taken."""
    assert signup(client, "admin").status_code == 302
    client.logout()
    response = signup(client, lookalike)
    html = response.content.decode()
    assert response.status_code == 200
    assert "This username looks the same as one already taken" in html
    assert f'value="{lookalike}"' in html
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["admin"]
    assert signup(client, "\u041e\u043b\u0435\u043d\u0430").status_code == 302  # Олена


def test_the_look_alike_check_is_one_indexed_query_however_many_accounts(
    django_assert_num_queries, make_user
):
    """Each account's username is kept folded (core.models.NameSkeleton), so a signup asks
    once, by index, where comparing skeletons in Python read every account's name."""
    from core.account_names import username_lookalike_taken

    for n in range(30):
        make_user(f"reader{n}")
    with django_assert_num_queries(1) as asked:
        assert username_lookalike_taken("READER7")
    sql = asked.captured_queries[0]["sql"]
    assert "core_nameskeleton" in sql and "auth_user" not in sql, sql
    with django_assert_num_queries(1):
        assert not username_lookalike_taken("reader-seven")


def test_accounts_made_before_the_skeletons_get_theirs_from_the_migration(make_user):
    """The migration that adds the skeletons fills them in for the accounts already there."""
    import importlib

    from django.apps import apps

    from core.account_names import username_lookalike_taken
    from core.models import NameSkeleton

    make_user("admin")
    NameSkeleton.objects.all().delete()
    assert not username_lookalike_taken("\u0430dmin")
    importlib.import_module("core.migrations.0001_initial").skeletons_fill(apps, None)
    assert username_lookalike_taken("\u0430dmin")


def test_a_renamed_account_is_found_under_its_new_name_only(make_user):
    """Renaming an account (the admin's user page) keeps its skeleton; a login's save of
    last_login alone does not touch it."""
    from core.account_names import username_lookalike_taken
    from core.models import NameSkeleton

    user = make_user("bea")
    user.username = "beatrice"
    user.save()
    assert username_lookalike_taken("BEATRICE") and not username_lookalike_taken("bea")
    NameSkeleton.objects.filter(user_id=user.pk).update(skeleton="stale")
    user.save(update_fields=["last_login"])
    assert NameSkeleton.objects.get(user_id=user.pk).skeleton == "stale"


def test_a_display_name_is_kept_folded_beside_the_username(make_user):
    """An account's display name (the name its comments show) is kept folded too, and
    follows its changes; the username alone matched before."""
    from core.account_names import comment_name_of_account
    from readers.services import user_display_name_set

    user = make_user("cleo", first_name="Cleo", last_name="Patra")
    assert comment_name_of_account("cleo") and comment_name_of_account("CLEO  patra")
    user_display_name_set(user=user, first_name="Queen", last_name="")
    assert comment_name_of_account("queen") and not comment_name_of_account("Cleo Patra")
    assert not comment_name_of_account("Patra") and not comment_name_of_account("")


def test_accounts_made_before_display_skeletons_get_theirs_from_the_migration(make_user):
    """The migration that adds display names' skeletons fills them in for the accounts
    already there."""
    import importlib

    from django.apps import apps

    from core.account_names import comment_name_of_account
    from core.models import NameSkeleton

    make_user("ed", first_name="The", last_name="Editor")
    NameSkeleton.objects.update(display_skeleton="")
    assert not comment_name_of_account("the editor")
    migration = importlib.import_module("core.migrations.0002_nameskeleton_display_skeleton")
    migration.display_skeletons_fill(apps, None)
    assert comment_name_of_account("the editor")


def test_a_username_that_reads_as_another_accounts_display_name_is_refused(client, make_user):
    """An account without a display name posts under its username: one reading as another
    account's display name is refused at signup, the typed name kept."""
    make_user("cleo", first_name="Queen")
    response = signup(client, "QUEEN")
    html = response.content.decode()
    assert response.status_code == 200
    assert "comments are shown under a name that reads as this username" in html
    assert 'value="QUEEN"' in html
    assert not get_user_model().objects.filter(username="QUEEN").exists()
    assert signup(client, "queenie").status_code == 302
