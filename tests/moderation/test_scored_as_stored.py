"""A comment scored as it is stored (the embedded default: scoring inline, one transaction)
says when its status was decided, as one moved by a worker does: the moderators' digest of
held comments, the queue's tabs and the missed-notification sweep all find comments by it."""

from importlib import import_module

from django.apps import apps
from django.core import mail
from django.test import TestCase

from comments.models import Comment, CommentStatus
from comments.services import Poster, comment_submit
from moderation import selectors_queue
from moderation.models import ModerationRules
from readers.models import ConfirmedAddress, Delivery
from readers.services.notifications import notifications_sweep
from tests.conftest import form_data


def _held_everything():
    ModerationRules.objects.update_or_create(pk=1, defaults={"hold_all": True})


def test_each_comment_held_as_it_is_stored_reaches_the_moderators(article, moderator, submit):
    """Embedded, each hold sends its digest at once: the second held comment is in the
    second digest, not lost for coming after the first one was sent."""
    moderator.email = "mod@example.com"
    moderator.save()
    _held_everything()
    submit(form_data(article, comment="The first comment a moderator must see."))
    submit(form_data(article, comment="The second comment a moderator must see."))
    assert Comment.objects.filter(status=CommentStatus.HELD).count() == 2
    assert [message.subject for message in mail.outbox] == [
        "[Parley] 1 comment held for review",
        "[Parley] 1 comment held for review",
    ]
    assert "The second comment" in mail.outbox[1].body


def test_a_comment_stored_held_is_counted_as_waiting_since_it_was_sent(article, submit):
    _held_everything()
    submit(form_data(article, comment="Waiting for a moderator."))
    held = Comment.objects.get()
    assert held.status_changed_at == held.submit_date
    summary = {tab.key: tab for tab in selectors_queue.tab_summaries()}["held"]
    assert (summary.count, summary.oldest) == (1, held.submit_date)


def test_a_comment_published_as_it_is_stored_is_on_the_published_tab(article, submit):
    submit(form_data(article, comment="Published at once, and listed for moderators."))
    published = Comment.objects.get(status=CommentStatus.PUBLISHED)
    assert list(selectors_queue.tab_queryset("published")) == [published]


def test_the_sweep_looks_at_comments_published_as_they_were_stored(article, post, settings):
    """A reply whose notice failed to send is sent by the sweep once mail is back, when the
    reply was published as it was stored too."""
    parent = post(article, "Tell me", name="Asker", email="asker@example.org")
    Comment.objects.filter(pk=parent.pk).update(followup=True)
    ConfirmedAddress.objects.create(email="asker@example.org")
    settings.EMAIL_BACKEND = "tests.readers.test_follow_and_notify.FailingEmailBackend"
    # The notice is sent as the reply's transaction commits, while the mail server is down.
    with TestCase.captureOnCommitCallbacks(execute=True):
        comment_submit(
            article=article, poster=Poster(name="Replier"), text="An answer", reply_to=parent.pk
        )
    assert not Delivery.objects.exists()
    reply = Comment.objects.get(comment="An answer")
    assert reply.status == CommentStatus.PUBLISHED
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications_sweep() == 1
    assert [message.to for message in mail.outbox] == [["asker@example.org"]]


def test_the_migration_gives_comments_stored_without_it_their_submission_time(
    article, post, submit
):
    migration = import_module("comments.migrations.0012_status_changed_at_backfill")
    submit(form_data(article, comment="Stored before the fix."))
    pending = post(article, status=CommentStatus.PENDING)
    stored = Comment.objects.get(comment="Stored before the fix.")
    Comment.objects.filter(pk=stored.pk).update(status_changed_at=None)
    migration.status_changed_at_backfill(apps, None)
    stored.refresh_from_db()
    pending.refresh_from_db()
    assert stored.status_changed_at == stored.submit_date
    assert pending.status_changed_at is None
