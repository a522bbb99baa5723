"""One row in every model of readers.personal_data for a reader, and one for somebody else:
what the export and erasure tests check, table by table."""

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress, EmailConfirmation
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.utils import timezone
from django_comments.models import CommentFlag

from articles.services import article_create, update_publish
from comments.models import Comment, CommentStatus, Vote
from comments.services import Poster, comment_submit, comment_vote
from core.models import NameSkeleton
from core.roles import AUTHORS_GROUP, MODERATORS_GROUP, groups_ensure
from moderation.models import (
    Ban,
    ModerationEvent,
    Report,
    SpamVerdict,
    TrainingExample,
    Webhook,
    WebhookDelivery,
)
from moderation.scoring import Reason, Verdict
from moderation.services import (
    ban_create,
    comment_transition,
    commenter_note_add,
    report_create,
    webhooks_notify,
)
from moderation.services.audit import staff_edit_record
from readers.models import (
    AuthorDigestChoice,
    AuthorDigestEntry,
    ConfirmedAddress,
    Delivery,
    Follow,
)
from transfer.models import ImportRun

S = CommentStatus
PASSWORD = "a-long-passphrase"  # the test users' password (see make_user)


@dataclass
class Person:
    """Someone with an account, and the details they typed as a guest before it."""

    username: str
    email: str
    first_name: str
    last_name: str
    ip: str
    url: str
    words: str
    phone: str
    user: object = None
    client: Client = field(default_factory=Client)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def markers(self) -> dict[str, str]:
        """What identifies them: none of it may be left anywhere after erasure."""
        return {
            "email": self.email,
            "name": self.last_name,
            "ip": self.ip,
            "url": self.url,
            "words": self.words,
            "phone": self.phone,
        }


def reader() -> Person:
    return Person(
        "erin_reader", "erin@example.com", "Erin", "Quillfeather", "203.0.113.77",
        "https://erin.example/", "Erin writes marmalade", "+44 20 7946 0958",
    )  # fmt: skip


def other() -> Person:
    return Person(
        "otto_other", "otto@example.org", "Otto", "Brackenridge", "198.51.100.9",
        "https://otto.example/", "Otto writes gooseberry", "+44 20 7946 0123",
    )  # fmt: skip


def third(words: str) -> Person:
    """Somebody whose comments the reader and the other reader vote on, report and pick."""
    return Person("third_party", "third@example.net", "Third", "Party", "192.0.2.3", "", words, "")


def comment_by(article, person: Person, *, as_guest: bool = False, reply_to: int = 0):
    """A published comment by the person: as their account, or as a guest typing their
    details (and proving the address by a link)."""
    poster = Poster(
        name=person.name,
        email=person.email,
        url=person.url,
        user=None if as_guest else person.user,
        email_verified=as_guest,
    )
    with override_settings(PARLEY_COMMENT_JUDGE=""):
        comment = comment_submit(
            article=article,
            poster=poster,
            text=f"{person.words}, call {person.phone}" if person.phone else person.words,
            reply_to=reply_to,
            ip_address=person.ip,
            user_agent=f"Browser of {person.name}",
            meta={"seconds_to_submit": 30},
        )
    comment_transition(comment_id=comment.pk, to_status=S.PUBLISHED, actor_label="test")
    comment.refresh_from_db()
    return comment


def _account_rows(person: Person, world: dict) -> dict:
    user = person.user
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    address = EmailAddress.objects.create(
        user=user, email=person.email, verified=True, primary=True
    )
    spare = EmailAddress.objects.create(user=user, email=f"spare.{person.email}")
    session = Session.objects.get(pk=person.client.session.session_key)
    rows = {f"auth.User.{name}": user for name in USER_FIELDS}
    return rows | {
        "account.EmailAddress.user": address,
        "account.EmailAddress.email": address,
        "account.EmailConfirmation.email_address": EmailConfirmation.create(spare),
        "sessions.Session.session_data": session,
        "core.NameSkeleton.user": NameSkeleton.objects.get(user=user),
    }


def _comment_rows(person: Person, world: dict) -> dict:
    """A comment by the account with a reply under it (a placeholder once erased), one the
    person posted as a guest with their address, and what they did to other comments."""
    user, article, target = person.user, world["article"], world["target"]
    own = comment_by(article, person)
    comment_by(article, third("A reply that stays"), reply_to=own.pk)
    guest = comment_by(article, person, as_guest=True)
    world["own_comments"].append(own)
    world["guest_comments"].append(guest)
    flag = CommentFlag.objects.create(
        user=user, comment=target, flag="removal suggestion", flag_date=timezone.now()
    )
    comment_vote(comment_id=target.pk, voter_key=f"user:{user.pk}", value=1, user_id=user.pk)
    vote = Vote.objects.get(voter_key=f"user:{user.pk}")
    written = article_create(
        title=f"Written by {person.username}", body="Text.", authors=[user], publish=True
    )
    picked = comment_by(written, third("Picked words"))
    Comment.objects.filter(pk=picked.pk).update(picked_by=user, picked_at=timezone.now())
    world["written"] = written
    rows = {f"django_comments.Comment.{name}": guest for name in GUEST_COMMENT_FIELDS}
    rows |= {f"comments.Comment.{name}": guest for name in GUEST_PARLEY_FIELDS}
    return rows | {
        "django_comments.Comment.user": own,
        "comments.Comment.author_key": own,
        "comments.Comment.picked_by": picked,
        "django_comments.CommentFlag.user": flag,
        "comments.Vote.voter_key": vote,
        "comments.Vote.address_key": vote,
        "articles.Article.authors": written,
        "articles.ArticleUpdate.author": update_publish(article=written, author=user, body="More."),
    }


def _reader_rows(person: Person, world: dict) -> dict:
    """Following, the emails sent, the author's digest, and the reports they filed."""
    user, target = person.user, world["target"]
    follow = Follow.objects.create(
        article=world["article"], user=user, email=person.email, confirmed_at=timezone.now()
    )
    delivery = Delivery.objects.create(
        kind=Delivery.Kind.REPLY, object_id=target.pk, email=person.email
    )
    report_create(
        comment_id=target.pk,
        user=user,
        ip_address=person.ip,
        reason="other",
        note=f"{person.name} thinks so",
    )
    report = Report.objects.get(reporter=user)
    return {
        "readers.Follow.user": follow,
        "readers.Follow.email": follow,
        "readers.ConfirmedAddress.email": ConfirmedAddress.objects.create(email=person.email),
        "readers.Delivery.email": delivery,
        "readers.AuthorDigestChoice.user": AuthorDigestChoice.objects.create(
            user=user, wanted=False, changed_at=timezone.now()
        ),
        "readers.AuthorDigestEntry.user": AuthorDigestEntry.objects.create(
            user=user, comment=target, sent_at=timezone.now()
        ),
        "moderation.Report.reporter": report,
        "moderation.Report.reporter_key": report,
        "moderation.Report.note": report,
    }


def _moderation_rows(person: Person, world: dict) -> dict:
    """What moderation keeps about the person's comments, notes and bans on them."""
    moderator = world["moderator"]
    own, guest = world["own_comments"][-1], world["guest_comments"][-1]
    # The scorer quoted the phone number it found; a moderator approved the comment (a
    # label the spam model learns from); the webhooks heard of it.
    phone = Reason(
        "phone", f"1 phone number: {person.phone}", 0.5, {"count": 1, "found": [person.phone]}
    )
    comment_transition(
        comment_id=guest.pk,
        to_status=S.HELD,
        actor_label="scorer",
        verdict=Verdict(score=0.6, decision=S.HELD, reasons=(phone,)),
    )
    comment_transition(comment_id=guest.pk, to_status=S.PUBLISHED, actor=moderator)
    webhooks_notify(event="published", comment_id=guest.pk)
    # A moderator corrected the name in the admin.
    Comment.objects.filter(pk=guest.pk).update(user_name=f"{person.name} (corrected)")
    edit = staff_edit_record(
        actor=moderator,
        instance=guest,
        before={"user_name": person.name},
        field_names=["user_name"],
    )
    logged = LogEntry.objects.create(
        user=moderator,
        content_type=ContentType.objects.get_for_model(Comment),
        object_id=str(own.pk),
        object_repr=str(own),
        action_flag=CHANGE,
    )
    note = commenter_note_add(comment=own, text="Keeps posting jam recipes.", actor=moderator)
    world["guest_notes"].append(
        commenter_note_add(comment=guest, text="Also as a guest.", actor=moderator)
    )
    account_ban = ban_create(
        kind=Ban.Kind.ACCOUNT, actor=moderator, reason="Too much jam.", user=person.user, days=1
    )
    email_ban = ban_create(
        kind=Ban.Kind.EMAIL, actor=moderator, reason="Jam again.", value=person.email, shadow=True
    )
    return {
        "moderation.SpamVerdict.reasons": SpamVerdict.objects.get(comment=guest),
        "moderation.ModerationEvent.reasons": ModerationEvent.objects.get(
            comment=guest, actor_label="scorer"
        ),
        "moderation.TrainingExample.text": TrainingExample.objects.get(comment=guest),
        "moderation.WebhookDelivery.payload": WebhookDelivery.objects.get(comment_id=guest.pk),
        "moderation.StaffEdit.object_repr": edit,
        "moderation.StaffEdit.changes": edit,
        "admin.LogEntry.object_repr": logged,
        "moderation.CommenterNote.subject_key": note,
        "moderation.CommenterNote.text": note,
        "moderation.Ban.user": account_ban,
        "moderation.Ban.display": account_ban,
        "moderation.Ban.value_hash": email_ban,
    }


def _staff_rows(person: Person, world: dict) -> dict:
    """What the person did as staff: each record is about somebody else."""
    user, target = person.user, world["target"]
    dismissed = Report.objects.create(
        comment=target,
        reporter_key=f"ip:dismissed-by-{user.pk}",
        reason="spam",
        dismissed_by=user,
        resolved_at=timezone.now(),
    )
    ban = ban_create(kind=Ban.Kind.IP, actor=user, reason="Bots.", value=f"192.0.2.{user.pk}")
    decision = ModerationEvent.objects.get(ban=ban)
    edit = staff_edit_record(actor=user, instance=world["written"], added=True)
    note = commenter_note_add(comment=target, text="Seems fine.", actor=user)
    logged = LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(Comment),
        object_id=str(target.pk),
        object_repr="Third's comment",
        action_flag=CHANGE,
    )
    return {
        "moderation.Report.dismissed_by": dismissed,
        "moderation.Ban.created_by": ban,
        "moderation.ModerationEvent.actor": decision,
        "moderation.ModerationEvent.actor_label": decision,
        "moderation.StaffEdit.actor": edit,
        "moderation.StaffEdit.actor_label": edit,
        "moderation.CommenterNote.author": note,
        "moderation.CommenterNote.author_label": note,
        "moderation.Webhook.created_by": Webhook.objects.create(
            url=f"https://hooks.example/{person.username}", created_by=user, active=False
        ),
        "admin.LogEntry.user": logged,
        "transfer.ImportRun.started_by": ImportRun.objects.create(
            format="json", started_by=user, file_name="export.json"
        ),
        "transfer.ImportRun.cancelled_by": ImportRun.objects.create(
            format="wordpress",
            status=ImportRun.Status.FAILED,
            file_name="blog.xml",
            cancelled_by=user,
            cancelled_at=timezone.now(),
        ),
    }


USER_FIELDS = (
    "username", "first_name", "last_name", "email", "password", "last_login", "date_joined",
    "groups",
)  # fmt: skip
GUEST_COMMENT_FIELDS = (
    "user_name", "user_email", "user_url", "ip_address", "comment", "submit_date",
)  # fmt: skip
GUEST_PARLEY_FIELDS = ("comment_html", "user_agent", "submission_meta", "text_hash")


def world_build(make_user, make_article) -> dict:
    """Rows for a reader and for somebody else, by the registry's field: {label: (reader's
    row, other's row)} under "rows". The reader is `world["people"][0]`."""
    groups_ensure()
    roles = Group.objects.filter(name__in=[AUTHORS_GROUP, MODERATORS_GROUP])
    article = make_article(title="The shared article")
    world: dict = {
        "people": (reader(), other()),
        "moderator": make_user("moira_mod", groups=[MODERATORS_GROUP]),
        "article": article,
        "target": comment_by(article, third("Third words")),
        "own_comments": [],
        "guest_comments": [],
        "guest_notes": [],
    }
    # The site's webhook hears of published comments (never posted: nothing commits).
    Webhook.objects.create(url="https://hooks.example/parley", on_published=True)
    rows: dict[str, list] = {}
    for person in world["people"]:
        person.user = make_user(
            person.username,
            email=person.email,
            first_name=person.first_name,
            last_name=person.last_name,
            password=PASSWORD,
        )
        person.user.groups.add(*roles)
        person.client.force_login(person.user)
        for build in (_account_rows, _comment_rows, _reader_rows, _moderation_rows, _staff_rows):
            for label, row in build(person, world).items():
                rows.setdefault(label, []).append(row)
    world["rows"] = {label: tuple(pair) for label, pair in rows.items()}
    return world


def field_of(label: str):
    """The model field a registry key ("app_label.Model.field") names."""
    app_label, model_name, field_name = label.split(".")
    return apps.get_model(app_label, model_name)._meta.get_field(field_name)
