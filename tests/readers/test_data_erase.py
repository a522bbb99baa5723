"""A reader erases everything Parley keeps about them: every table as the registry says,
nothing of theirs left anywhere, nobody else's rows touched, the audit kept without them."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.test import Client
from django.utils import timezone

from comments.models import Comment, CommentStatus, Vote
from comments.models_votes import wilson_lower_bound
from moderation.models import Ban, CommenterNote, ModerationEvent
from moderation.selectors_bans import ban_for
from readers.models import ConfirmedAddress, Delivery, Follow
from readers.personal_data import PERSONAL_DATA, Erasure
from readers.services import comment_delete, reader_data_erase
from tests.conftest import TEN_YEARS, manage_link_followed

from .personal_data_world import PASSWORD, comment_by, field_of, other, reader

pytestmark = pytest.mark.django_db
S = CommentStatus


def value_of(row: Model, field):
    if field.many_to_many:
        return sorted(getattr(row, field.name).values_list("pk", flat=True))
    return getattr(row, field.attname)


def stored(row: Model) -> Model | None:
    return type(row)._base_manager.filter(pk=row.pk).first()


def snapshot(row: Model) -> dict | None:
    return type(row)._base_manager.filter(pk=row.pk).values().first()


def erase_account(person) -> None:
    response = person.client.post("/data/delete/", {"confirm": "on", "password": PASSWORD})
    assert response.status_code == 200
    assert "Your account is deleted" in response.content.decode()


def test_every_registered_field_is_erased_as_the_registry_says(world):
    """Deleted rows are gone, emptied values hold nothing of the reader, kept values are
    unchanged, and the other reader's rows are exactly as they were."""
    erin = world["people"][0]
    before = {
        label: (value_of(stored(mine), field_of(label)), snapshot(theirs))
        for label, (mine, theirs) in world["rows"].items()
    }
    erase_account(erin)
    for label, entry in PERSONAL_DATA.items():
        mine, theirs = world["rows"][label]
        field = field_of(label)
        now = stored(mine)
        if entry.erasure == Erasure.DELETED:
            assert now is None, label
        else:
            assert now is not None, label
            value = value_of(now, field)
            if entry.erasure == Erasure.KEPT:
                assert value == before[label][0], label
            else:
                assert value != before[label][0], label
                assert erin.user.pk not in (value if field.many_to_many else []), label
                assert not any(m in str(value) for m in erin.markers.values()), label
        assert snapshot(theirs) == before[label][1], f"{label}: somebody else's row changed"


def test_nothing_of_the_reader_is_left_in_any_table(world):
    """Their address, name, IP, website, words and phone number are in no row of any model."""
    erin = world["people"][0]
    erase_account(erin)
    left = [
        (model._meta.label, row.get("id", row))
        for model in apps.get_models()
        for row in model._base_manager.values()
        if any(marker in str(row) for marker in erin.markers.values())
    ]
    assert left == []
    otto = world["people"][1]
    assert any(otto.markers["email"] in str(row) for row in Comment.objects.values("user_email"))


def test_comments_stay_as_placeholders_and_the_audit_without_them(world):
    """A comment with a reply shows "[deleted]"; moderation keeps its events, the ban stays
    in force by keyed hash, and the ban's record names neither the account nor the address."""
    erin = world["people"][0]
    own = world["own_comments"][0]
    user_pk, username = erin.user.pk, erin.username
    erase_account(erin)
    own.refresh_from_db()
    assert own.status == S.DELETED and own.user_id is None
    assert (own.comment, own.user_name, own.user_email, own.author_key) == ("", "", "", "")
    html = Client().get(own.article.get_absolute_url()).content.decode()
    assert "[deleted]" in html and "A reply that stays" in html
    assert ModerationEvent.objects.filter(comment=own, to_status=S.DELETED).exists()
    assert not get_user_model().objects.filter(pk=user_pk).exists()
    bans = Ban.objects.filter(display="[erased]")
    assert sorted(bans.values_list("kind", flat=True)) == [Ban.Kind.ACCOUNT, Ban.Kind.EMAIL]
    assert ban_for(email=erin.email) is not None  # erasing is no way round a ban
    for event in ModerationEvent.objects.filter(ban__in=bans):
        assert username not in str(event.reasons) and "[erased]" in str(event.reasons)
    mine, theirs = world["guest_notes"]
    assert not CommenterNote.objects.filter(pk=mine.pk).exists()
    assert CommenterNote.objects.filter(pk=theirs.pk).exists()


def test_votes_are_withdrawn_and_the_counts_follow(world):
    """The comment they voted on loses their vote from its counts and score."""
    erin = world["people"][0]
    target = world["target"]
    assert (target.__class__.objects.get(pk=target.pk).upvotes) == 2
    erase_account(erin)
    target.refresh_from_db()
    assert (target.upvotes, target.downvotes) == (1, 0)
    assert target.best_score == wilson_lower_bound(up=1, down=0)
    assert Vote.objects.filter(comment=target).count() == 1


def test_the_browser_is_signed_out_and_its_cookies_cleared(world):
    """After erasing, the browser holds no session and no Parley cookies."""
    erin = world["people"][0]
    erin.client.cookies["parley_commenter"] = "saved"
    response = erin.client.post("/data/delete/", {"confirm": "on", "password": PASSWORD})
    for name in ("parley_commenter", "parley_own", "parley_verified", "parley_voter"):
        assert response.cookies[name]["max-age"] == 0, name
    assert erin.client.get("/data/")["Location"] == "/comments/manage/"


def test_erasing_an_account_asks_for_the_box_and_the_password(world):
    """A wrong password or an unticked box deletes nothing; an account without a password
    ticks the box only."""
    erin = world["people"][0]
    page = erin.client.get("/data/delete/").content.decode()
    assert "Delete my account" in page and 'type="password"' in page
    assert "csrfmiddlewaretoken" in page
    wrong = erin.client.post("/data/delete/", {"confirm": "on", "password": "not it"})
    unticked = erin.client.post("/data/delete/", {"password": PASSWORD})
    assert (wrong.status_code, unticked.status_code) == (400, 400)
    assert "That is not your password." in wrong.content.decode()
    assert get_user_model().objects.filter(pk=erin.user.pk).exists()
    erin.user.set_unusable_password()
    erin.user.save()
    erin.client.force_login(erin.user)
    assert 'type="password"' not in erin.client.get("/data/delete/").content.decode()
    assert erin.client.post("/data/delete/", {"confirm": "on"}).status_code == 200
    assert not get_user_model().objects.filter(pk=erin.user.pk).exists()


def test_guessing_the_password_is_stopped_after_five_tries(world, rate_limit):
    """The password the form asks for cannot be guessed: past the limit nothing is
    checked, nothing is deleted, and the page says so."""
    rate_limit("erase", user=f"5/{TEN_YEARS}", guest=f"5/{TEN_YEARS}")
    erin = world["people"][0]
    tries = [
        erin.client.post("/data/delete/", {"confirm": "on", "password": f"guess {n}"})
        for n in range(5)
    ]
    assert [t.status_code for t in tries] == [400] * 5
    right = erin.client.post("/data/delete/", {"confirm": "on", "password": PASSWORD})
    assert right.status_code == 429
    assert "Nothing was deleted" in right.content.decode()
    assert get_user_model().objects.filter(pk=erin.user.pk).exists()


def test_erasing_needs_a_post_with_the_security_token(world):
    """A cross-site POST is refused."""
    erin = world["people"][0]
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(erin.user)
    response = checked.post("/data/delete/", {"confirm": "on", "password": PASSWORD})
    assert response.status_code == 403
    assert get_user_model().objects.filter(pk=erin.user.pk).exists()


def test_nobody_is_sent_to_log_in():
    """Without an account or a link, the delete page asks to log in."""
    response = Client().get("/data/delete/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_guest_erases_what_is_kept_about_their_address(make_user, make_article, moderator):
    """Through the emailed link: the address's comments become placeholders without a name,
    its follows, confirmation and emails go, notes on it go, and a ban on it stays in force
    by hash only. The other address is untouched."""
    from moderation.services import ban_create, commenter_note_add

    article = make_article()
    gail, otto = reader(), other()
    comments = {}
    for person in (gail, otto):
        comments[person.email] = comment_by(article, person, as_guest=True)
        Follow.objects.create(article=article, email=person.email, confirmed_at=timezone.now())
        ConfirmedAddress.objects.create(email=person.email)
        Delivery.objects.create(kind=Delivery.Kind.REPLY, object_id=1, email=person.email)
        commenter_note_add(comment=comments[person.email], text="A note.", actor=moderator)
        ban_create(kind=Ban.Kind.EMAIL, actor=moderator, reason="Spam.", value=person.email)
    guest = Client()
    manage_link_followed(guest, gail.email)
    page = guest.get("/data/delete/").content.decode()
    assert gail.email in page and 'type="password"' not in page
    response = guest.post("/data/delete/", {"confirm": "on"})
    assert response.status_code == 200 and "Your data is deleted" in response.content.decode()
    mine, theirs = comments[gail.email], comments[otto.email]
    mine.refresh_from_db()
    assert mine.status == S.DELETED and (mine.user_name, mine.user_email, mine.ip_address) == (
        "",
        "",
        None,
    )
    for model in (Follow, ConfirmedAddress, Delivery):
        assert list(model.objects.values_list("email", flat=True)) == [otto.email]
    assert CommenterNote.objects.get().comment_id == theirs.pk
    assert ban_for(email=gail.email) is not None
    assert Ban.objects.filter(display="[erased]").count() == 1
    theirs.refresh_from_db()
    assert theirs.status == S.PUBLISHED and theirs.user_name == otto.name
    assert guest.get("/data/")["Location"] == "/comments/manage/"  # the link's session is gone


def test_erasing_finds_comments_deleted_before_by_their_proven_key(make_article):
    """A comment deleted one by one keeps its proven author's key, though its name and
    address are gone: erasing the address finds it by the key and takes that off too."""
    article = make_article()
    gail = reader()
    comment = comment_by(article, gail, as_guest=True)  # proven through a link
    comment_delete(comment=comment)
    comment.refresh_from_db()
    assert (comment.user_email, comment.user_name) == ("", "")
    assert comment.author_key
    erased = reader_data_erase(email=gail.email.upper())
    assert (erased.account, erased.comments) == (False, 1)
    comment.refresh_from_db()
    assert (comment.user_name, comment.author_key, comment.status) == ("", "", S.DELETED)


def test_withdrawing_votes_costs_the_same_for_3_as_for_30(article, post, make_user):
    """A reader who voted on many comments is erased in a fixed number of statements; their
    votes leave every count and score as if they had never been cast."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from comments.services import comment_vote

    counts = []
    for size in (3, 30):
        voter = make_user()
        comments = [post(article, f"Worth a vote {size}-{n}") for n in range(size)]
        for comment in comments:
            comment_vote(
                comment_id=comment.pk, voter_key=f"user:{voter.pk}", value=1, user_id=voter.pk
            )
        with CaptureQueriesContext(connection) as queries:
            reader_data_erase(user=voter)
        counts.append(len(queries))
        for comment in comments:
            comment.refresh_from_db()
            assert (comment.upvotes, comment.best_score) == (0, wilson_lower_bound(up=0, down=0))
    assert counts[0] == counts[1], counts
