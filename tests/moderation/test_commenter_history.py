"""Knowing the commenter: each queue item's history by state, bans in force and the
moderators' private notes, read for a whole page in a fixed number of queries."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, CommentStatus
from comments.services import Poster, comment_submit
from core.roles import MODERATORS_GROUP
from moderation import services
from moderation.models import Ban, CommenterNote, StaffEdit
from moderation.selectors_commenters import commenters_for
from moderation.services import comment_transition

S = CommentStatus
pytestmark = pytest.mark.django_db
QUEUE = reverse("moderation:queue")


def posted(article, text, *, status=S.PUBLISHED, ip="203.0.113.1", days_ago=0, **poster):
    """A comment by `poster` from `ip`, moved to `status`."""
    with override_settings(PARLEY_COMMENT_JUDGE=""):
        comment = comment_submit(article=article, poster=Poster(**poster), text=text, ip_address=ip)
    if status != S.PENDING:
        comment_transition(comment_id=comment.pk, to_status=status, actor_label="test")
    if days_ago:
        Comment.objects.filter(pk=comment.pk).update(
            submit_date=timezone.now() - timedelta(days=days_ago)
        )
    comment.refresh_from_db()
    return comment


def item_html(html: str, comment) -> str:
    """The part of the queue page that shows one item."""
    start = html.index(f'id="item-{comment.pk}"')
    end = html.find('class="queue-item"', start)
    return html[start : end if end != -1 else len(html)]


def note_add(client, comment, text, *, next_url=QUEUE):
    """Add a note the way the queue item's button does: inside the queue's form."""
    return client.post(
        reverse("moderation:commenter", args=[comment.pk]),
        {f"note-{comment.pk}-text": text, "next": next_url, "ids": []},
    )


class TestHistory:
    def test_a_proven_commenter_shows_counts_by_state_and_first_seen(
        self, client, moderator, article, make_user
    ):
        """An account's comments are counted by state, with the date it was first seen."""
        regular = make_user("regular")
        mine = {"name": "Regular", "user": regular}
        first = posted(article, "first", days_ago=40, **mine)
        posted(article, "second", **mine)
        posted(article, "third", status=S.SPAM, **mine)
        posted(article, "fourth", status=S.REMOVED, **mine)
        held = posted(article, "now held", status=S.HELD, **mine)
        client.force_login(moderator)
        html = item_html(client.get(QUEUE).content.decode(), held)
        assert "Account: 2 published · 1 held · 1 spam · 1 removed · first seen" in html
        # The stored date, as the page shows it: a date worked out again here could fall on
        # the other side of a midnight that passed during the test.
        assert timezone.localtime(first.submit_date).strftime("%-d %b %Y") in html

    def test_an_unproven_guest_is_counted_by_address_and_labelled_so(
        self, client, moderator, article
    ):
        """A guest nobody confirmed has no proven history; same-email and same-IP counts are
        shown as such, and a confirmed regular's own history is not lent to them."""
        regular = {"name": "Rita", "email": "rita@example.com", "email_verified": True}
        posted(article, "the real Rita", ip="198.51.100.9", **regular)
        posted(article, "another guest", ip="203.0.113.50", name="Sam", status=S.SPAM)
        held = posted(
            article, "who is this", status=S.HELD, ip="203.0.113.50",
            name="Rita", email="rita@example.com",
        )  # fmt: skip
        client.force_login(moderator)
        html = item_html(client.get(QUEUE).content.decode(), held)
        assert "Unconfirmed guest: no proven history." in html
        assert "Same email address (unconfirmed): 1 published · 1 held · 0 spam" in html
        assert "Same IP address: 0 published · 1 held · 1 spam" in html

    def test_bans_in_force_are_shown_and_lifted_or_expired_ones_are_not(
        self, client, moderator, article, make_user
    ):
        """Account, email and IP bans in force show on the item; past ones do not."""
        user = make_user("banned", email="banned@example.com")
        held = posted(
            article, "banned words", status=S.HELD, ip="203.0.113.66",
            name="Banned", user=user, email="banned@example.com",
        )  # fmt: skip
        services.ban_create(kind=Ban.Kind.ACCOUNT, user=user, actor=moderator, reason="r", days=7)
        services.ban_create(
            kind=Ban.Kind.IP, value="203.0.113.66", actor=moderator, reason="r", shadow=True
        )
        lifted = services.ban_create(
            kind=Ban.Kind.EMAIL, value="banned@example.com", actor=moderator, reason="r"
        )
        services.ban_lift(ban_id=lifted.pk, actor=moderator)
        expired = services.ban_create(
            kind=Ban.Kind.EMAIL, value="banned@example.com", actor=moderator, reason="r"
        )
        Ban.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
        [commenter] = commenters_for([held]).values()
        assert sorted((b.kind, b.shadow) for b in commenter.bans) == [
            (Ban.Kind.ACCOUNT, False),
            (Ban.Kind.IP, True),
        ]
        client.force_login(moderator)
        html = item_html(client.get(QUEUE).content.decode(), held)
        assert "Banned:" in html and "Account until" in html
        assert "IP address (shadow-ban) until lifted" in html
        assert "Email address" not in html.split("Banned:")[1].split("</p>")[0]


class TestNotes:
    def test_what_a_note_did_is_said_inside_its_item_or_at_the_top_if_it_left(
        self, client, moderator, article
    ):
        """Back on the queue at the item, "Note added." is inside that item, not at the top
        of a long queue; about an item the tab no longer lists, it is said at the top."""
        items = [posted(article, f"held {n}", status=S.HELD, name=f"N{n}") for n in range(5)]
        last = items[-1]
        client.force_login(moderator)
        html = client.get(note_add(client, last, "Seen before")["Location"]).content.decode()
        start = html.index(f'id="item-{last.pk}"')
        assert "Note added." in html[start:] and html.count("Note added.") == 1
        comment_transition(comment_id=items[0].pk, to_status=S.PUBLISHED, actor_label="test")
        html = client.get(note_add(client, items[0], "Gone")["Location"]).content.decode()
        assert html.count("Note added.") == 1
        assert html.index("Note added.") < html.index('class="queue-list"')

    def test_a_note_sent_by_a_moderator_demoted_meanwhile_is_handed_back(
        self, client, moderator, article
    ):
        """Taken out of the moderators while writing a note, they get a 403 that hands the
        note back to copy, as an author's refused text is, instead of losing it."""
        item = posted(article, "held", status=S.HELD, name="Nell")
        client.force_login(moderator)
        moderator.groups.clear()
        refused = client.post(
            reverse("moderation:commenter", args=[item.pk]),
            {f"note-{item.pk}-text": "Posts the same link under three names."},
        )
        html = refused.content.decode()
        assert refused.status_code == 403
        assert "Posts the same link under three names." in html and ">Your text</label>" in html

    def test_a_note_about_an_item_that_left_is_one_of_the_pages_messages(
        self, client, moderator, article
    ):
        """At the top, a note about an item no longer listed is shown as the page's other
        messages are (the shared include: announced politely to screen readers)."""
        held = posted(article, "held", status=S.HELD, name="Gone")
        client.force_login(moderator)
        comment_transition(comment_id=held.pk, to_status=S.PUBLISHED, actor_label="test")
        html = client.get(note_add(client, held, "Gone")["Location"]).content.decode()
        assert re.search(
            r'<div class="messages wrap" role="status" aria-live="polite">\s*'
            r'<p class="message message-success">Note added.</p>',
            html,
        )

    def test_a_note_is_kept_and_shown_on_the_commenters_later_items(
        self, client, moderator, article, make_user
    ):
        """A note added from one item shows, with its writer and time, on the commenter's
        later items, and nowhere on the article page."""
        user = make_user("noted")
        first = posted(article, "first held", status=S.HELD, name="Noted", user=user)
        client.force_login(moderator)
        response = note_add(client, first, "Posts links to his shop <b>every</b> week")
        assert response.status_code == 302
        assert response["Location"] == f"{QUEUE}#item-{first.pk}"
        assert [str(m) for m in get_messages(response.wsgi_request)] == ["Note added."]
        comment_transition(comment_id=first.pk, to_status=S.PUBLISHED, actor_label="test")
        later = posted(article, "later held", status=S.HELD, name="Noted", user=user)
        other = posted(article, "someone else", status=S.HELD, name="Other")
        html = client.get(QUEUE).content.decode()
        mine = item_html(html, later)
        assert "Posts links to his shop &lt;b&gt;every&lt;/b&gt; week" in mine
        assert "moderator, <time" in mine
        assert "his shop" not in item_html(html, other)
        note = CommenterNote.objects.get()
        assert (note.subject_key, note.author, note.comment_id) == (
            f"user:{user.pk}",
            moderator,
            first.pk,
        )
        for viewer in (Client(), client):
            assert "his shop" not in viewer.get(article.get_absolute_url()).content.decode()

    def test_an_unproven_guests_notes_follow_the_address_not_the_person(
        self, client, moderator, article
    ):
        """Notes on an unconfirmed guest are kept under their email's keyed hash: they show on
        the next guest using that email, labelled so, and never on the confirmed owner."""
        guest = posted(article, "guest", status=S.HELD, name="G", email="who@example.com")
        client.force_login(moderator)
        note_add(client, guest, "Typed someone else's address")
        key = CommenterNote.objects.get().subject_key
        assert key.startswith("guest-email:") and "who@example.com" not in key
        again = posted(
            article, "again", status=S.HELD, ip="198.51.100.77", name="G2", email="who@example.com"
        )
        owner = posted(
            article, "owner", status=S.HELD, name="Who", email="who@example.com",
            email_verified=True,
        )  # fmt: skip
        html = client.get(QUEUE).content.decode()
        assert "Typed someone else" in item_html(html, again)
        assert "on this email address" in item_html(html, again)
        assert "Typed someone else" not in item_html(html, owner)

    def test_a_note_is_deleted_from_the_item(self, client, moderator, article):
        """Delete removes the note and returns to the item."""
        held = posted(article, "held", status=S.HELD, name="G", email="g@example.com")
        client.force_login(moderator)
        note_add(client, held, "A note")
        note = CommenterNote.objects.get()
        response = client.post(
            reverse("moderation:note_delete", args=[note.pk]),
            {"next": QUEUE, "item": str(held.pk), f"note-{held.pk}-text": ""},
        )
        assert response["Location"] == f"{QUEUE}#item-{held.pk}"
        assert not CommenterNote.objects.exists()
        again = client.post(reverse("moderation:note_delete", args=[note.pk]), {"next": QUEUE})
        assert [str(m) for m in get_messages(again.wsgi_request)][-1] == (
            "That note had already been deleted."
        )

    def test_a_deleted_note_is_in_the_audit_log_with_who_and_what_it_said(
        self, client, moderator, make_user, article
    ):
        """Any moderator may delete a colleague's note; the log keeps who did, and the note."""
        held = posted(article, "held", status=S.HELD, name="G", email="g@example.com")
        client.force_login(moderator)
        note_add(client, held, "Warned twice about insults")
        note = CommenterNote.objects.get()
        colleague = make_user("colleague", groups=[MODERATORS_GROUP])
        client.force_login(colleague)
        client.post(reverse("moderation:note_delete", args=[note.pk]), {"next": QUEUE})
        edit = StaffEdit.objects.get(model="moderation.commenternote", object_id=str(note.pk))
        assert (edit.action, edit.actor, edit.actor_label) == ("deleted", colleague, "colleague")
        html = client.get(reverse("moderation:log"), {"show": "edits"}).content.decode()
        assert "Warned twice about insults" in html and "colleague" in html

    @pytest.mark.parametrize(
        ("text", "error"),
        [("   ", "Write the note before adding it."), ("x" * 2001, "at most 2000 characters")],
    )
    def test_a_bad_note_is_refused_with_the_text_kept(
        self, client, moderator, article, text, error
    ):
        """An empty or too long note gets a 400 page with the error and what was typed."""
        held = posted(article, "held", status=S.HELD, name="G", email="g@example.com")
        client.force_login(moderator)
        response = note_add(client, held, text)
        html = response.content.decode()
        assert response.status_code == 400
        assert "The note was not added." in html and error in html
        if text.strip():
            assert text in html
        assert not CommenterNote.objects.exists()

    def test_only_moderators_see_or_write_notes(self, client, make_user, author, article):
        """Anonymous users go to log in; readers and authors get 403; nothing is written."""
        held = posted(article, "held", status=S.HELD, name="G", email="g@example.com")
        note = CommenterNote.objects.create(subject_key="user:1", text="t", author_label="m")
        urls = [
            reverse("moderation:commenter", args=[held.pk]),
            reverse("moderation:note_delete", args=[note.pk]),
        ]
        for url in urls:
            response = client.post(url, {f"note-{held.pk}-text": "x"})
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        for user in (make_user(), author):
            client.force_login(user)
            for url in urls:
                assert client.post(url, {f"note-{held.pk}-text": "x"}).status_code == 403
            assert client.get(urls[0]).status_code == 403
        assert list(CommenterNote.objects.values_list("text", flat=True)) == ["t"]

    def test_notes_need_the_csrf_token(self, moderator, article):
        """A note posted without the CSRF token is refused."""
        held = posted(article, "held", status=S.HELD, name="G", email="g@example.com")
        client = Client(enforce_csrf_checks=True)
        client.force_login(moderator)
        assert note_add(client, held, "x").status_code == 403
        assert not CommenterNote.objects.exists()

    def test_the_commenter_page_works_without_the_queue(self, client, moderator, article):
        """GET shows the commenter's history and notes with a form of its own."""
        held = posted(article, "held", status=S.HELD, name="G", email="g@example.com")
        client.force_login(moderator)
        note_add(client, held, "Seen before")
        html = client.get(reverse("moderation:commenter", args=[held.pk])).content.decode()
        assert "Seen before" in html and "Unconfirmed guest" in html
        assert f'name="note-{held.pk}-text"' in html and "csrfmiddlewaretoken" in html


def queue_queries(client, count: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(QUEUE).status_code == 200
    assert len(queries) > 0
    return len(queries)


def test_commenters_cost_the_same_queries_for_any_page_size(client, moderator, article, make_user):
    """History, bans and notes for 3 or 20 items (accounts, confirmed and unconfirmed
    guests, each with notes and bans) cost the same queries: one each."""
    client.force_login(moderator)

    def fill(start: int, end: int) -> None:
        for n in range(start, end):
            kind = n % 3
            if kind == 0:
                poster = {"name": f"U{n}", "user": make_user(f"u{n}")}
            elif kind == 1:
                poster = {"name": f"C{n}", "email": f"c{n}@example.com", "email_verified": True}
            else:
                poster = {"name": f"G{n}", "email": f"g{n}@example.com"}
            held = posted(article, f"held {n}", status=S.HELD, ip=f"203.0.113.{n}", **poster)
            posted(article, f"old {n}", ip=f"203.0.113.{n}", **poster)
            services.commenter_note_add(comment=held, text=f"note {n}", actor=moderator)
            services.ban_create(
                kind=Ban.Kind.IP, value=f"203.0.113.{n}", actor=moderator, reason="r"
            )

    fill(0, 3)
    few = queue_queries(client, 3)
    fill(3, 20)
    many = queue_queries(client, 20)
    assert many == few
    html = client.get(QUEUE).content.decode()
    assert html.count("Moderators' notes (1)") == 20 and html.count("Banned:") == 20


def test_commenters_for_a_page_take_one_query_each_for_history_bans_and_notes(
    moderator, article, make_user, django_assert_num_queries
):
    """Twelve items of every kind: one UNION for the counts, one for bans, one for notes."""
    comments = []
    for n in range(12):
        poster = (
            {"name": f"U{n}", "user": make_user(f"u{n}")}
            if n % 2
            else {"name": f"G{n}", "email": f"g{n}@example.com"}
        )
        comments.append(posted(article, f"held {n}", status=S.HELD, ip=f"203.0.113.{n}", **poster))
        services.commenter_note_add(comment=comments[-1], text="n", actor=moderator)
    with django_assert_num_queries(3):
        commenters = commenters_for(comments)
    assert all(len(c.notes) == 1 for c in commenters.values())
