"""Emailed links that act on one row (a follow, an author's digest) name it by its id and by
the address they were sent to: after a backup is restored, ids name other rows, and a link
must never act on another reader's."""

import io
import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from articles.models import Article
from articles.services import update_publish
from readers.models import AuthorDigestChoice, Follow
from readers.services import author_digest_unsubscribe_url
from readers.tokens import address_digest, token_make
from transfer.json_backup import json_export
from transfer.models import Format, ImportRun
from transfer.services.importing import import_file

pytestmark = pytest.mark.django_db
BEFORE_RESTORE = "sent before this site&#x27;s data was restored from a backup"


def link_in(message, path_part: str) -> str:
    match = re.search(rf"https?://[^/\s]+(/{path_part}/[^\s\"<]+)", message.body)
    assert match, message.body
    return match.group(1)


def signed_at(offset_seconds: float, purpose: str, **data) -> str:
    """A token as if signed `offset_seconds` from now."""
    real = time.time
    signing.time.time = lambda: real() + offset_seconds
    try:
        return token_make(purpose, **data)
    finally:
        signing.time.time = real


@pytest.fixture
def restored(make_article, tmp_path):
    """A site restored from a backup of another: Alice's follow, whose links the source
    site emailed by her row id, comes back under a new id, and that old id here is now
    Victor's follow (unconfirmed) of the same article."""
    source_article = make_article(title="Harbour lights")
    alice = Follow.objects.create(
        article=source_article, email="alice@example.org", confirmed_at=timezone.now()
    )
    old_links = {
        "unsubscribe": f"/unsubscribe/{token_make('unsubscribe', follow=alice.pk)}/",
        "confirm": f"/follow/confirm/{token_make('follow_confirm', follow=alice.pk)}/",
    }
    buffer = io.BytesIO()
    json_export(out=buffer, site_url="https://source.example")
    path = tmp_path / "backup.json"
    path.write_bytes(buffer.getvalue())
    old_id = alice.pk
    Follow.objects.all().delete()
    Article.objects.all().delete()

    import_file(path=path, format="json")
    article = Article.objects.get()
    victor = Follow.objects.create(pk=old_id, article=article, email="victor@example.org")
    return {"links": old_links, "victor": victor, "article": article}


def test_an_old_unsubscribe_link_from_before_the_restore_deletes_nobody(restored):
    """The source site's id-only unsubscribe link, which now names Victor's row, is refused
    (400, saying why and what to do instead), and both follows stay."""
    url = restored["links"]["unsubscribe"]
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(url)
    assert page.status_code == 400 and BEFORE_RESTORE in page.content.decode()
    response = anonymous.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    assert "use the unsubscribe link in an email sent since" in response.content.decode()
    assert set(Follow.objects.values_list("email", flat=True)) == {
        "alice@example.org",
        "victor@example.org",
    }


def test_an_old_confirm_link_from_before_the_restore_confirms_nobody(restored):
    """The source site's id-only confirm link does not confirm Victor's address."""
    response = Client().post(restored["links"]["confirm"])
    assert response.status_code == 400 and BEFORE_RESTORE in response.content.decode()
    restored["victor"].refresh_from_db()
    assert restored["victor"].confirmed_at is None


def test_a_new_link_from_the_source_site_names_the_address_and_is_refused(restored):
    """A link that names Alice's address and her old id (one the source site sent after
    this fix) finds Victor's row there and is refused, whatever its date."""
    victor = restored["victor"]
    token = signed_at(
        60, "unsubscribe", follow=victor.pk, article=victor.article_id,
        to=address_digest("alice@example.org"),
    )  # fmt: skip
    response = Client().post(f"/unsubscribe/{token}/")
    assert response.status_code == 400 and "This link is not valid." in response.content.decode()
    assert Follow.objects.filter(pk=victor.pk).exists()


def test_an_old_link_sent_after_the_restore_still_works(restored):
    """An id-only unsubscribe link this site sent after the restore (before this fix) keeps
    working: readers rely on it."""
    victor = restored["victor"]
    token = signed_at(5, "unsubscribe", follow=victor.pk)
    response = Client().post(f"/unsubscribe/{token}/")
    assert response.status_code == 200 and "no longer get updates" in response.content.decode()
    assert not Follow.objects.filter(pk=victor.pk).exists()


def test_an_old_link_works_where_no_backup_was_ever_restored(article):
    """Without a restore, an id-only unsubscribe link (from before this fix) still works;
    a dry run or a WordPress import is not a restore."""
    ImportRun.objects.create(format=Format.JSON, status=ImportRun.Status.DONE, dry_run=True,
                             finished_at=timezone.now())  # fmt: skip
    ImportRun.objects.create(format=Format.WORDPRESS, status=ImportRun.Status.DONE,
                             finished_at=timezone.now())  # fmt: skip
    follow = Follow.objects.create(article=article, email="old@example.org")
    token = signed_at(-3600, "unsubscribe", follow=follow.pk)
    assert Client().post(f"/unsubscribe/{token}/").status_code == 200
    assert not Follow.objects.exists()


def test_new_links_confirm_and_unsubscribe_through_the_views(
    article, author, django_capture_on_commit_callbacks
):
    """A guest follows, confirms by the emailed link, gets an update, and leaves by its
    unsubscribe link, which names the follow's article and address, not only its id."""
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/articles/{article.slug}/follow/", {"email": "Fan@Example.org"})
    confirm = link_in(mail.outbox[0], "follow/confirm")
    data = signing.loads(confirm.split("/")[-2], salt="parley.readers.follow_confirm")
    assert set(data) == {"follow", "article", "to"}
    assert client.get(confirm).status_code == 200
    assert client.post(confirm).status_code == 302
    follow = Follow.objects.get()
    assert follow.confirmed_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        update_publish(article=article, author=author, body="News.")
    unsubscribe = link_in(mail.outbox[1], "unsubscribe")
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.get(unsubscribe).status_code == 200
    response = anonymous.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "no longer get updates" in response.content.decode()
    assert not Follow.objects.exists()


def test_a_link_whose_address_no_longer_matches_is_refused_and_changes_nothing(
    article, django_capture_on_commit_callbacks
):
    """When the follow's row holds another address than the one the link was sent to,
    neither the confirm nor the unsubscribe link acts: a 400 page, the row unchanged."""
    from readers.services import unsubscribe_url_for_follow

    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/articles/{article.slug}/follow/", {"email": "first@example.org"})
    confirm = link_in(mail.outbox[0], "follow/confirm")
    follow = Follow.objects.get()
    unsubscribe = unsubscribe_url_for_follow(follow).split("testserver", 1)[-1]
    Follow.objects.filter(pk=follow.pk).update(email="second@example.org")

    for url in (confirm, unsubscribe):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 400, url
            assert "This link is not valid." in response.content.decode()
    follow.refresh_from_db()
    assert (follow.email, follow.confirmed_at) == ("second@example.org", None)


def test_an_author_digest_link_for_an_address_the_account_no_longer_has_is_refused(
    make_user,
):
    """The digest's unsubscribe link names the author's address: the account with that id
    but without that address (another author after a restore) keeps its digest."""
    author = make_user("writer", email="writer@example.org")
    EmailAddress.objects.create(user=author, email=author.email, verified=True, primary=True)
    url = author_digest_unsubscribe_url(author).split("testserver", 1)[-1]
    author.email = "someone-else@example.org"
    author.save()
    EmailAddress.objects.filter(user=author).update(email=author.email)

    response = Client().post(url)
    assert response.status_code == 400
    assert not AuthorDigestChoice.objects.exists()

    author.email = "Writer@Example.org"
    author.save()
    response = Client().post(url)
    assert response.status_code == 200 and "no longer get the digest" in response.content.decode()
    assert AuthorDigestChoice.objects.get(user=author).wanted is False


def test_links_emailed_before_a_key_rotation_still_work(
    article, author, settings, django_capture_on_commit_callbacks
):
    """Rotated with the old key in SECRET_KEY_FALLBACKS (README: Rotating the secret key),
    an unsubscribe link emailed before unsubscribes its follower."""
    follow = Follow.objects.create(
        article=article, email="fan@example.org", confirmed_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        update_publish(article=article, author=author, body="News before the rotation.")
    unsubscribe = link_in(mail.outbox[-1], "unsubscribe")
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "n" * 50, [old_key]
    response = Client().post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "no longer get updates" in response.content.decode()
    assert not Follow.objects.filter(pk=follow.pk).exists()
