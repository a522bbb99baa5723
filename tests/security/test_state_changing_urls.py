"""Every state-changing URL of the site, swept as one table: GET changes nothing, a POST
without a CSRF token is refused, a POST by someone without the right is refused (including
acting on other people's ids), and no `next` parameter sends a browser off the site."""

import json
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from urllib.parse import urlencode, urlsplit

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from articles.models import Article, ArticleUpdate
from articles.services import article_schedule, update_publish
from comments.models import Comment, CommentStatus
from comments.owner import COMMENTER_COOKIE
from comments.services import Poster, comment_submit
from comments.services.picks import comment_pick
from core.roles import AUTHORS_GROUP, MODERATORS_GROUP
from moderation import services as moderation
from moderation.models import Ban, CommenterNote, Report, Webhook
from moderation.services import comment_transition
from readers.models import AuthorDigestChoice, ConfirmedAddress, Follow
from readers.services import follow_start
from readers.tokens import token_make
from tests.conftest import form_data, manage_link_followed
from tests.support import article_state

S = CommentStatus
pytestmark = pytest.mark.django_db

PASSWORD = "a-long-passphrase"  # make_user's default
NEW_PASSWORD = "a-brand-new-passphrase"
VICTIM_EMAIL = "victim@example.com"
INTRUDER_EMAIL = "intruder@example.com"
READER_EMAIL = "reader@example.com"
READER_SECOND_EMAIL = "reader-old@example.com"
ARTICLE_FORM = {
    "title": "Rewritten title",
    "standfirst": "Rewritten standfirst.",
    "body": "## Rewritten\n\nRewritten body.",
    "comments_open": "on",
    "comments_close_after_days": "",
}

# How a refused POST may answer. Whatever the answer, the watched state must not change.
FORBIDDEN = 403
NOT_FOUND = 404
LOGIN = "login redirect"
OWN_ONLY = "acts on the sender's own data only"


# ---------------------------------------------------------------------------
# The people and things the sweep acts on, made only when a case needs them
# ---------------------------------------------------------------------------
class World:
    def __init__(self, make_user, make_article, post):
        self._make_user = make_user
        self._make_article = make_article
        self._post = post

    def _verified(self, username: str, email: str, **extra):
        user = self._make_user(username, email=email, **extra)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    @cached_property
    def reader(self):
        user = self._verified("reader", READER_EMAIL)
        EmailAddress.objects.create(user=user, email=READER_SECOND_EMAIL, verified=False)
        return user

    @cached_property
    def other_reader(self):
        return self._verified("other-reader", "other-reader@example.com")

    @cached_property
    def author(self):
        return self._make_user("author", groups=[AUTHORS_GROUP])

    @cached_property
    def other_author(self):
        return self._make_user("other-author", groups=[AUTHORS_GROUP])

    @cached_property
    def moderator(self):
        return self._make_user("moderator", groups=[MODERATORS_GROUP])

    @cached_property
    def passwordless(self):
        user = self._make_user("passwordless")
        user.set_unusable_password()
        user.save(update_fields=["password"])
        return user

    @cached_property
    def draft(self) -> Article:
        return self._make_article(title="A draft", publish=False, authors=[self.author])

    @cached_property
    def published(self) -> Article:
        return self._make_article(title="A published piece", authors=[self.author])

    @cached_property
    def scheduled(self) -> Article:
        article = self._make_article(
            title="A scheduled piece", publish=False, authors=[self.author]
        )
        return article_schedule(article=article, when=timezone.now() + timedelta(days=1))

    @cached_property
    def update(self) -> ArticleUpdate:
        return update_publish(article=self.published, author=self.author, body="An update.")

    @cached_property
    def reader_comment(self) -> Comment:
        """A comment the reader's account posted a moment ago (still editable)."""
        return self._post(
            self.published,
            "The reader's words",
            name="Reader",
            user=self.reader,
            email=READER_EMAIL,
        )

    @cached_property
    def guest_comment(self) -> Comment:
        """A comment a guest posted with VICTIM_EMAIL a moment ago (still editable)."""
        return self._post(self.published, "The guest's words", name="Victim", email=VICTIM_EMAIL)

    @cached_property
    def held_comment(self) -> Comment:
        comment = comment_submit(
            article=self.published,
            poster=Poster(name="Spammer", email="spammer@example.com"),
            text="Cheap watches",
            ip_address="203.0.113.7",
        )
        comment_transition(comment_id=comment.pk, to_status=S.HELD, actor_label="test")
        return comment

    @cached_property
    def decision(self) -> tuple[Comment, int]:
        """A held comment a moderator has just marked spam, and the id of that decision."""
        comment = self._post(self.published, "Judged words", status=S.HELD)
        [event_id] = moderation.comments_moderate(
            comment_ids=[comment.pk], action="spam", actor=self.moderator
        )
        return comment, event_id

    @cached_property
    def ban(self) -> Ban:
        return moderation.ban_create(
            kind=Ban.Kind.IP, value="203.0.113.9", actor=self.moderator, reason="Spam run"
        )

    @cached_property
    def reader_follow(self) -> Follow:
        follow_start(article=self.published, user=self.reader)
        return Follow.objects.get(article=self.published, user=self.reader)

    def ensure(self, *names: str) -> None:
        """Make these things now (a request may need them to exist first)."""
        for name in names:
            getattr(self, name)

    def client_for(self, role: str, *, enforce_csrf_checks: bool = False) -> Client:
        """A browser for `role`: anonymous, a guest holding a manage link, or an account."""
        client = Client(enforce_csrf_checks=enforce_csrf_checks)
        if role in ("guest", "other_guest"):
            if role == "guest":
                self.ensure("guest_comment")  # posted before its owner asks to manage it
            email = VICTIM_EMAIL if role == "guest" else INTRUDER_EMAIL
            assert manage_link_followed(client, email).status_code == 302
        elif role != "anonymous":
            client.force_login(getattr(self, role))
        return client


def altered(token: str) -> str:
    """The token with its last signature character changed."""
    return token[:-1] + ("B" if token.endswith("A") else "A")


@contextmanager
def csrf_checks_off(client: Client):
    """Earlier steps of a flow, which a real browser sends with its CSRF token."""
    saved = client.handler.enforce_csrf_checks
    client.handler.enforce_csrf_checks = False
    try:
        yield client
    finally:
        client.handler.enforce_csrf_checks = saved


@pytest.fixture
def world(make_user, make_article, post) -> World:
    return World(make_user, make_article, post)


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Send a request, running what its transaction schedules on commit (mail, tasks)."""

    def go(client: Client, method: str, url: str, data: dict | None = None):
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(client, method)(url, data or {})

    return go


# ---------------------------------------------------------------------------
# What the cases watch
# ---------------------------------------------------------------------------
def comment_state(comment: Comment) -> tuple:
    return Comment.objects.filter(pk=comment.pk).values_list("status", "comment").get()


def password_hash(user) -> str:
    return get_user_model().objects.values_list("password", flat=True).get(pk=user.pk)


def addresses(user) -> set[tuple]:
    return set(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary"))


def signed_in_as(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def reauthentications(client: Client) -> int:
    return len(client.session.get("account_authentication_methods", []))


def mails_sent(*_) -> int:
    return len(mail.outbox)


# ---------------------------------------------------------------------------
# Requests that need earlier steps of their flow
# ---------------------------------------------------------------------------
def reset_from_key(w: World, client: Client) -> tuple[str, dict]:
    """The emailed reset link stores its key in the session and redirects to the form."""
    key = default_token_generator.make_token(w.reader)
    link = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(w.reader), "key": key},
    )
    with csrf_checks_off(client):
        form_url = client.get(link)["Location"]
    return form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}


def confirm_reauthentication_code(w: World, client: Client) -> tuple[str, dict]:
    """Ask for a code by email first; post the code this browser was sent."""
    w.ensure("reader")
    with csrf_checks_off(client):
        client.post(reverse("account_request_reauthentication_code"), {"recipient": READER_EMAIL})
    codes = re.findall(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", "".join(m.body for m in mail.outbox), re.M)
    return reverse("account_confirm_reauthentication_code"), {"code": (codes or ["NONE-SENT"])[-1]}


def delete_all_after(comment: str):
    """Delete-all, once `comment` exists among the comments somebody could delete."""

    def request(w: World, _client: Client) -> tuple[str, dict]:
        w.ensure(comment)
        return reverse("readers:my_comments_delete_all"), {"confirm": "on"}

    return request


def manage_link_request(w: World, _client: Client) -> tuple[str, dict]:
    w.ensure("guest_comment")  # a link is only sent to an address that has comments
    return reverse("readers:manage_request"), {"email": VICTIM_EMAIL}


def picked_first(w: World, _client: Client) -> tuple[str, dict]:
    """Unpick the reader's comment, once the article's author has picked it."""
    comment_pick(comment_id=w.reader_comment.pk, picker=w.author)
    return reverse("comments:unpick", args=[w.reader_comment.pk]), {}


def details_saved_first(w: World, client: Client) -> tuple[str, dict]:
    """Forget the commenter details this browser saved (given it some first)."""
    signer = signing.get_cookie_signer(salt=f"{COMMENTER_COOKIE}parley.{COMMENTER_COOKIE}")
    client.cookies[COMMENTER_COOKIE] = signer.sign(json.dumps({"name": "Saved Sam"}))
    return reverse("comments:details_forget"), {**form_data(w.published), "forget_details": "1"}


def details_saved(client: Client) -> bool:
    cookie = client.cookies.get(COMMENTER_COOKIE)
    return bool(cookie and cookie.value)


def picked_at(comment: Comment):
    return Comment.objects.filter(pk=comment.pk).values_list("picked_at", flat=True).get()


def note_make() -> CommenterNote:
    """A moderator's note on some commenter, to be deleted."""
    return CommenterNote.objects.create(subject_key="user:1", text="A note", author_label="m")


def webhook_make() -> Webhook:
    """A webhook, to be switched off or deleted."""
    return Webhook.objects.create(url="https://93.184.215.14/hook")


def confirm_email(w: World, _client: Client) -> tuple[str, dict]:
    address = EmailAddress.objects.get(user=w.reader, email=READER_SECOND_EMAIL)
    confirmation = EmailConfirmation.create(address)
    confirmation.sent = timezone.now()
    confirmation.save()
    return reverse("account_confirm_email", args=[confirmation.key]), {}


# ---------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """One state-changing URL: how to ask it, who may, what it changes, who is refused."""

    name: str  # the URL pattern's name, as reverse() knows it
    request: Callable[[World, Client], tuple[str, dict]]  # (url, POST data)
    allowed: str  # a role whose POST does change the watched state
    watch: Callable[[World, Client], object]
    refused: dict[str, int | str] = field(default_factory=dict)  # role -> how it is refused
    variant: str = ""
    csrf_exempt: bool = False  # token-authorised one-click POST (RFC 8058), by design
    acts: bool = True  # False: the feature is switched off, so even the allowed POST is a no-op

    @property
    def id(self) -> str:
        return f"{self.name}[{self.variant}]" if self.variant else self.name


MODERATOR_ONLY = {"anonymous": LOGIN, "reader": FORBIDDEN, "author": FORBIDDEN}
AUTHOR_ONLY = {
    "anonymous": LOGIN,
    "reader": FORBIDDEN,
    "moderator": FORBIDDEN,
    "other_author": FORBIDDEN,
}
ACCOUNT_ONLY = {"anonymous": LOGIN}

CASES = [
    # -- comments ------------------------------------------------------------------------
    Case(
        "comments:post",
        lambda w, c: (reverse("comments:post"), form_data(w.published)),
        allowed="anonymous",
        watch=lambda w, c: Comment.objects.filter(article=w.published).count(),
    ),
    Case(
        # Acts on the sender's own browser only: nobody else's details are in its cookies.
        "comments:details_forget",
        details_saved_first,
        allowed="anonymous",
        watch=lambda w, c: details_saved(c),
    ),
    Case(
        "comments:pick",
        lambda w, c: (reverse("comments:pick", args=[w.guest_comment.pk]), {}),
        allowed="author",
        watch=lambda w, c: picked_at(w.guest_comment),
        refused={"anonymous": LOGIN, "reader": FORBIDDEN, "other_author": FORBIDDEN},
    ),
    Case(
        "comments:unpick",
        picked_first,
        allowed="moderator",
        watch=lambda w, c: picked_at(w.reader_comment),
        refused={"anonymous": LOGIN, "reader": FORBIDDEN, "other_author": FORBIDDEN},
    ),
    Case(
        "comments:vote",
        lambda w, c: (reverse("comments:vote", args=[w.reader_comment.pk]), {"value": "up"}),
        allowed="anonymous",
        watch=lambda w, c: Comment.objects.values_list("upvotes", flat=True).get(
            pk=w.reader_comment.pk
        ),
        refused={"reader": FORBIDDEN},  # their own comment
    ),
    # -- readers -------------------------------------------------------------------------
    Case(
        "readers:follow",
        lambda w, c: (reverse("readers:follow", args=[w.published.slug]), {}),
        allowed="reader",
        watch=lambda w, c: Follow.objects.filter(article=w.published).count(),
    ),
    Case(
        "readers:unfollow",
        lambda w, c: (reverse("readers:unfollow", args=[w.reader_follow.article.slug]), {}),
        allowed="reader",
        watch=lambda w, c: Follow.objects.filter(pk=w.reader_follow.pk).exists(),
        refused={"anonymous": FORBIDDEN, "other_reader": OWN_ONLY},
    ),
    Case(
        "readers:unsubscribe",
        lambda w, c: (
            reverse(
                "readers:unsubscribe", args=[token_make("unsubscribe", follow=w.reader_follow.pk)]
            ),
            {},
        ),
        allowed="anonymous",
        watch=lambda w, c: Follow.objects.filter(pk=w.reader_follow.pk).exists(),
        csrf_exempt=True,
    ),
    Case(
        "readers:unsubscribe",
        lambda w, c: (
            reverse(
                "readers:unsubscribe", args=[token_make("unsubscribe", author_digest=w.author.pk)]
            ),
            {},
        ),
        variant="author digest",
        allowed="anonymous",
        watch=lambda w, c: list(
            AuthorDigestChoice.objects.filter(user=w.author).values_list("wanted", flat=True)
        ),
        csrf_exempt=True,
    ),
    Case(
        "readers:comment_edit",
        lambda w, c: (
            reverse("readers:comment_edit", args=[w.reader_comment.pk]),
            {"comment": "Hijacked words"},
        ),
        variant="account's comment",
        allowed="reader",
        watch=lambda w, c: comment_state(w.reader_comment),
        refused={
            "anonymous": FORBIDDEN,
            "other_reader": FORBIDDEN,
            "author": FORBIDDEN,
            "moderator": FORBIDDEN,
        },
    ),
    Case(
        "readers:comment_edit",
        lambda w, c: (
            reverse("readers:comment_edit", args=[w.guest_comment.pk]),
            {"comment": "Hijacked words"},
        ),
        variant="guest's comment",
        allowed="guest",
        watch=lambda w, c: comment_state(w.guest_comment),
        refused={"anonymous": FORBIDDEN, "other_guest": FORBIDDEN, "reader": FORBIDDEN},
    ),
    Case(
        "readers:comment_delete",
        lambda w, c: (reverse("readers:comment_delete", args=[w.reader_comment.pk]), {}),
        variant="account's comment",
        allowed="reader",
        watch=lambda w, c: comment_state(w.reader_comment),
        refused={
            "anonymous": FORBIDDEN,
            "other_reader": FORBIDDEN,
            "author": FORBIDDEN,
            "moderator": FORBIDDEN,
        },
    ),
    Case(
        "readers:comment_delete",
        lambda w, c: (reverse("readers:comment_delete", args=[w.guest_comment.pk]), {}),
        variant="guest's comment",
        allowed="guest",
        watch=lambda w, c: comment_state(w.guest_comment),
        refused={"anonymous": FORBIDDEN, "other_guest": FORBIDDEN, "reader": FORBIDDEN},
    ),
    Case(
        "readers:my_comments_delete_all",
        delete_all_after("reader_comment"),
        variant="account's comments",
        allowed="reader",
        watch=lambda w, c: comment_state(w.reader_comment),
        refused={"anonymous": NOT_FOUND, "other_reader": OWN_ONLY},
    ),
    Case(
        "readers:my_comments_delete_all",
        delete_all_after("guest_comment"),
        variant="guest's comments",
        allowed="guest",
        watch=lambda w, c: comment_state(w.guest_comment),
        refused={"anonymous": NOT_FOUND, "other_guest": OWN_ONLY, "reader": OWN_ONLY},
    ),
    Case(
        "readers:data_delete",
        lambda w, c: (reverse("readers:data_delete"), {"confirm": "on", "password": PASSWORD}),
        variant="account",
        allowed="reader",
        watch=lambda w, c: get_user_model().objects.filter(pk=w.reader.pk).exists(),
        refused={"anonymous": LOGIN, "other_reader": OWN_ONLY},
    ),
    Case(
        "readers:data_delete",
        lambda w, c: (reverse("readers:data_delete"), {"confirm": "on"}),
        variant="guest's address",
        allowed="guest",
        watch=lambda w, c: comment_state(w.guest_comment),
        refused={"anonymous": LOGIN, "other_guest": OWN_ONLY, "reader": OWN_ONLY},
    ),
    Case(
        "readers:manage_request",
        manage_link_request,
        allowed="anonymous",
        watch=mails_sent,
    ),
    # -- moderation ----------------------------------------------------------------------
    Case(
        "moderation:act",
        lambda w, c: (reverse("moderation:act"), {"item_action": f"approve:{w.held_comment.pk}"}),
        variant="one comment",
        allowed="moderator",
        watch=lambda w, c: comment_state(w.held_comment),
        refused=MODERATOR_ONLY,
    ),
    Case(
        "moderation:act",
        lambda w, c: (
            reverse("moderation:act"),
            {"action": "remove", "ids": [w.held_comment.pk, w.guest_comment.pk]},
        ),
        variant="bulk",
        allowed="moderator",
        watch=lambda w, c: (comment_state(w.held_comment), comment_state(w.guest_comment)),
        refused=MODERATOR_ONLY,
    ),
    Case(
        "moderation:undo",
        lambda w, c: (reverse("moderation:undo"), {"events": [w.decision[1]]}),
        allowed="moderator",
        watch=lambda w, c: comment_state(w.decision[0]),
        refused=MODERATOR_ONLY,
    ),
    Case(
        "moderation:report",
        lambda w, c: (reverse("moderation:report", args=[w.guest_comment.pk]), {"reason": "spam"}),
        allowed="reader",
        watch=lambda w, c: Report.objects.count(),
    ),
    Case(
        "moderation:ban",
        lambda w, c: (
            reverse("moderation:ban", args=[w.held_comment.pk]),
            {"ban_ip": "on", "ban_email": "on", "reason": "Spam run", "duration": "7"},
        ),
        allowed="moderator",
        watch=lambda w, c: Ban.objects.count(),
        refused=MODERATOR_ONLY,
    ),
    Case(
        "moderation:ban_lift",
        lambda w, c: (reverse("moderation:ban_lift", args=[w.ban.pk]), {}),
        allowed="moderator",
        watch=lambda w, c: Ban.objects.values_list("lifted_at", flat=True).get(pk=w.ban.pk),
        refused=MODERATOR_ONLY,
    ),
    Case(
        "moderation:inplace",
        lambda w, c: (
            reverse("moderation:inplace", args=[w.held_comment.pk]),
            {"action": "approve", "next": w.published.get_absolute_url()},
        ),
        allowed="moderator",
        watch=lambda w, c: comment_state(w.held_comment),
        # The article's own author too: authors moderate only where the rules allow it.
        refused=MODERATOR_ONLY,
    ),
    Case(
        "moderation:commenter",
        lambda w, c: (
            reverse("moderation:commenter", args=[w.held_comment.pk]),
            {f"note-{w.held_comment.pk}-text": "Sells watches"},
        ),
        allowed="moderator",
        watch=lambda w, c: CommenterNote.objects.count(),
        refused=MODERATOR_ONLY,
    ),
    Case(
        # The queue's "Ban author…": it keeps the notes typed in the queue's items, then
        # opens the ban page.
        "moderation:ban_open",
        lambda w, c: (
            reverse("moderation:ban_open", args=[w.held_comment.pk]),
            {f"note-{w.held_comment.pk}-text": "Sells watches"},
        ),
        allowed="moderator",
        watch=lambda w, c: CommenterNote.objects.count(),
        refused=MODERATOR_ONLY,
    ),
    Case(
        "moderation:note_delete",
        lambda w, c: (reverse("moderation:note_delete", args=[note_make().pk]), {}),
        allowed="moderator",
        watch=lambda w, c: CommenterNote.objects.count(),
        refused=MODERATOR_ONLY,
    ),
    Case(
        "moderation:webhooks",
        lambda w, c: (
            reverse("moderation:webhooks"),
            # A public address written as one: adding it needs no DNS.
            {"url": "https://93.184.215.14/hook", "events": ["held"], "active": "on"},
        ),
        allowed="moderator",
        watch=lambda w, c: Webhook.objects.count(),
        refused=MODERATOR_ONLY,
    ),
    Case(
        "moderation:webhook_switch",
        lambda w, c: (
            reverse("moderation:webhook_switch", args=[webhook_make().pk]),
            {"active": "0"},
        ),
        allowed="moderator",
        watch=lambda w, c: list(Webhook.objects.values_list("active", flat=True)),
        refused=MODERATOR_ONLY,
    ),
    Case(
        "moderation:webhook_delete",
        lambda w, c: (reverse("moderation:webhook_delete", args=[webhook_make().pk]), {}),
        allowed="moderator",
        watch=lambda w, c: Webhook.objects.count(),
        refused=MODERATOR_ONLY,
    ),
    # -- the author area -----------------------------------------------------------------
    Case(
        "readers:author_digest",
        lambda w, c: (reverse("readers:author_digest"), {"wanted": "0"}),
        allowed="author",
        watch=lambda w, c: list(
            AuthorDigestChoice.objects.filter(user=w.author).values_list("wanted", flat=True)
        ),
        refused={
            "anonymous": LOGIN,
            "reader": FORBIDDEN,
            "moderator": FORBIDDEN,
            "other_author": OWN_ONLY,
        },
    ),
    Case(
        "articles:author_new",
        lambda w, c: (reverse("articles:author_new"), ARTICLE_FORM),
        allowed="author",
        watch=lambda w, c: Article.objects.count(),
        refused={"anonymous": LOGIN, "reader": FORBIDDEN, "moderator": FORBIDDEN},
    ),
    Case(
        "articles:author_edit",
        lambda w, c: (reverse("articles:author_edit", args=[w.draft.pk]), ARTICLE_FORM),
        variant="draft",
        allowed="author",
        watch=lambda w, c: article_state(w.draft),
        refused=AUTHOR_ONLY,
    ),
    Case(
        "articles:author_edit",
        lambda w, c: (reverse("articles:author_edit", args=[w.published.pk]), ARTICLE_FORM),
        variant="published",
        allowed="author",
        watch=lambda w, c: article_state(w.published),
        refused=AUTHOR_ONLY,
    ),
    Case(
        "articles:author_publish",
        lambda w, c: (reverse("articles:author_publish", args=[w.draft.pk]), {}),
        allowed="author",
        watch=lambda w, c: article_state(w.draft),
        refused=AUTHOR_ONLY,
    ),
    Case(
        "articles:author_comments",
        lambda w, c: (
            reverse("articles:author_comments", args=[w.published.pk]),
            {"action": "close"},
        ),
        allowed="author",
        watch=lambda w, c: article_state(w.published),
        refused=AUTHOR_ONLY,
    ),
    Case(
        "articles:update_new",
        lambda w, c: (
            reverse("articles:update_new", args=[w.published.slug]),
            {"body": "A correction."},
        ),
        allowed="author",
        watch=lambda w, c: article_state(w.published),
        refused=AUTHOR_ONLY,
    ),
    Case(
        "articles:author_schedule",
        lambda w, c: (
            reverse("articles:author_schedule", args=[w.draft.pk]),
            {"publish_at": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")},
        ),
        allowed="author",
        watch=lambda w, c: article_state(w.draft),
        refused=AUTHOR_ONLY,
    ),
    Case(
        "articles:author_unschedule",
        lambda w, c: (reverse("articles:author_unschedule", args=[w.scheduled.pk]), {}),
        allowed="author",
        watch=lambda w, c: article_state(w.scheduled),
        refused=AUTHOR_ONLY,
    ),
    Case(
        "articles:update_edit",
        lambda w, c: (
            reverse("articles:update_edit", args=[w.published.slug, w.update.pk]),
            {"body": "A correction.", "notify_followers": "on"},
        ),
        allowed="author",
        watch=lambda w, c: ArticleUpdate.objects.filter(pk=w.update.pk).values().get(),
        refused=AUTHOR_ONLY,
    ),
    Case(
        "articles:update_withdraw",
        lambda w, c: (
            reverse("articles:update_withdraw", args=[w.published.slug, w.update.pk]),
            {},
        ),
        allowed="author",
        watch=lambda w, c: ArticleUpdate.objects.filter(pk=w.update.pk).values().get(),
        refused=AUTHOR_ONLY,
    ),
    # -- accounts (allauth) --------------------------------------------------------------
    Case(
        "account_login",
        lambda w, c: (reverse("account_login"), {"login": w.reader.username, "password": PASSWORD}),
        allowed="anonymous",
        watch=lambda w, c: signed_in_as(c),
    ),
    Case(
        "account_logout",
        lambda w, c: (reverse("account_logout"), {}),
        allowed="reader",
        watch=lambda w, c: signed_in_as(c),
    ),
    Case(
        "account_signup",
        lambda w, c: (
            reverse("account_signup"),
            {"username": "newcomer", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        ),
        allowed="anonymous",
        watch=lambda w, c: get_user_model().objects.filter(username="newcomer").exists(),
    ),
    Case(
        "account_change_password",
        lambda w, c: (
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        ),
        allowed="reader",
        watch=lambda w, c: password_hash(w.reader),
        refused=ACCOUNT_ONLY,
    ),
    Case(
        "readers:account_name",
        lambda w, c: (reverse("readers:account_name"), {"first_name": "Renamed", "last_name": ""}),
        allowed="reader",
        watch=lambda w, c: get_user_model().objects.get(pk=w.reader.pk).first_name,
        refused=ACCOUNT_ONLY,
    ),
    Case(
        "account_set_password",
        lambda w, c: (
            reverse("account_set_password"),
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        ),
        allowed="passwordless",
        watch=lambda w, c: password_hash(w.passwordless),
        refused=ACCOUNT_ONLY,
    ),
    Case(
        "account_reset_password",
        lambda w, c: (reverse("account_reset_password"), {"email": w.reader.email}),
        allowed="anonymous",
        watch=mails_sent,
    ),
    Case(
        "account_reset_password_from_key",
        reset_from_key,
        allowed="anonymous",
        watch=lambda w, c: password_hash(w.reader),
    ),
    Case(
        "account_email",
        lambda w, c: (reverse("account_email"), {"action_add": "", "email": "added@example.com"}),
        variant="add",
        allowed="reader",
        watch=lambda w, c: addresses(w.reader),
        refused=ACCOUNT_ONLY,
    ),
    Case(
        "account_email",
        lambda w, c: (
            reverse("account_email"),
            {"action_remove": "", "email": READER_SECOND_EMAIL},
        ),
        variant="remove",
        allowed="reader",
        watch=lambda w, c: addresses(w.reader),
        refused={"anonymous": LOGIN, "other_reader": OWN_ONLY},
    ),
    Case(
        "account_email",
        lambda w, c: (
            reverse("account_email"),
            {"action_primary": "", "email": READER_SECOND_EMAIL},
        ),
        variant="make primary",
        allowed="reader",
        watch=lambda w, c: addresses(w.reader),
        refused={"anonymous": LOGIN, "other_reader": OWN_ONLY},
        acts=False,  # allauth refuses to make an unverified address primary
    ),
    Case(
        "account_confirm_email",
        confirm_email,
        allowed="anonymous",
        watch=lambda w, c: addresses(w.reader),
    ),
    Case(
        "account_reauthenticate",
        lambda w, c: (reverse("account_reauthenticate"), {"password": PASSWORD}),
        allowed="reader",
        watch=lambda w, c: reauthentications(c),
        refused=ACCOUNT_ONLY,
    ),
    Case(
        "account_request_reauthentication_code",
        lambda w, c: (
            reverse("account_request_reauthentication_code"),
            {"recipient": w.reader.email},
        ),
        allowed="reader",
        watch=mails_sent,
        refused=ACCOUNT_ONLY,
    ),
    Case(
        "account_confirm_reauthentication_code",
        confirm_reauthentication_code,
        allowed="reader",
        watch=lambda w, c: reauthentications(c),
        refused=ACCOUNT_ONLY,
    ),
    Case(
        "account_confirm_login_code",
        lambda w, c: (reverse("account_confirm_login_code"), {"code": "ABCD-EFGH"}),
        allowed="anonymous",
        watch=lambda w, c: signed_in_as(c),
        acts=False,  # ACCOUNT_LOGIN_BY_CODE_ENABLED is off
    ),
]

# URLs that only read. Admin URLs are Django's own and out of this sweep.
READ_ONLY = {
    "feed_articles_rss",
    "feed_articles_atom",
    "feed_updates_rss",
    "feed_updates_atom",
    "feed_comments_rss",
    "feed_comments_atom",
    "articles:list",
    "articles:detail",
    "articles:csrf",
    "articles:author_dashboard",
    "articles:author_preview",
    "comments:permalink",
    "comments:status",
    "comments:fragment",
    "comments:order",
    "comments:live",
    "moderation:queue",
    "moderation:tab",
    "moderation:log",
    "moderation:bans",
    "moderation:scorer",
    "moderation:search",
    "readers:my_comments",
    "readers:my_comments_export",
    "readers:data",
    "readers:data_export",
    "account_inactive",
    "account_email_verification_sent",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
}
# Emailed links that act on GET by design: the signed token is the authority. They are
# tested below to act only with a genuine token made for them.
TOKEN_LINKS = {"readers:follow_confirm", "readers:reply_confirm", "readers:manage_enter"}
OWN_NAMESPACES = {"articles", "comments", "moderation", "readers"}
OWN_MODULES = ("articles.", "comments.", "moderation.", "readers.", "allauth.account.")


def ids(cases) -> list:
    return [pytest.param(case, id=case.id) for case in cases]


REFUSALS = [
    pytest.param(case, role, outcome, id=f"{case.id}-{role}")
    for case in CASES
    for role, outcome in case.refused.items()
]


def assert_refused(response, outcome) -> None:
    if outcome == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif outcome == OWN_ONLY:
        assert response.status_code in (200, 302, 400)
    else:
        assert response.status_code == outcome


# ---------------------------------------------------------------------------
# The sweep
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("case", ids(CASES))
def test_get_changes_nothing(world, send, case):
    """A GET, even by someone allowed to act, answers 405 or a page and changes nothing."""
    client = world.client_for(case.allowed)
    url, _ = case.request(world, client)
    before = case.watch(world, client)
    response = send(client, "get", url)
    assert response.status_code in (200, 302, 405)
    assert case.watch(world, client) == before


@pytest.mark.parametrize("case", ids(c for c in CASES if not c.csrf_exempt))
def test_post_without_csrf_token_is_refused(world, send, case):
    """A POST without the CSRF token, from someone allowed to act, gets 403 and changes nothing."""
    client = world.client_for(case.allowed, enforce_csrf_checks=True)
    url, data = case.request(world, client)
    before = case.watch(world, client)
    response = send(client, "post", url, data)
    assert response.status_code == 403
    assert case.watch(world, client) == before


@pytest.mark.parametrize("case", ids(c for c in CASES if c.acts))
def test_the_allowed_post_does_change_state(world, send, case):
    """With its token, the allowed user's POST does change the watched state (a live watch)."""
    client = world.client_for(case.allowed)
    url, data = case.request(world, client)
    before = case.watch(world, client)
    response = send(client, "post", url, data)
    assert response.status_code in (200, 302)
    assert case.watch(world, client) != before


@pytest.mark.parametrize(("case", "role", "outcome"), REFUSALS)
def test_post_without_the_right_is_refused(world, send, case, role, outcome):
    """Someone without the right, even naming another person's ids, is refused; nothing changes."""
    client = world.client_for(role)
    url, data = case.request(world, client)
    before = case.watch(world, world.client_for(case.allowed))
    response = send(client, "post", url, data)
    assert_refused(response, outcome)
    assert case.watch(world, world.client_for(case.allowed)) == before


def test_unsubscribe_accepts_one_click_post_without_csrf(world, send):
    """RFC 8058 one-click: unsubscribe works without CSRF, but only with its own genuine token."""
    follow = world.reader_follow
    client = Client(enforce_csrf_checks=True)
    for token in (
        altered(token_make("unsubscribe", follow=follow.pk)),
        token_make("follow_confirm", follow=follow.pk),
        token_make("manage", follow=follow.pk),
    ):
        response = send(client, "post", reverse("readers:unsubscribe", args=[token]))
        assert response.status_code == 400
        assert Follow.objects.filter(pk=follow.pk).exists()
    genuine = reverse("readers:unsubscribe", args=[token_make("unsubscribe", follow=follow.pk)])
    assert send(client, "post", genuine).status_code == 200
    assert not Follow.objects.filter(pk=follow.pk).exists()


def test_confirmation_links_act_only_with_their_own_genuine_token(world, send):
    """Confirm and manage links refuse altered and other-purpose tokens, and change nothing."""
    follow = Follow.objects.create(article=world.published, email=VICTIM_EMAIL)
    world.ensure("guest_comment")  # what a manage link would expose
    wrong_tokens = {
        "readers:follow_confirm": [
            token_make("unsubscribe", follow=follow.pk),
            altered(token_make("follow_confirm", follow=follow.pk)),
        ],
        "readers:reply_confirm": [
            token_make("manage", email=VICTIM_EMAIL),
            altered(token_make("reply_confirm", email=VICTIM_EMAIL)),
        ],
        "readers:manage_enter": [
            token_make("reply_confirm", email=VICTIM_EMAIL),
            altered(token_make("manage", email=VICTIM_EMAIL)),
        ],
    }
    client = Client()
    for name, tokens in wrong_tokens.items():
        for token in tokens:
            assert send(client, "get", reverse(name, args=[token])).status_code == 400
    follow.refresh_from_db()
    assert follow.confirmed_at is None
    assert not ConfirmedAddress.objects.exists()
    assert send(client, "get", reverse("readers:my_comments"))["Location"] == reverse(
        "readers:manage_request"
    )


def site_url_names() -> set[str]:
    """Names of the URL patterns of Parley's apps, its feeds and allauth's account views."""
    names = set()

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
                continue
            module = getattr(entry.callback, "__module__", "") or ""
            if namespace in OWN_NAMESPACES:
                names.add(f"{namespace}:{entry.name}")
            elif namespace is None and module.startswith(OWN_MODULES):
                names.add(entry.name or f"<unnamed {entry.pattern}>")

    walk(get_resolver().url_patterns, None)
    return names


def test_every_url_is_either_in_the_sweep_or_read_only():
    """A new URL must join the sweep table, or be declared read-only or a token link."""
    swept = {case.name for case in CASES}
    declared = swept | READ_ONLY | TOKEN_LINKS
    found = site_url_names()
    assert found - declared == set(), "new URLs: add them to CASES or READ_ONLY"
    assert declared - found == set(), "stale names in the table"
    assert swept.isdisjoint(READ_ONLY | TOKEN_LINKS)


# ---------------------------------------------------------------------------
# `next` never leads off the site
# ---------------------------------------------------------------------------
OFF_SITE_TARGETS = [
    "https://evil.example",
    "http://evil.example/path?x=1",
    "//evil.example",
    "///evil.example",
    "////evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "\\/\\/evil.example",
    "https:evil.example",
    "https:/evil.example",
    "http:/evil.example",
    "http:\\\\evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "HTTPS://EVIL.EXAMPLE",
    "HtTp://evil.example",
    "http://testserver@evil.example",
    "http://testserver:80@evil.example/",
    "http://evil.example\\@testserver/",
    "http://testserver.evil.example/",
    "https://evil.example#@testserver",
    "https://evil.example?@testserver",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "/%09/evil.example",
    "/\t/evil.example",
    "/\r\n/evil.example",
    " //evil.example",
    "\t//evil.example",
    "\n//evil.example",
    " https://evil.example",
    "\u3000//evil.example",
    "\x00//evil.example",
    "http://localhost.evil.example/",
    "http://127.0.0.1.evil.example/",
    "/ok\r\nSet-Cookie: injected=1",
]
BROWSER_IGNORED = re.compile(r"[\t\n\r]")
LEADING_JUNK = "".join(map(chr, range(0x21)))


def lands_on_site(location: str) -> bool:
    """Whether a browser following this Location from http://testserver/ stays there.

    Browsers drop leading controls and spaces, ignore tabs and newlines anywhere, and read a
    backslash as a slash in http(s) URLs; a scheme without a host is not trusted either.
    """
    cleaned = BROWSER_IGNORED.sub("", location).lstrip(LEADING_JUNK).replace("\\", "/")
    parts = urlsplit(cleaned)
    if parts.scheme:
        return parts.scheme.lower() in ("http", "https") and parts.hostname == "testserver"
    return not parts.netloc and not cleaned.startswith("//")


def test_lands_on_site_judges_like_a_browser():
    """The checker itself: relative paths and testserver pass, every off-site form fails."""
    for good in ("/", "/articles/a/?x=1#c2", "http://testserver/x", "relative/path", "?q=1"):
        assert lands_on_site(good), good
    for bad in (
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\/\\/evil.example",
        " //evil.example",
        "/\t/evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        "http://testserver@evil.example",
        "http://evil.example\\@testserver/",
    ):
        assert not lands_on_site(bad), bad


def login_with_next(world, send, target):
    url = f"{reverse('account_login')}?{urlencode({'next': target})}"
    client = Client()
    send(client, "get", url)
    data = {"login": world.reader.username, "password": PASSWORD, "next": target}
    return send(client, "post", url, data)


def logout_with_next(world, send, target):
    return send(world.client_for("reader"), "post", reverse("account_logout"), {"next": target})


def act_with_next(world, send, target):
    data = {"item_action": f"approve:{world.held_comment.pk}", "next": target}
    return send(world.client_for("moderator"), "post", reverse("moderation:act"), data)


def undo_with_next(world, send, target):
    data = {"events": [world.decision[1]], "next": target}
    return send(world.client_for("moderator"), "post", reverse("moderation:undo"), data)


def ban_with_next(world, send, target):
    data = {"ban_ip": "on", "reason": "Spam run", "duration": "1", "next": target}
    url = reverse("moderation:ban", args=[world.held_comment.pk])
    return send(world.client_for("moderator"), "post", url, data)


NEXT_ENDPOINTS = {
    "login": login_with_next,
    "logout": logout_with_next,
    "moderation-act": act_with_next,
    "moderation-undo": undo_with_next,
    "moderation-ban": ban_with_next,
}


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
@pytest.mark.parametrize("endpoint", NEXT_ENDPOINTS)
def test_next_never_redirects_off_site(world, send, endpoint, target):
    """A hostile `next` is ignored: the redirect stays on the site."""
    response = NEXT_ENDPOINTS[endpoint](world, send, target)
    assert response.status_code == 302
    assert lands_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example"])
def test_login_next_ignores_a_wildcard_allowed_host(world, send, settings, target):
    """Even with ALLOWED_HOSTS = ["*"], login's `next` cannot leave the site."""
    settings.ALLOWED_HOSTS = ["*"]
    response = login_with_next(world, send, target)
    assert response.status_code == 302
    assert lands_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("endpoint", NEXT_ENDPOINTS)
def test_an_on_site_next_is_followed(world, send, endpoint):
    """A local `next` is honoured, so the off-site checks above test a live parameter."""
    response = NEXT_ENDPOINTS[endpoint](world, send, "/moderation/spam/")
    assert response.status_code == 302
    assert response["Location"].startswith("/moderation/spam/")
