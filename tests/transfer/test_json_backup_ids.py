"""A restored backup keeps its comments' ids where the site never used them: a browser's
signed list of its own comments (comments/owner.py), carried over with the secret, still
names its own comments and no one else's."""

import io
import json

import pytest
from django.db import connection
from django.db.models import Max
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django_comments.models import Comment as BaseComment

from articles.models import Article
from comments.models import Comment, CommentStatus
from comments.owner import remember_own_comment
from transfer.json_backup import json_export
from transfer.services.importing import import_file

pytestmark = pytest.mark.django_db
SITE = "https://old.example"


def ids_never_used() -> None:
    """Make this database a new server's: no comment, and no comment id ever handed out."""
    Article.objects.all().delete()
    assert not Comment.objects.exists()
    table = BaseComment._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), 1, false)", [table])
        else:
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])


def own_cookie(client, *comment_ids: int) -> None:
    """The browser's list of its own comments, signed as the site writes it."""
    response, request = HttpResponse(), RequestFactory().get("/")
    for comment_id in comment_ids:
        remember_own_comment(request, response, comment_id)
    client.cookies.update(response.cookies)


def fragment(client, comment_id: int):
    return client.get(reverse("comments:fragment", args=[comment_id]))


def backup_file(tmp_path, comments: list[dict], **header) -> str:
    """A backup of one article with these comments, the header's other keys given."""
    document = {
        "format": "parley-backup", "version": 2, "site": SITE, **header, "users": [],
        "articles": [{
            "id": 1, "title": "Old", "slug": "old", "body": "Text", "status": "published",
            "published_at": "2024-01-01T00:00:00+00:00", "updates": [],
            "comments": [
                {"parent": None, "name": "Ann", "status": "held",
                 "submitted_at": "2024-01-02T00:00:00+00:00", **comment}
                for comment in comments
            ],
        }],
    }  # fmt: skip
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(document))
    return str(path)


def restored_ids() -> dict[str, int]:
    """Restored comment's words -> its id here."""
    return dict(Comment.objects.filter(article__slug="old").values_list("comment", "pk"))


def test_a_restore_into_a_new_server_keeps_ids_and_browsers_see_only_their_own(
    client, make_article, post, tmp_path
):
    """Restored on a server that never used their ids, comments keep them: the browser whose
    cookie names its held comment sees that comment, not another guest's held one; and a
    comment posted afterwards takes an id above every one the old site used."""
    first = make_article(title="First")
    second = make_article(title="Second")
    own = post(second, "Words Ann held back.", name="Ann", status=CommentStatus.HELD)
    post(second, "A published reply.", reply_to=post(second, "Published.").pk)
    other = post(first, "Words Bea held back.", name="Bea", status=CommentStatus.HELD)
    gone = post(first, "Deleted on the old site.")
    Comment.objects.filter(pk=gone.pk).delete()
    before = dict(Comment.objects.values_list("comment", "pk"))
    buffer = io.BytesIO()
    json_export(out=buffer, site_url=SITE)
    header = json.loads(buffer.getvalue().split(b"\n", 1)[0].rstrip(b",") + b"}")
    assert header["comment_id_max"] == gone.pk
    path = tmp_path / "backup.json"
    path.write_bytes(buffer.getvalue())
    ids_never_used()

    import_file(path=path, format="json")

    assert dict(Comment.objects.values_list("comment", "pk")) == before
    own_cookie(client, own.pk)
    mine = fragment(client, own.pk)
    assert mine.status_code == 200 and "Words Ann held back." in mine.text
    assert "Bea" not in mine.text
    assert fragment(client, other.pk).status_code == 404
    page = client.get(Article.objects.get(slug=second.slug).get_absolute_url()).text
    assert "Words Ann held back." in page and "Words Bea held back." not in page
    later = post(Article.objects.get(slug=first.slug), "Posted on the new server.")
    assert later.pk > gone.pk


def test_ids_this_site_used_are_never_kept(post, make_article, tmp_path):
    """On a site with comments of its own, a restored comment keeps its id only above the
    highest id the site ever used (a deleted comment's included); the others get new ids
    above the backup's, every id once; a comment posted afterwards comes above them all."""
    article = make_article(title="Here")
    post(article, "Here first.")
    kept_here = post(article, "Here second.")
    deleted = post(article, "Here, then deleted.")
    Comment.objects.filter(pk=deleted.pk).delete()
    used = deleted.pk
    backup_ids = {"overlaps a comment here": kept_here.pk, "was a deleted one's": used,
                  "above": used + 1, "higher": used + 3}  # fmt: skip
    path = backup_file(
        tmp_path,
        [{"id": pk, "text": words} for words, pk in backup_ids.items()],
        comment_id_max=used + 5,
    )

    import_file(path=path, format="json")

    ids = restored_ids()
    assert (ids["above"], ids["higher"]) == (used + 1, used + 3)
    assert all(
        ids[words] > used + 5 for words in ("overlaps a comment here", "was a deleted one's")
    )
    assert len(set(ids.values())) == 4 and min(ids.values()) > used
    assert Comment.objects.get(pk=kept_here.pk).comment == "Here second."
    later = post(article, "Posted after the restore.")
    assert later.pk > max(ids.values())


@pytest.mark.parametrize("header", [{}, {"comment_id_max": "9999"}, {"comment_id_max": -1}])
def test_a_backup_without_its_highest_id_restores_with_new_ids_as_before(
    post, make_article, tmp_path, header
):
    """A backup that does not name its site's highest comment id (older ones), or names it
    wrongly, restores as before: its comments get new ids, following this site's."""
    last = post(make_article(), "Here first.").pk
    path = backup_file(
        tmp_path, [{"id": last + 10, "text": "One"}, {"id": last + 20, "text": "Two"}], **header
    )

    import_file(path=path, format="json")

    assert restored_ids() == {"One": last + 1, "Two": last + 2}
    assert Comment.objects.aggregate(top=Max("pk"))["top"] == last + 2
