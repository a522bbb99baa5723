"""Following articles and being told: exactly who is emailed, and only for published work."""

import re
import time
from unittest import mock

import pytest
from django.core import mail, signing
from django.db import connection
from django.db.models.sql.query import Query
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.services import update_publish
from comments.models import Comment, CommentStatus
from moderation.models import ModerationRules
from moderation.services import comment_transition, comments_moderate
from readers.models import ConfirmedAddress, Follow
from readers.selectors import reply_notice_wanted
from readers.services import comment_published_notify
from readers.tokens import address_digest, token_make
from tests.conftest import form_data

S = CommentStatus
pytestmark = pytest.mark.django_db


def link_in(message, path_part):
    match = re.search(rf"https?://[^/\s]+(/{path_part}/[^\s\"<]+)", message.body)
    assert match, message.body
    return match.group(1)


def follow_as_guest(client, article, email, run_commits):
    with run_commits():
        return client.post(f"/articles/{article.slug}/follow/", {"email": email})


class TestFollowing:
    def test_guest_follow_needs_the_emailed_link(self, client, article, run_commits):
        """A guest's follow is confirmed only through the link mailed to that address."""
        response = follow_as_guest(client, article, "Fan@Example.com", run_commits)
        assert response.status_code == 302
        assert [m.to for m in mail.outbox] == [["fan@example.com"]]
        follow = Follow.objects.get()
        assert follow.confirmed_at is None
        confirm = link_in(mail.outbox[0], "follow/confirm")
        assert "Press the button to confirm." in client.get(confirm).content.decode()
        follow.refresh_from_db()
        assert follow.confirmed_at is None  # opening the link (a mail scanner) does nothing
        posted = client.post(confirm)
        # Post/Redirect/Get: a reload of the page that says so sends nothing again.
        assert posted.status_code == 302 and posted["Location"] == f"{confirm}?done=1"
        follow.refresh_from_db()
        assert follow.confirmed_at is not None
        assert "You are following this article" in client.get(posted["Location"]).content.decode()
        assert client.post(confirm).status_code == 302  # twice is harmless

    def test_the_confirmed_page_says_only_what_is_true(self, client, article):
        """The page a confirmation redirects to says "following" only for a confirmed
        follow, and "address confirmed" only for a confirmed address; else it asks again."""
        follow = Follow.objects.create(article=article, email="fan@example.com")
        follow_link = f"/follow/confirm/{token_make('follow_confirm', follow=follow.pk)}/"
        reply_link = f"/replies/confirm/{token_make('reply_confirm', email='Fan@example.com')}/"
        for link in (follow_link, reply_link):
            assert "Press the button" in client.get(f"{link}?done=1").content.decode()
        for link, said in ((follow_link, "You are following this article"),
                           (reply_link, "Address confirmed")):  # fmt: skip
            posted = client.post(link)
            assert posted.status_code == 302 and posted["Location"] == f"{link}?done=1"
            assert said in client.get(posted["Location"]).content.decode()
        assert ConfirmedAddress.objects.filter(email="fan@example.com").exists()

    def test_an_address_that_is_not_one_comes_back_in_the_form_with_the_error(
        self, client, article
    ):
        """Not a redirect to a page whose top says so, far from the box, with the address
        gone: the follow form again (400), the error above it and what was typed kept."""
        response = client.post(f"/articles/{article.slug}/follow/", {"email": "fan-at-example.com"})
        html = response.content.decode()
        assert response.status_code == 400
        assert "Enter a valid email address to follow this article." in html
        assert 'value="fan-at-example.com"' in html and 'aria-invalid="true"' in html
        assert 'name="csrfmiddlewaretoken"' in html
        assert not Follow.objects.exists() and mail.outbox == []

    def test_what_following_did_is_said_inside_the_follow_box(self, client, article, run_commits):
        """The confirmation lands in the follow box (#follow), not at the top of the page."""
        follow_as_guest(client, article, "fan@example.com", run_commits)
        html = client.get(article.get_absolute_url()).content.decode()
        box = html[html.index('<section id="follow"') :]
        assert 'follow-notice" role="status">Check your inbox' in box[: box.index("</section>")]
        assert "Check your inbox" not in html[: html.index('<section id="follow"')]

    def test_signed_in_reader_with_verified_email_follows_at_once(
        self, client, article, verified_user
    ):
        """A verified account follows with one click, and can unfollow."""
        client.force_login(verified_user("vera", "vera@example.com"))
        client.post(f"/articles/{article.slug}/follow/")
        assert Follow.objects.get().confirmed_at is not None
        assert "Unfollow" in client.get(article.get_absolute_url()).content.decode()
        client.post(f"/articles/{article.slug}/unfollow/")
        assert Follow.objects.count() == 0
        assert len(mail.outbox) == 0

    def test_signed_in_reader_without_verified_email_is_sent_to_add_one(
        self, client, article, make_user
    ):
        """Without a verified address, following asks for one and stores nothing."""
        client.force_login(make_user("noemail"))
        response = client.post(f"/articles/{article.slug}/follow/")
        assert response["Location"] == "/accounts/email/"
        assert Follow.objects.count() == 0

    def test_notify_me_says_an_unconfirmed_account_address_gets_no_email(
        self, client, article, make_user, verified_user
    ):
        """Replies are emailed only to a confirmed address: an account whose address is not
        confirmed is told so under "Notify me", where it would tick the box."""
        hint = "Your email address is not confirmed yet"
        client.force_login(make_user("unsure", email="unsure@example.com"))
        html = client.get(article.get_absolute_url()).content.decode()
        checkbox = html[html.index('name="followup"') :]
        assert hint in checkbox[: checkbox.index("</p>")]
        assert 'aria-describedby="id_followup_helptext"' in html
        client.force_login(verified_user("sure", "sure@example.com"))
        html = client.get(article.get_absolute_url()).content.decode()
        assert 'name="followup"' in html and hint not in html

    def test_a_changed_account_address_takes_the_follows_with_it(
        self, client, article, make_article, author, verified_user, run_commits
    ):
        """An account that makes a new verified address its primary one and removes the old
        gets its articles' updates there, not at the address it removed; a follow the new
        address already had as a guest becomes the account's."""
        from allauth.account.models import EmailAddress

        user = verified_user("mover", "old@example.com")
        client.force_login(user)
        other = make_article()
        Follow.objects.create(article=other, email="new@example.com")  # as a guest, unconfirmed
        client.post(f"/articles/{article.slug}/follow/")
        client.post(f"/articles/{other.slug}/follow/")
        EmailAddress.objects.create(user=user, email="new@example.com", verified=True)
        client.post("/accounts/email/", {"email": "new@example.com", "action_primary": ""})
        client.post("/accounts/email/", {"email": "old@example.com", "action_remove": ""})
        assert not EmailAddress.objects.filter(email="old@example.com").exists()
        follows = Follow.objects.filter(user=user)
        assert sorted(follows.values_list("article_id", "email")) == [
            (article.pk, "new@example.com"),
            (other.pk, "new@example.com"),
        ]
        assert all(f.confirmed_at for f in follows) and Follow.objects.count() == 2
        mail.outbox.clear()
        with run_commits():
            update_publish(article=article, author=author, body="News.")
        assert [m.to for m in mail.outbox] == [["new@example.com"]]

    def test_moving_follows_to_a_new_address_costs_the_same_however_many(
        self, make_article, verified_user
    ):
        """An account following many articles moves them all, and takes over the guest
        follows its new address had, in a fixed number of queries."""
        from allauth.account.models import EmailAddress

        from readers.services import follows_address_sync

        def moved(name, articles):
            user = verified_user(name, f"{name}@old.example")
            for article in articles:
                Follow.objects.create(article=article, user=user, email=f"{name}@old.example")
            Follow.objects.create(article=articles[0], email=f"{name}@new.example")  # a guest's
            EmailAddress.objects.filter(user=user).delete()
            EmailAddress.objects.create(user=user, email=f"{name}@new.example", verified=True,
                                        primary=True)  # fmt: skip
            user.email = f"{name}@new.example"  # as allauth sets it with a new primary
            user.save(update_fields=["email"])
            with CaptureQueriesContext(connection) as queries:
                follows_address_sync(user=user)
            mine = Follow.objects.filter(user=user)
            assert sorted(mine.values_list("article_id", flat=True)) == sorted(
                a.pk for a in articles
            )
            assert set(mine.values_list("email", flat=True)) == {f"{name}@new.example"}
            assert Follow.objects.filter(email=f"{name}@old.example").count() == 0
            return len(queries)

        assert moved("few", [make_article() for _ in range(2)]) == moved(
            "many", [make_article() for _ in range(8)]
        )

    def test_removing_the_only_address_ends_the_follows_and_says_so(
        self, client, article, author, verified_user, run_commits
    ):
        """With no verified address left an account follows nothing, and the page that
        removed the address says so; the removed address is sent no more updates."""
        user = verified_user("leaver", "gone@example.com")
        client.force_login(user)
        client.post(f"/articles/{article.slug}/follow/")
        response = client.post(
            "/accounts/email/", {"email": "gone@example.com", "action_remove": ""}, follow=True
        )
        assert "You no longer follow 1 article" in response.content.decode()
        assert not Follow.objects.exists()
        mail.outbox.clear()
        with run_commits():
            update_publish(article=article, author=author, body="News.")
        assert mail.outbox == []

    def test_confirmation_mails_are_capped_per_address(self, article, make_article, run_commits):
        """Nobody can flood an inbox: at most five confirmation mails an hour per address."""
        for _ in range(8):
            follow_as_guest(Client(), make_article(), "victim@example.com", run_commits)
        assert len(mail.outbox) == 5


class TestUpdateNotifications:
    def test_exactly_the_confirmed_followers_get_the_update(
        self, article, make_article, author, run_commits
    ):
        """Confirmed followers of this article are emailed; unconfirmed and others' are not."""
        Follow.objects.create(
            article=article, email="yes@example.com", confirmed_at="2026-11-01T00:00Z"
        )
        Follow.objects.create(article=article, email="unconfirmed@example.com")
        Follow.objects.create(
            article=make_article(), email="other@example.com", confirmed_at="2026-11-01T00:00Z"
        )
        with run_commits():
            update = update_publish(article=article, author=author, body="The **new** figures.")
        assert [m.to for m in mail.outbox] == [["yes@example.com"]]
        message = mail.outbox[0]
        assert message.subject == f"[Parley] Update: {article.title}"
        assert "The **new** figures." in message.body
        assert "<strong>new</strong>" in message.alternatives[0][0]
        assert f"#update-{update.pk}" in message.body
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert re.fullmatch(
            r"<https?://[^>]+/unsubscribe/[^>]+/>", message.extra_headers["List-Unsubscribe"]
        )

    def test_a_second_delivery_sends_nothing_more(self, article, author):
        """The notifier is idempotent: running it again mails nobody twice."""
        from readers.services import update_notify

        Follow.objects.create(
            article=article, email="yes@example.com", confirmed_at="2026-11-01T00:00Z"
        )
        update = update_publish(article=article, author=author, body="Once.")
        assert update_notify(update_id=update.pk) == 1
        assert update_notify(update_id=update.pk) == 0
        assert len(mail.outbox) == 1

    def test_one_click_unsubscribe_without_csrf_and_twice_is_harmless(
        self, article, author, run_commits
    ):
        """The List-Unsubscribe POST works without a CSRF token; a GET only shows a button."""
        Follow.objects.create(
            article=article, email="bye@example.com", confirmed_at="2026-11-01T00:00Z"
        )
        with run_commits():
            update_publish(article=article, author=author, body="News.")
        url = (
            mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>").split("testserver", 1)[-1]
        )
        url = url.split("://", 1)[-1].split("/", 1)[-1]
        client = Client(enforce_csrf_checks=True)
        assert "Unsubscribe" in client.get(f"/{url}").content.decode()
        assert Follow.objects.count() == 1
        # The link opens a page with a button (a GET changes nothing, as mail scanners open
        # links), so the email says so instead of promising one click.
        assert "open this link and confirm" in mail.outbox[0].body
        assert "one click" not in mail.outbox[0].body
        response = client.post(f"/{url}", {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200 and Follow.objects.count() == 0
        assert client.post(f"/{url}").status_code == 200


class TestReplyNotifications:
    @pytest.fixture
    def subscribed_parent(self, article, post):
        ConfirmedAddress.objects.create(email="asker@example.com")
        parent = post(
            article,
            "Tell me about replies",
            name="Asker",
            email="asker@example.com",
            email_verified=True,
        )
        type(parent).objects.filter(pk=parent.pk).update(followup=True)
        parent.refresh_from_db()
        return parent

    def test_published_reply_emails_the_parent_author_once(
        self, client, article, subscribed_parent, submit
    ):
        """A published reply emails the parent's author (who asked), once."""
        submit(
            form_data(
                article,
                comment="Here is a reply",
                name="Replier",
                reply_to=str(subscribed_parent.pk),
            )
        )
        assert [m.to for m in mail.outbox] == [["asker@example.com"]]
        assert "Replier replied to your comment" in mail.outbox[0].subject
        assert "List-Unsubscribe" in mail.outbox[0].extra_headers

    def test_a_name_sent_with_a_line_break_is_kept_to_one_line_and_the_email_goes(
        self, article, subscribed_parent, submit, post
    ):
        """A name posted with a line break (no browser's name field sends one) is stored on
        one line, and the reply email whose subject names it is sent; so is the email for a
        name stored with a line break before."""
        submit(
            form_data(
                article,
                comment="A reply",
                name="Carla\r\nBcc: x@example.com",
                reply_to=str(subscribed_parent.pk),
            )
        )
        reply = type(subscribed_parent).objects.get(comment="A reply")
        assert reply.user_name == "Carla Bcc: x@example.com"
        assert [m.subject for m in mail.outbox] == [
            "[Parley] Carla Bcc: x@example.com replied to your comment"
        ]
        older = post(article, "An older reply", reply_to=subscribed_parent.pk)
        type(older).objects.filter(pk=older.pk).update(user_name="Dana\nEvans")
        assert comment_published_notify(comment_id=older.pk) == ["reply:asker@example.com"]
        assert mail.outbox[-1].subject == "[Parley] Dana Evans replied to your comment"

    @pytest.mark.parametrize("later", [False, True], ids=["published-at-once", "approved"])
    def test_a_reply_at_the_deepest_level_emails_whom_it_answers(
        self, article, post, submit, settings, moderator, run_commits, later
    ):
        """At the deepest level a reply is placed beside the comment it answers, under its
        parent: the answered comment's author (who asked) hears of it, not the parent's
        (who asked too), whether it is published at once or approved later."""
        settings.PARLEY_THREAD_DEPTH = 2
        ConfirmedAddress.objects.create(email="top@example.com")
        ConfirmedAddress.objects.create(email="deep@example.com")
        top = post(article, "Top", name="Top", email="top@example.com", email_verified=True)
        deep = post(
            article,
            "Deep",
            name="Deep",
            email="deep@example.com",
            email_verified=True,
            reply_to=top.pk,
        )
        type(top).objects.filter(pk__in=[top.pk, deep.pk]).update(followup=True)
        if later:
            ModerationRules.objects.update_or_create(pk=1, defaults={"hold_all": True})
        submit(form_data(article, comment="Answering Deep", name="Rae", reply_to=str(deep.pk)))
        reply = type(top).objects.get(comment="Answering Deep")
        assert (reply.parent_id, reply.answered_id) == (top.pk, deep.pk)
        if later:
            assert mail.outbox == []
            with run_commits():
                comments_moderate(comment_ids=[reply.pk], action="approve", actor=moderator)
        assert [m.to for m in mail.outbox] == [["deep@example.com"]]
        assert "Rae replied to your comment" in mail.outbox[0].subject

    @pytest.mark.parametrize("verdict", [S.HELD, S.SPAM])
    def test_nobody_is_emailed_for_held_or_spam_replies(
        self, article, subscribed_parent, post, verdict
    ):
        """A held or spam reply sends no email."""
        post(article, "Not public", reply_to=subscribed_parent.pk, status=verdict)
        assert mail.outbox == []

    def test_a_held_reply_emails_once_it_is_approved(
        self, article, subscribed_parent, post, moderator, run_commits
    ):
        """Approval is when the parent's author hears of the reply; re-approval adds nothing."""
        reply = post(article, "Waiting reply", reply_to=subscribed_parent.pk, status=S.HELD)
        with run_commits():
            comments_moderate(comment_ids=[reply.pk], action="approve", actor=moderator)
            comment_transition(comment_id=reply.pk, to_status=S.HELD)
            comment_transition(comment_id=reply.pk, to_status=S.PUBLISHED)
        assert [m.to for m in mail.outbox] == [["asker@example.com"]]

    def test_no_email_without_followup_or_to_oneself(
        self, article, post, run_commits, subscribed_parent
    ):
        """Parents who did not ask hear nothing, and nobody is told about their own reply."""
        quiet = post(article, "Quiet", name="Quiet", email="quiet@example.com")
        with run_commits():
            post(article, "reply to quiet", reply_to=quiet.pk)
            post(
                article,
                "self reply",
                name="Asker",
                email="asker@example.com",
                reply_to=subscribed_parent.pk,
            )
        assert mail.outbox == []

    def test_guest_must_confirm_their_address_before_reply_emails(self, client, article, submit):
        """A guest who ticks "Notify me" is asked to confirm once their comment is published;
        replies are mailed only after that."""
        submit(
            form_data(
                article, comment="Notify me of replies", email="new@example.com", followup="on"
            )
        )
        assert [m.to for m in mail.outbox] == [["new@example.com"]]
        assert "Confirm" in mail.outbox[0].subject
        parent_id = Comment.objects.get().pk
        submit(
            form_data(article, comment="An early reply", name="Early", reply_to=str(parent_id)),
            using=Client(),
        )
        assert len(mail.outbox) == 1
        Client().post(link_in(mail.outbox[0], "replies/confirm"))
        submit(
            form_data(article, comment="A later reply", name="Later", reply_to=str(parent_id)),
            using=Client(),
        )
        assert [m.to for m in mail.outbox[1:]] == [["new@example.com"]]
        assert "Later replied" in mail.outbox[1].subject

    def test_followup_needs_an_email(self, article, submit):
        """Ticking "Notify me" without an email is a form error that keeps the text."""
        response = submit(form_data(article, comment="Keep me", email="", followup="on"))
        assert response.status_code == 400
        assert "Enter your email address to be notified of replies." in response.content.decode()


class TestTokens:
    def test_tampered_token_is_refused(self, client):
        """A token altered by one character is refused with a 400 and a reason."""
        token = token_make("follow_confirm", follow=1)
        response = client.get(f"/follow/confirm/{token[:-1]}{'A' if token[-1] != 'A' else 'B'}/")
        assert response.status_code == 400
        assert "not valid" in response.content.decode()

    def test_token_for_another_purpose_is_refused(self, client):
        """A valid unsubscribe token cannot confirm a follow."""
        token = token_make("unsubscribe", follow=1)
        assert client.get(f"/follow/confirm/{token}/").status_code == 400

    def test_expired_token_is_refused(self, client, article, monkeypatch):
        """A confirmation link older than 48 hours has expired."""
        follow = Follow.objects.create(article=article, email="late@example.com")
        real_time = time.time
        monkeypatch.setattr(signing.time, "time", lambda: real_time() - 49 * 3600)
        token = token_make("follow_confirm", follow=follow.pk)
        monkeypatch.setattr(signing.time, "time", real_time)
        response = client.post(f"/follow/confirm/{token}/")
        assert response.status_code == 400 and "expired" in response.content.decode()
        follow.refresh_from_db()
        assert follow.confirmed_at is None

    def test_tokens_are_signed_json_not_pickle(self):
        """The payload is JSON: decoding it yields plain data, no objects."""
        token = token_make("manage", email="a@example.com")
        assert signing.loads(token, salt="parley.readers.manage") == {"email": "a@example.com"}


class FailingEmailBackend:
    """An SMTP server that is down: every send raises, as smtplib does."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("the mail server is not answering")


def test_a_reply_email_that_failed_is_sent_by_the_sweep(article, post, settings):
    """A reply notice whose send failed is not recorded as sent, so the sweep sends it once
    the mail server is back (there are no timed retries)."""
    from readers.models import Delivery
    from readers.services import comment_published_notify, notifications_sweep

    parent = post(article, "Tell me", name="Asker", email="asker@example.org", email_verified=True)
    Comment.objects.filter(pk=parent.pk).update(followup=True)
    ConfirmedAddress.objects.create(email="asker@example.org")
    settings.EMAIL_BACKEND = f"{__name__}.FailingEmailBackend"
    reply = post(article, "An answer", name="Replier", reply_to=parent.pk)
    with pytest.raises(OSError):
        comment_published_notify(comment_id=reply.pk)
    assert not Delivery.objects.filter(kind=Delivery.Kind.REPLY).exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications_sweep() == 1
    assert [m.to for m in mail.outbox] == [["asker@example.org"]]
    assert notifications_sweep() == 0


def test_the_sweep_reads_only_comments_a_notice_may_be_owed_for(article, post, settings):
    """The day's other comments, however many, cost the sweep no query each: only a reply to
    a comment whose author asked, and a guest who asked, are looked at."""
    from readers.services import notifications_sweep

    parent = post(article, "Tell me", name="Asker", email="asker@example.org", email_verified=True)
    Comment.objects.filter(pk=parent.pk).update(followup=True)
    ConfirmedAddress.objects.create(email="asker@example.org")
    settings.EMAIL_BACKEND = f"{__name__}.FailingEmailBackend"
    post(article, "An answer", name="Replier", reply_to=parent.pk)  # its notice fails
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    def sweep_queries(others: int) -> int:
        for n in range(others):
            post(article, f"Another reader's word {n}", email=f"other{n}@example.org")
        with CaptureQueriesContext(connection) as queries:
            notifications_sweep()
        return len(queries)

    assert notifications_sweep() == 1
    assert [m.to for m in mail.outbox] == [["asker@example.org"]]
    assert sweep_queries(2) == sweep_queries(30)


def test_the_sweep_asks_a_guest_to_confirm_when_that_task_was_lost(article, post):
    from readers.services import notifications_sweep

    asked = post(article, "Tell me of replies", name="Guest", email="guest@example.org")
    Comment.objects.filter(pk=asked.pk).update(followup=True)
    post(article, "Nothing asked", name="Other", email="other@example.org")
    assert notifications_sweep() == 1
    assert [m.to for m in mail.outbox] == [["guest@example.org"]]


@pytest.mark.django_db
def test_a_notice_task_runs_only_when_someone_may_hear_of_the_comment(
    article, submit, django_capture_on_commit_callbacks
):
    """A published comment whose parent did not ask for replies, and whose poster asked for
    nothing, queues no notification task; a reply to a parent who asked does."""
    from celery.signals import task_prerun

    ran = []

    def record(sender=None, **kwargs):
        ran.append(sender.name)

    task_prerun.connect(record, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            submit(form_data(article, comment="Nobody asked to hear of this"))
        quiet = Comment.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            submit(form_data(article, comment="A reply nobody asked for", reply_to=str(quiet.pk)))
        assert "readers.tasks.comment_published_task" not in ran
        Comment.objects.filter(pk=quiet.pk).update(followup=True)
        with django_capture_on_commit_callbacks(execute=True):
            submit(
                form_data(article, comment="A reply the parent asked for", reply_to=str(quiet.pk))
            )
        assert "readers.tasks.comment_published_task" in ran
    finally:
        task_prerun.disconnect(record)


def test_the_follow_box_email_input_is_the_one_django_renders(client, article):
    """The guest's follow box writes its email input without Django's widget templates, to
    the same markup."""
    from readers.forms import FollowForm

    page = client.get(article.get_absolute_url()).content.decode()
    expected = str(FollowForm(auto_id="follow-%s")["email"])
    assert expected in page
    assert 'id="follow-email"' in expected


def test_whether_a_parent_wants_replies_is_asked_compiled(article, post):
    """Asked after every reply a worker publishes on its own: one query, built once, giving
    what the ORM gives."""
    asks, quiet = post(article, "Tell me of replies, please."), post(article, "No replies, thanks.")
    Comment.objects.filter(pk=asks.pk).update(followup=True)
    Comment.objects.filter(pk=quiet.pk).update(followup=False)
    assert reply_notice_wanted(parent_id=asks.pk, comment_id=asks.pk + 100) is True
    with (
        mock.patch.object(Query, "build_filter", autospec=True) as build_filter,
        CaptureQueriesContext(connection) as queries,
    ):
        answers = [
            reply_notice_wanted(parent_id=parent, comment_id=parent + 100)
            for parent in (asks.pk, quiet.pk, 10**6)
        ]
    assert answers == [True, False, False]
    assert len(queries) == 3
    build_filter.assert_not_called()


class TestNewFollowersHearOnlyOfLaterUpdates:
    def follow_all(self, article, verified_user, moderator):
        """An account, a moderator and a confirmed guest start following `article`."""
        from allauth.account.models import EmailAddress

        from readers.services import follow_confirm, follow_start

        follow_start(article=article, user=verified_user("vera", "vera@example.com"))
        moderator.email = "mod@example.com"
        moderator.save()
        EmailAddress.objects.create(
            user=moderator, email="mod@example.com", verified=True, primary=True
        )
        follow_start(article=article, user=moderator)
        follow_start(article=article, email="guest@example.com")
        guest = Follow.objects.get(email="guest@example.com")
        follow_confirm(
            data={"follow": guest.pk, "article": article.pk, "to": address_digest(guest.email)}
        )

    def test_the_sweep_sends_no_update_from_before_the_follow(
        self, article, author, verified_user, moderator
    ):
        """Updates of the past day published before a reader followed are not emailed to them
        by the sweep; the next update is, to each of them once."""
        from readers.services import notifications_sweep

        update_publish(article=article, author=author, body="First.")
        update_publish(article=article, author=author, body="Second.")
        self.follow_all(article, verified_user, moderator)
        mail.outbox.clear()
        assert notifications_sweep() == 0
        assert mail.outbox == []
        update_publish(article=article, author=author, body="Third.")
        assert notifications_sweep() == 3
        assert sorted(m.to[0] for m in mail.outbox) == [
            "guest@example.com",
            "mod@example.com",
            "vera@example.com",
        ]
        assert all("Third." in m.body for m in mail.outbox)
        assert notifications_sweep() == 0

    def test_a_correction_made_after_the_follow_reaches_the_new_follower(
        self, article, author, verified_user, moderator
    ):
        """A correction announced after a reader followed is news to them: they get it."""
        from articles.services import update_correct
        from readers.services import notifications_sweep

        update = update_publish(article=article, author=author, body="Old figure.")
        self.follow_all(article, verified_user, moderator)
        mail.outbox.clear()
        update_correct(update=update, body="New figure.", notify_followers=True)
        assert notifications_sweep() == 3
        assert {m.subject for m in mail.outbox} == {f"[Parley] Correction: {article.title}"}


class TestOneFollowPerAddress:
    def test_an_address_is_one_follower_whatever_its_case(self, client, article, run_commits):
        """A follow kept in another case (a restore before addresses were lower-cased) is the
        same reader's: following again finds it instead of adding a second, doubled one."""
        Follow.objects.create(article=article, email="Fan@Example.com")
        follow_as_guest(client, article, "fan@example.com", run_commits)
        assert list(Follow.objects.values_list("email", flat=True)) == ["Fan@Example.com"]

    def test_an_account_takes_over_its_addresses_confirmed_guest_follow(
        self, client, article, verified_user
    ):
        """An account whose verified address already follows as a confirmed guest follows
        through that one row: its page says it follows, and Unfollow stops the emails."""
        Follow.objects.create(
            article=article, email="vera@example.com", confirmed_at=timezone.now()
        )
        client.force_login(verified_user("vera", "Vera@Example.com"))
        client.post(f"/articles/{article.slug}/follow/")
        assert Follow.objects.count() == 1
        assert "Unfollow" in client.get(article.get_absolute_url()).content.decode()
        client.post(f"/articles/{article.slug}/unfollow/")
        assert Follow.objects.count() == 0
