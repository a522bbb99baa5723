"""A reader downloads everything Parley keeps about them, and nothing about anybody else."""

import json
from datetime import date, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment, CommentStatus
from comments.services import comment_vote
from readers.models import ConfirmedAddress, Delivery, Follow
from readers.personal_data import PERSONAL_DATA
from tests.conftest import manage_link_followed

from .personal_data_world import comment_by, field_of, other, reader

pytestmark = pytest.mark.django_db


def resolve(data, path: str) -> list:
    """The values at `path` ("comments[].email": each comment's email) in the export."""
    values = [data]
    for part in path.split("."):
        many = part.endswith("[]")
        key = part.removesuffix("[]")
        values = [v.get(key) for v in values if isinstance(v, dict)]
        if many:
            values = [item for v in values if isinstance(v, list) for item in v]
    return values


def as_exported(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def export_of(client: Client) -> dict:
    response = client.get("/data/export.json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_world_has_a_row_for_every_registered_field(world):
    """The export and erasure tests reach every field the registry lists."""
    assert sorted(set(PERSONAL_DATA) - set(world["rows"])) == []
    assert all(len(pair) == 2 for pair in world["rows"].values())


def test_an_account_downloads_every_registered_field(world):
    """Each registered field is in the file where the registry says, with the reader's value."""
    erin = world["people"][0]
    data = export_of(erin.client)
    for label, entry in PERSONAL_DATA.items():
        if not entry.export:
            continue
        values = resolve(data, entry.export)
        field = field_of(label)
        mine = world["rows"][label][0]
        if field.is_relation:
            assert [v for v in values if v is not None], label
        else:
            assert as_exported(getattr(mine, field.attname)) in values, label


def test_the_download_holds_the_reader_and_nobody_else(world):
    """The reader's details are in it; the other reader's, and the words of the comments
    they voted on or reported, are not."""
    erin, otto = world["people"]
    body = erin.client.get("/data/export.json").content.decode()
    for marker in erin.markers.values():
        assert marker in body
    for marker in [*otto.markers.values(), otto.username, "Third words", "A reply that stays"]:
        assert marker not in body
    data = json.loads(body)
    assert data["account"]["username"] == erin.username
    assert data["account"]["display_name"] == erin.name
    assert data["addresses"] == [erin.email]
    own, guest = world["own_comments"][0], world["guest_comments"][0]
    assert {c["id"] for c in data["comments"]} == {own.pk, guest.pk}
    assert [v["comment_id"] for v in data["votes"]] == [world["target"].pk]
    assert data["staff_records"]["bans_placed"] == 1


def test_the_download_is_a_private_attachment(world):
    """A JSON attachment that no cache keeps."""
    response = world["people"][0].client.get("/data/export.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="parley-data-')
    assert response["Cache-Control"] == "private, no-store"


def test_the_download_takes_the_same_queries_however_much_there_is(world, make_article):
    """More comments, follows and votes cost no more queries."""
    erin = world["people"][0]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            export_of(erin.client)
        return len(captured)

    before = queries()
    for n in range(3):
        article = make_article(title=f"More {n}")
        comment_by(article, erin)
        comment_by(article, erin, as_guest=True)
        Follow.objects.create(article=article, user=erin.user, email=erin.email)
        target = comment_by(article, other())
        comment_vote(comment_id=target.pk, voter_key=f"user:{erin.user.pk}", value=-1)
        Delivery.objects.create(kind=Delivery.Kind.UPDATE, object_id=n, email=erin.email)
    assert len(export_of(erin.client)["comments"]) == 2 + 6
    assert queries() == before


def test_a_guest_downloads_what_is_kept_about_their_address(make_user, make_article):
    """Through the emailed link: the address's comments, follows, confirmation and emails;
    not an account's rows, nor another address's."""
    article = make_article()
    gail = reader()
    for person in (gail, other()):
        comment_by(article, person, as_guest=True)
        Follow.objects.create(article=article, email=person.email, confirmed_at=timezone.now())
        ConfirmedAddress.objects.create(email=person.email)
        Delivery.objects.create(kind=Delivery.Kind.REPLY, object_id=1, email=person.email)
    guest = Client()
    assert manage_link_followed(guest, gail.email).status_code == 302
    data = export_of(guest)
    assert data["account"] is None and data["staff_records"] is None
    assert [c["email"] for c in data["comments"]] == [gail.email]
    assert [c["ip_address"] for c in data["comments"]] == [gail.ip]
    assert [f["email"] for f in data["follows"]] == [gail.email]
    assert [a["email"] for a in data["confirmed_addresses"]] == [gail.email]
    # A reply notice and the manage link itself.
    assert [d["email"] for d in data["deliveries"]] == [gail.email, gail.email]
    assert data["votes"] == [] and data["reports"] == []
    assert "otto" not in json.dumps(data)


def test_nobody_gets_a_download():
    """Without an account or a link there is nothing to download."""
    assert Client().get("/data/export.json").status_code == 404


def test_the_data_page_counts_and_links(world):
    """ "Your data" counts what is kept and links to the download and to deleting it; "My
    comments" and the account pages link to it."""
    erin = world["people"][0]
    page = erin.client.get("/data/").content.decode()
    assert "2 comments" in page and "1 article followed" in page and "1 vote" in page
    assert 'href="/data/export.json"' in page and 'href="/data/delete/"' in page
    assert 'href="/data/"' in erin.client.get("/comments/mine/").content.decode()
    assert 'href="/data/"' in erin.client.get("/accounts/name/").content.decode()
    assert Client().get("/data/")["Location"] == "/comments/manage/"


def test_the_download_says_of_each_comment_what_the_site_tells_its_poster(make_article):
    """Spam reads as held for a moderator, and a shadow-banned comment as published, as the
    page and "Your comments" show them (one they deleted, as deleted): the file is no way
    round what the site withholds from a poster (a verdict a bot could learn from, a ban it
    could dodge)."""
    article = make_article()
    gail = reader()
    shadowed, caught, deleted = (comment_by(article, gail, as_guest=True) for _ in range(3))
    Comment.objects.filter(pk=shadowed.pk).update(
        status=CommentStatus.SPAM, submission_meta={**shadowed.submission_meta, "shadow": True}
    )
    Comment.objects.filter(pk=caught.pk).update(status=CommentStatus.SPAM)
    Comment.objects.filter(pk=deleted.pk).update(status=CommentStatus.DELETED)
    guest = Client()
    assert manage_link_followed(guest, gail.email).status_code == 302

    exported = {c["id"]: c for c in export_of(guest)["comments"]}

    assert exported[shadowed.pk]["status"] == "published"
    assert exported[caught.pk]["status"] == "held"
    assert exported[deleted.pk]["status"] == "deleted"
    assert "shadow" not in json.dumps(exported)
    assert exported[shadowed.pk]["form"]["seconds_to_submit"] == 30
