"""A comment scored as it is stored (the embedded default: scoring inline, one transaction)
says when its status was decided, as one moved by a worker does: the moderators' digest of
held comments, the queue's tabs and the missed-notification sweep all find comments by it."""

from importlib import import_module

import pytest
from django.apps import apps
from django.core import mail
from django.forms.models import model_to_dict
from django.test import TestCase, override_settings

from comments.models import Comment, CommentStatus, Thread
from comments.services import Poster, comment_submit
from moderation import selectors_queue
from moderation.models import ModerationEvent, ModerationRules, SpamVerdict
from moderation.services import comment_score
from readers.models import ConfirmedAddress, Delivery
from readers.services.notifications import notifications_sweep
from tests.conftest import form_data
from tests.support import moderator_address_verified


def _held_everything():
    ModerationRules.objects.update_or_create(pk=1, defaults={"hold_all": True})


def test_each_comment_held_as_it_is_stored_reaches_the_moderators(article, moderator, submit):
    """Embedded, each hold sends its digest at once: the second held comment is in the
    second digest, not lost for coming after the first one was sent."""
    moderator_address_verified(moderator)
    _held_everything()
    submit(form_data(article, comment="The first comment a moderator must see."))
    submit(form_data(article, comment="The second comment a moderator must see."))
    assert Comment.objects.filter(status=CommentStatus.HELD).count() == 2
    assert [message.subject for message in mail.outbox] == [
        "[Parley] 1 comment held for review",
        "[Parley] 1 comment held for review",
    ]
    assert "The second comment" in mail.outbox[1].body


def test_with_the_embedded_beat_held_comments_wait_for_one_digest(
    article, moderator, submit, settings
):
    """With the web server's beat on (the embedded default), holds send nothing at once: the
    beat's digest job lists every comment held meanwhile in one email."""
    from core.embedded_beat import beat_jobs_run_due

    settings.PARLEY_EMBEDDED_BEAT_TICK = 10
    moderator_address_verified(moderator)
    _held_everything()
    submit(form_data(article, comment="The first comment a moderator must see."))
    submit(form_data(article, comment="The second comment a moderator must see."))
    assert mail.outbox == []
    settings.CELERY_BEAT_SCHEDULE = {
        "held-comments-digest": settings.CELERY_BEAT_SCHEDULE["held-comments-digest"]
    }
    assert beat_jobs_run_due() == ["held-comments-digest"]
    assert [message.subject for message in mail.outbox] == ["[Parley] 2 comments held for review"]


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


# What differs between two comments for reasons other than how they were scored.
_OWN = {"id", "comment_ptr", "xtdcomment_ptr", "content_type", "object_pk", "article",
        "thread_id", "parent_id", "user_name", "user_email", "author_key", "submit_date",
        "status_changed_at"}  # fmt: skip


def _as_stored(comment: Comment) -> dict:
    """A comment with its thread, verdict and events, as a moderator or a page reads them."""
    comment = Comment.objects.get(pk=comment.pk)
    thread = Thread.objects.get(root_id=comment.thread_id)
    return {
        "comment": {k: v for k, v in model_to_dict(comment).items() if k not in _OWN},
        "status_changed_at": comment.status_changed_at is not None,
        "starts_its_thread": comment.thread_id == comment.pk,
        "thread": (thread.listed, thread.published_count, thread.last_published_at is not None),
        "verdicts": list(
            SpamVerdict.objects.filter(comment=comment).values(
                "decision", "reasons", "model_version", "acted"
            )
        ),
        "events": list(
            ModerationEvent.objects.filter(comment=comment).values(
                "actor_label", "from_status", "to_status", "reasons", "undone_at"
            )
        ),
    }


@pytest.mark.parametrize(
    ("hold_all", "honeypot", "status"),
    [
        (False, "", CommentStatus.PUBLISHED),
        (True, "", CommentStatus.HELD),
        (False, "filled by a bot", CommentStatus.SPAM),
    ],
    ids=["published", "held", "spam"],
)
def test_a_comment_scored_as_it_is_stored_ends_as_one_a_worker_scored(
    make_article, hold_all, honeypot, status
):
    """The same root and reply, scored inline and by the worker's service (each on an article
    of its own): every column, the thread's and the article's counts, the verdict and the
    event agree."""
    ModerationRules.objects.update_or_create(pk=1, defaults={"hold_all": hold_all})
    ends = []
    for inline in (True, False):
        article = make_article(title=f"Scored {'inline' if inline else 'by a worker'}")

        def sent(article=article, inline=inline, **details) -> Comment:
            if inline:
                return comment_submit(article=article, **details)
            with override_settings(PARLEY_COMMENT_JUDGE=""):
                comment = comment_submit(article=article, **details)
            comment_score(comment_id=comment.pk)
            return comment

        poster = Poster(name=f"Reader {inline}", email=f"reader{inline}@example.org")
        meta = {"honeypot": honeypot}
        root = sent(poster=poster, text="A first thought on the piece.", meta=meta)
        reply = sent(poster=poster, text="And a second one, in reply.", reply_to=root.pk,
                     own_ids=frozenset({root.pk}), meta=meta)  # fmt: skip
        article.refresh_from_db()
        ends.append((_as_stored(root), _as_stored(reply), article.comment_count))
    inline_end, worker_end = ends
    assert inline_end[0]["comment"]["status"] == status
    assert inline_end == worker_end
