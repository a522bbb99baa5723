"""The moderators' queue over HTTP: permissions, tabs, actions, undo, audit log, reports."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from comments.models import CommentStatus
from moderation import selectors_queue, services
from moderation.models import ModerationEvent, ModerationRules, Report
from tests.conftest import TEN_YEARS

S = CommentStatus
pytestmark = pytest.mark.django_db

READ_URLS = [
    reverse("moderation:queue"),
    reverse("moderation:tab", args=["spam"]),
    reverse("moderation:tab", args=["reported"]),
    reverse("moderation:tab", args=["published"]),
    reverse("moderation:log"),
]
WRITE_URLS = [reverse("moderation:act"), reverse("moderation:undo")]


@pytest.fixture
def held(article, post):
    return post(article, "Held text with https://a.example and https://b.example", status=S.HELD)


@pytest.mark.parametrize("url", READ_URLS + WRITE_URLS)
def test_anonymous_users_are_sent_to_log_in(client, url, held):
    """Every moderation URL sends anonymous users to the login page, and changes nothing."""
    response = (
        client.post(url, {"action": "approve", "ids": [held.pk]})
        if url in WRITE_URLS
        else client.get(url)
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    held.refresh_from_db()
    assert held.status == S.HELD


@pytest.mark.parametrize("role", ["reader", "author"])
@pytest.mark.parametrize("url", READ_URLS + WRITE_URLS)
def test_readers_and_authors_get_403(client, make_user, author, held, url, role):
    """Signed-in users without the moderate permission get 403 everywhere."""
    client.force_login(author if role == "author" else make_user())
    if url in WRITE_URLS:
        response = client.post(url, {"action": "approve", "ids": [held.pk], "events": ["1"]})
    else:
        response = client.get(url)
    assert response.status_code == 403
    held.refresh_from_db()
    assert held.status == S.HELD


def test_actions_refuse_get(client, moderator):
    """State-changing moderation URLs accept only POST."""
    client.force_login(moderator)
    for url in WRITE_URLS:
        assert client.get(url).status_code == 405


def test_actions_require_csrf(moderator, held):
    """A moderator's action without a CSRF token is refused and changes nothing."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    response = client.post(reverse("moderation:act"), {"item_action": f"approve:{held.pk}"})
    assert response.status_code == 403
    held.refresh_from_db()
    assert held.status == S.HELD


def test_held_tab_shows_the_comment_in_context_with_reasons(client, moderator, article, post):
    """The held tab shows article, parent, author history, score and reasons."""
    # The rules alone, so the score shown is the rules' sum.
    ModerationRules.objects.update_or_create(pk=1, defaults={"use_model": False})
    parent = post(article, "The parent says hello", name="Parent Paula")
    rita = {"name": "Repeat Rita", "email": "rita@example.com", "email_verified": True}
    post(article, "An approved one", **rita)
    post(article, "A spam one", status=S.SPAM, **rita)
    from comments.services import Poster, comment_submit

    comment = comment_submit(
        article=article,
        poster=Poster(**rita),
        text="Look: https://a.example https://b.example https://c.example",
        reply_to=parent.pk,
    )
    services.comment_score(comment_id=comment.pk)
    client.force_login(moderator)
    html = client.get(reverse("moderation:queue")).content.decode()
    assert f'id="item-{comment.pk}"' in html
    assert article.title in html and "The parent says hello" in html
    assert "Confirmed guest: 1 published · 1 held · 1 spam · 0 removed" in html
    assert "3 links" in html and "author has 1 comment marked spam" in html
    assert 'Score <strong class="score">0.80</strong>' in html
    assert re.search(r"Held <span class=\"count\">1</span>", html)


def test_an_unconfirmed_guest_shows_no_history(client, moderator, article, post):
    """A guest whose address nobody confirmed is shown as such, not with a typed email's
    history."""
    post(article, "An approved one", name="Rita", email="rita@example.com", email_verified=True)
    held = post(article, "Held one", name="Rita", email="rita@example.com", status=S.HELD)
    client.force_login(moderator)
    html = client.get(reverse("moderation:queue")).content.decode()
    assert f'id="item-{held.pk}"' in html
    assert "Unconfirmed guest: no proven history." in html and "Confirmed guest" not in html


def test_single_and_bulk_actions_route_comments(client, moderator, article, post):
    """Per-item and bulk buttons approve, spam and remove, each audited with the moderator."""
    first, second, third = (post(article, f"held {n}", status=S.HELD) for n in range(3))
    client.force_login(moderator)
    client.post(reverse("moderation:act"), {"item_action": f"approve:{first.pk}"})
    client.post(reverse("moderation:act"), {"action": "spam", "ids": [second.pk, third.pk]})
    statuses = {c.pk: c.status for c in (first, second, third) if not c.refresh_from_db()}
    assert statuses == {first.pk: S.PUBLISHED, second.pk: S.SPAM, third.pk: S.SPAM}
    assert ModerationEvent.objects.filter(actor=moderator).count() == 3
    client.post(reverse("moderation:act"), {"action": "not_spam", "ids": [second.pk]})
    second.refresh_from_db()
    assert second.status == S.PUBLISHED


def test_a_page_loaded_before_another_moderator_decided_changes_nothing(
    client, moderator, article, post, make_user
):
    """Two moderators on the held tab: the second one's Approve, pressed on a page loaded
    before the first removed the comment, leaves it removed and says why; the item and bulk
    buttons both carry what the page showed."""
    first, second, third = (post(article, f"held {n}", status=S.HELD) for n in range(3))
    client.force_login(moderator)
    html = client.get(reverse("moderation:queue")).content.decode()
    for comment in (first, second, third):
        assert f'name="seen" value="{comment.pk}:held"' in html
    seen = [f"{c.pk}:held" for c in (first, second, third)]
    other = Client()
    other.force_login(make_user("mod_two", groups=["Moderators"]))
    other.post(reverse("moderation:act"), {"action": "remove", "ids": [first.pk, second.pk]})

    response = client.post(
        reverse("moderation:act"),
        {"item_action": f"approve:{first.pk}", "seen": seen},
        follow=True,
    )
    assert (
        "Nothing changed: the comment by Reader was removed after this page was loaded."
    ) in response.content.decode()
    response = client.post(
        reverse("moderation:act"),
        {"action": "approve", "ids": [second.pk, third.pk], "seen": seen},
        follow=True,
    )
    assert (
        "1 comment approved. 1 other was left as it was: it was already in that state, or had "
        "moved on since the page was loaded."
    ) in response.content.decode()
    statuses = {c.pk: c.status for c in (first, second, third) if not c.refresh_from_db()}
    assert statuses == {first.pk: S.REMOVED, second.pk: S.REMOVED, third.pk: S.PUBLISHED}
    assert (
        not ModerationEvent.objects.filter(actor=moderator, to_status=S.PUBLISHED)
        .exclude(comment_id=third.pk)
        .exists()
    )


def test_an_undo_that_names_no_decision_says_so(client, moderator):
    """Undo with no (or no valid) event id is told so, not sent back in silence."""
    client.force_login(moderator)
    for events in ("", "abc", "9" * 30):
        response = client.post(reverse("moderation:undo"), {"events_csv": events}, follow=True)
        assert [str(m) for m in response.context["messages"]] == [
            "Nothing was undone: no decision was named."
        ]


def test_a_forged_seen_field_is_ignored(client, moderator, article, post):
    """A seen value that names no status, or no id, does not stop an action (nor raise)."""
    held = post(article, "held", status=S.HELD)
    client.force_login(moderator)
    client.post(
        reverse("moderation:act"),
        {"item_action": f"approve:{held.pk}", "seen": [f"{held.pk}:bogus", "x:held", ":"]},
    )
    held.refresh_from_db()
    assert held.status == S.PUBLISHED


def test_action_redirect_offers_undo_and_undo_works(client, moderator, article, post):
    """After an action the queue offers Undo, which restores the previous status."""
    comment = post(article, "to be removed", status=S.HELD)
    client.force_login(moderator)
    response = client.post(
        reverse("moderation:act"),
        {"item_action": f"remove:{comment.pk}", "next": reverse("moderation:queue")},
    )
    assert "undo=" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    events = re.search(r'name="events_csv" value="([\d,]+)"', page).group(1)
    client.post(reverse("moderation:undo"), {"events_csv": events})
    comment.refresh_from_db()
    assert comment.status == S.HELD


def test_next_never_redirects_off_site(client, moderator, held):
    """A hostile `next` falls back to the queue."""
    client.force_login(moderator)
    for target in ("https://evil.example/", "//evil.example", "javascript:alert(1)"):
        response = client.post(
            reverse("moderation:act"), {"item_action": f"approve:{held.pk}", "next": target}
        )
        assert response["Location"].startswith("/moderation/")


def test_audit_log_lists_who_when_and_why(client, moderator, held):
    """The audit log shows every change with actor, from → to and reasons."""
    services.comments_moderate(comment_ids=[held.pk], action="approve", actor=moderator)
    client.force_login(moderator)
    html = client.get(reverse("moderation:log")).content.decode()
    assert "moderator" in html and "Held for a moderator → Published" in html
    assert "approved by a moderator" in html and "Undo</button>" in html


def test_an_undo_pressed_in_the_audit_log_comes_back_to_its_page(client, moderator, held):
    """The log's Undo says which page of the log it was pressed on, and the answer returns
    there, where the row now reads "(undone)", instead of to the log's first page."""
    services.comments_moderate(comment_ids=[held.pk], action="approve", actor=moderator)
    client.force_login(moderator)
    log = client.get(reverse("moderation:log"), {"page": 1}).content.decode()
    event = ModerationEvent.objects.filter(comment=held, actor=moderator).get()
    assert (
        f'name="events" value="{event.pk}">'
        '<input type="hidden" name="next" value="/moderation/log/?page=1">'
    ) in log
    undone = client.post(
        reverse("moderation:undo"), {"events": event.pk, "next": "/moderation/log/?page=1"}
    )
    assert undone["Location"] == "/moderation/log/?page=1"


def test_see_it_in_place_shows_a_moderator_the_held_or_spam_comment(
    client, moderator, article, post, settings
):
    """A moderator following a held or spam comment's link (the queue's "see it in place",
    the audit log) lands on the moderators' view of its page, on the page that shows it,
    where the comment is; a published one stays on the readers' page."""
    settings.PARLEY_THREADS_PER_PAGE = 2
    held_first = post(article, "held before the rest", status=S.HELD)
    post(article, "published one")
    spam = post(article, "spam words", status=S.SPAM)
    root = post(article, "published root")
    reply = post(article, "held reply", reply_to=root.pk, status=S.HELD)
    client.force_login(moderator)
    for comment, text in ((held_first, "held before the rest"), (spam, "spam words")):
        landing = client.get(reverse("comments:permalink", args=[comment.pk]))["Location"]
        assert "moderate=1" in landing
        shown = client.get(landing).content.decode()
        assert f'id="c{comment.pk}"' in shown and text in shown
    landing = client.get(reverse("comments:permalink", args=[reply.pk]))["Location"]
    assert f'id="c{reply.pk}"' in client.get(landing).content.decode()
    landing = client.get(reverse("comments:permalink", args=[root.pk]))["Location"]
    assert "moderate=1" not in landing


def test_queue_query_count_is_fixed(
    client, moderator, article, post, django_assert_max_num_queries
):
    """The held tab costs the same few queries for 3 or 25 items."""
    client.force_login(moderator)
    for n in range(25):
        post(article, f"held {n}", status=S.HELD, name=f"Guest {n % 4}")
    with django_assert_max_num_queries(20):
        client.get(reverse("moderation:queue"))


class TestReporting:
    def test_reader_reports_through_the_form(self, client, make_user, article, post):
        """A signed-in reader reports a comment; it lands in the Reported tab."""
        comment = post(article, "Reportable")
        client.force_login(make_user())
        url = reverse("moderation:report", args=[comment.pk])
        assert "What is wrong with it?" in client.get(url).content.decode()
        response = client.post(url, {"reason": "abuse", "note": "rude"})
        assert response.status_code == 302
        assert Report.objects.get().note == "rude"
        assert comment.pk in selectors_queue.tab_queryset("reported").values_list("pk", flat=True)

    def test_guests_are_rate_limited(self, client, article, post, rate_limit):
        """Guests may send a few reports an hour; then a 429 with a clear message."""
        rate_limit("report", user=f"8/{TEN_YEARS}", guest=f"2/{TEN_YEARS}")
        comments = [post(article, f"c{n}") for n in range(3)]
        codes = [
            client.post(reverse("moderation:report", args=[c.pk]), {"reason": "spam"}).status_code
            for c in comments
        ]
        assert codes == [302, 302, 429]
        assert Report.objects.count() == 2

    def test_a_guest_rotating_through_one_ipv6_network_is_one_reporter(self, article, post):
        """Addresses of one /64 are one guest, as the limiter counts them: however many of
        them report a comment, it is one report, and the comment stays published."""
        ModerationRules.objects.update_or_create(pk=1, defaults={"reports_to_hold": 2})
        comment = post(article, "Unwelcome to one reader")
        url = reverse("moderation:report", args=[comment.pk])
        for host in ("1", "2", "3"):
            Client(REMOTE_ADDR=f"2001:db8:1:2::{host}").post(url, {"reason": "spam"})
        comment.refresh_from_db()
        assert comment.status == S.PUBLISHED
        assert Report.objects.filter(comment=comment).count() == 1

    def test_report_needs_a_reason_and_a_published_comment(self, client, article, post):
        """A report without a reason is a form error; held comments cannot be reported."""
        published = post(article)
        held = post(article, status=S.HELD)
        refused = client.post(reverse("moderation:report", args=[published.pk]), {"note": "Kept"})
        assert refused.status_code == 400
        html = refused.content.decode()
        assert (
            "Choose what is wrong with the comment." in html
            and "This field is required" not in html
        )
        assert "Kept</textarea>" in html
        assert client.get(reverse("moderation:report", args=[held.pk])).status_code == 404

    def test_the_reader_is_thanked_where_the_page_lands(self, client, make_user, article, post):
        """The thank-you is inside the comment reported, where the redirect lands; the
        report that holds it leads to the comment section instead of a 404, saying the
        comment is hidden until a moderator has looked, at the top of the section."""
        ModerationRules.objects.update_or_create(pk=1, defaults={"reports_to_hold": 2})
        comment = post(article, "Soon hidden")
        client.force_login(make_user())
        response = client.post(reverse("moderation:report", args=[comment.pk]), {"reason": "spam"})
        page = client.get(response["Location"], follow=True).content.decode()
        inside = page[page.index(f'<li id="c{comment.pk}"') :]
        assert 'role="status" data-status="">Thank you: a moderator will look' in inside
        assert "Thank you" not in page[: page.index('id="comments"')]
        client.force_login(make_user())
        response = client.post(reverse("moderation:report", args=[comment.pk]), {"reason": "spam"})
        assert response["Location"] == f"{article.get_absolute_url()}#comments"
        page = client.get(response["Location"]).content.decode()
        assert (
            'section-notice" role="status">Thank you: the comment is hidden until a moderator '
            "has looked at it.</p>"
        ) in page

    def test_a_report_arriving_as_a_moderator_removes_the_comment_is_not_told_it_waits(
        self, client, make_user, article, post
    ):
        """A moderator removes the comment in the instant the report is stored (a trigger
        does it, in the report's own insert): the reader is thanked and told the comment is
        no longer shown, not that it waits for a moderator who has already decided."""
        comment = post(article, "Taken down meanwhile")
        if connection.vendor == "postgresql":
            ddl = [
                "CREATE FUNCTION parley_test_remove() RETURNS trigger AS $$ BEGIN "
                "UPDATE comments_comment SET status = 'removed' "
                "WHERE xtdcomment_ptr_id = NEW.comment_id; RETURN NEW; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER parley_test_remove AFTER INSERT ON moderation_report "
                "FOR EACH ROW EXECUTE FUNCTION parley_test_remove()",
            ]
        else:
            ddl = [
                "CREATE TRIGGER parley_test_remove AFTER INSERT ON moderation_report BEGIN "
                "UPDATE comments_comment SET status = 'removed' "
                "WHERE xtdcomment_ptr_id = NEW.comment_id; END"
            ]
        with connection.cursor() as cursor:
            for statement in ddl:
                cursor.execute(statement)
        client.force_login(make_user())
        response = client.post(reverse("moderation:report", args=[comment.pk]), {"reason": "spam"})
        assert response["Location"] == f"{article.get_absolute_url()}#comments"
        page = client.get(response["Location"]).content.decode()
        assert "Thank you: the comment is no longer shown to readers." in page
        assert "until a moderator has looked" not in page

    def test_three_reports_move_a_comment_to_the_queue(self, client, article, post, make_user):
        """At the threshold, reports hold the comment and it leaves the page."""
        ModerationRules.objects.update_or_create(pk=1, defaults={"reports_to_hold": 2})
        comment = post(article, "Soon hidden")
        for _ in range(2):
            client.force_login(make_user())
            client.post(reverse("moderation:report", args=[comment.pk]), {"reason": "spam"})
        comment.refresh_from_db()
        assert comment.status == S.HELD
        assert "Soon hidden" not in Client().get(article.get_absolute_url()).content.decode()
