"""Readers own their comments: edit within the window, delete any time, export, delete all."""

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from comments.models import Comment, CommentStatus
from moderation.models import ModerationEvent
from tests.conftest import form_data

S = CommentStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def my_comment(client, article, submit):
    """A comment this test client posted as a guest (its browser holds the signed cookie)."""
    submit(form_data(article, comment="My first words", name="Owner", email="owner@example.com"))
    return Comment.objects.get()


def test_guest_sees_edit_and_delete_links_only_on_their_own_comment(
    client, article, my_comment, post
):
    """The poster's browser gets Edit/Delete on its comment; other readers do not."""
    post(article, "Someone else's words")
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.count("comment-edit-link") == 1 and f"/comments/{my_comment.pk}/edit/" in html
    other = Client().get(article.get_absolute_url()).content.decode()
    assert "comment-edit-link" not in other and "comment-delete-link" not in other


def test_a_poster_is_offered_no_report_of_their_own_comment(client, article, my_comment, post):
    """Their own comment is theirs to edit or delete: Report is on others' comments only,
    and on theirs for everyone else."""
    other = post(article, "Someone else's words")
    html = client.get(article.get_absolute_url()).content.decode()
    assert f"/moderation/report/{my_comment.pk}/" not in html
    assert f"/moderation/report/{other.pk}/" in html
    seen_by_others = Client().get(article.get_absolute_url()).content.decode()
    assert f"/moderation/report/{my_comment.pk}/" in seen_by_others


def test_the_edit_deadline_names_the_sites_time_zone(client, my_comment, settings):
    """A bare "you can edit until 14:26" is read on the reader's own clock: the time is the
    site's, and says which zone it is in."""
    settings.TIME_ZONE = "Europe/Berlin"
    html = client.get(f"/comments/{my_comment.pk}/edit/").content.decode()
    assert re.search(r'You can edit until <time datetime="[^"]+">\d{2}:\d{2} CES?T</time>', html)


def test_edit_within_the_window_marks_edited_and_rescores(
    client, article, my_comment, django_capture_on_commit_callbacks
):
    """An edit inside the window changes the text, shows "edited", and goes back through scoring."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/comments/{my_comment.pk}/edit/", {"comment": "My *better* words"})
    assert response.status_code == 302
    my_comment.refresh_from_db()
    assert my_comment.comment == "My *better* words" and my_comment.edited_at is not None
    assert my_comment.status == S.PUBLISHED
    moves = list(
        ModerationEvent.objects.filter(comment=my_comment)
        .order_by("pk")
        .values_list("to_status", "actor_label")
    )
    assert moves[-2:] == [(S.PENDING, "author"), (S.PUBLISHED, "scorer")]
    html = Client().get(article.get_absolute_url()).content.decode()
    assert "My <em>better</em> words" in html and 'class="comment-edited">edited<' in html


def test_edit_after_the_window_is_refused(client, article, my_comment, settings):
    """Past PARLEY_EDIT_MINUTES the edit page says so (403) and a POST changes nothing."""
    Comment.objects.filter(pk=my_comment.pk).update(
        submit_date=timezone.now() - timedelta(minutes=16)
    )
    page = client.get(f"/comments/{my_comment.pk}/edit/")
    assert page.status_code == 403 and "no longer be edited" in page.content.decode()
    assert client.post(f"/comments/{my_comment.pk}/edit/", {"comment": "late"}).status_code == 403
    my_comment.refresh_from_db()
    assert my_comment.comment == "My first words"
    assert "comment-edit-link" not in client.get(article.get_absolute_url()).content.decode()


def test_an_edit_sent_after_the_window_closed_hands_back_its_text(client, article, my_comment):
    """An edit page left open past the window refuses the edit but gives back what was typed."""
    page = client.get(f"/comments/{my_comment.pk}/edit/")
    assert page.status_code == 200
    Comment.objects.filter(pk=my_comment.pk).update(
        submit_date=timezone.now() - timedelta(minutes=16)
    )
    typed = "A long & careful <edit> I would hate to lose"
    refused = client.post(f"/comments/{my_comment.pk}/edit/", {"comment": typed})
    html = refused.content.decode()
    assert refused.status_code == 403 and "no longer be edited" in html
    kept = re.search(r'<textarea id="kept-text"[^>]*readonly>([^<]*)</textarea>', html)
    assert kept.group(1) == "A long &amp; careful &lt;edit&gt; I would hate to lose"
    my_comment.refresh_from_db()
    assert my_comment.comment == "My first words"


def test_an_edit_too_long_is_refused_in_the_comment_forms_words_with_its_text(
    client, article, my_comment, settings
):
    typed = "x" * (settings.COMMENT_MAX_LENGTH + 5)
    refused = client.post(f"/comments/{my_comment.pk}/edit/", {"comment": typed})
    html = refused.content.decode()
    limit, length = settings.COMMENT_MAX_LENGTH, settings.COMMENT_MAX_LENGTH + 5
    assert refused.status_code == 400
    assert f"Please keep your comment to {limit} characters or fewer (it has {length})." in html
    assert "Ensure this value" not in html and typed in html
    my_comment.refresh_from_db()
    assert my_comment.comment == "My first words"


@pytest.mark.parametrize("status", [S.PUBLISHED, S.HELD])
def test_an_edit_sent_after_signing_out_elsewhere_hands_back_its_text(
    client, article, make_user, post, status
):
    """Signed out in another tab, a reader sends the edit they were writing: it is refused
    (403, or 404 for a held comment, as for anyone else) with the text given back to copy."""
    writer = make_user("writer")
    comment = post(article, "My words", user=writer, status=status)
    client.force_login(writer)
    assert client.get(f"/comments/{comment.pk}/edit/").status_code == 200
    client.logout()
    refused = client.post(f"/comments/{comment.pk}/edit/", {"comment": "Edited <words>"})
    assert refused.status_code == (403 if status == S.PUBLISHED else 404)
    kept = re.search(
        r'<textarea id="kept-text"[^>]*readonly>([^<]*)</textarea>', refused.content.decode()
    )
    assert kept.group(1) == "Edited &lt;words&gt;"
    comment.refresh_from_db()
    assert comment.comment == "My words"


def test_spam_the_scorer_marked_is_edited_as_a_held_comment_would_be(
    client, article, my_comment, moderator, django_capture_on_commit_callbacks
):
    """To its poster a spam verdict reads as held: the edit it offers works, and is scored
    again. Spam a moderator marked, a removal or a deletion is refused with its own reason,
    never "the window has passed" while it has not."""
    from moderation.services import comment_transition, comments_moderate

    comment_transition(comment_id=my_comment.pk, to_status=S.SPAM)  # the scorer's verdict
    assert client.get(f"/comments/{my_comment.pk}/edit/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/comments/{my_comment.pk}/edit/", {"comment": "Kinder words"})
    assert response.status_code == 302
    my_comment.refresh_from_db()
    assert (my_comment.comment, my_comment.status) == ("Kinder words", S.PUBLISHED)

    comments_moderate(comment_ids=[my_comment.pk], action="spam", actor=moderator)
    decided = "A moderator has decided on this comment, so it can no longer be edited."
    for _ in range(2):
        page = client.get(f"/comments/{my_comment.pk}/edit/").content.decode()
        assert decided in page and "minutes after posting" not in page
        comments_moderate(comment_ids=[my_comment.pk], action="remove", actor=moderator)
    response = client.post(f"/comments/{my_comment.pk}/edit/", {"comment": "again"})
    assert response.status_code == 403
    my_comment.refresh_from_db()
    assert my_comment.comment == "Kinder words"


@pytest.mark.parametrize("held_by", ["moderator", "readers", "scorer", "undone"])
def test_an_edit_leaves_a_hold_people_made_to_a_moderator(
    client, article, my_comment, moderator, held_by, django_capture_on_commit_callbacks
):
    """Edited, a comment a moderator held, or readers' reports held, stays held: scored
    again, a light edit would publish itself behind their backs. The audit log says it was
    edited, and the poster is told it awaits moderation. A hold the scorer made, or one a
    moderator undid, is scored again as any edit is."""
    from moderation.models import ModerationRules
    from moderation.services import comment_transition, comments_moderate, event_undo, report_create

    if held_by in ("moderator", "undone"):
        comments_moderate(comment_ids=[my_comment.pk], action="hold", actor=moderator)
    if held_by == "undone":
        event_undo(event_id=ModerationEvent.objects.latest("pk").pk, actor=moderator)
    elif held_by == "readers":
        ModerationRules.objects.update_or_create(pk=1, defaults={"reports_to_hold": 1})
        report_create(comment_id=my_comment.pk, user=None, ip_address="192.0.2.9", reason="spam")
    elif held_by == "scorer":
        comment_transition(comment_id=my_comment.pk, to_status=S.HELD)
    my_comment.refresh_from_db()
    assert my_comment.status == (S.PUBLISHED if held_by == "undone" else S.HELD)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/comments/{my_comment.pk}/edit/", {"comment": "Softer words"})
    assert response.status_code == 302
    my_comment.refresh_from_db()
    assert my_comment.comment == "Softer words" and my_comment.edited_at is not None
    last = ModerationEvent.objects.filter(comment=my_comment).latest("pk")
    if held_by in ("moderator", "readers"):
        assert my_comment.status == S.HELD
        assert (last.from_status, last.to_status, last.actor_label) == (S.HELD, S.HELD, "author")
        assert "stays held for a moderator" in last.reasons[0]["reason"]
        page = client.get(response["Location"], follow=True).content.decode()
        assert "Your edited comment is awaiting moderation." in page
    else:
        assert my_comment.status == S.PUBLISHED
        assert (last.to_status, last.actor_label) == (S.PUBLISHED, "scorer")


def test_nobody_else_can_edit_or_delete(article, my_comment, make_user):
    """Another browser, or another account, gets 403 and nothing changes."""
    for client in (Client(), Client()):
        client.force_login(make_user()) if client is not None else None
        assert (
            client.post(f"/comments/{my_comment.pk}/edit/", {"comment": "hijack"}).status_code
            == 403
        )
        assert client.post(f"/comments/{my_comment.pk}/delete/").status_code == 403
    my_comment.refresh_from_db()
    assert my_comment.comment == "My first words" and my_comment.status == S.PUBLISHED


def test_delete_with_replies_leaves_a_placeholder_and_erases_details(
    client, article, my_comment, post
):
    """Deleting keeps the thread whole with "[deleted]" and erases the words and details,
    the name among them."""
    post(article, "A reply that stays", reply_to=my_comment.pk)
    assert my_comment.user_name
    assert client.post(f"/comments/{my_comment.pk}/delete/").status_code == 302
    my_comment.refresh_from_db()
    assert my_comment.status == S.DELETED
    assert (my_comment.comment, my_comment.user_email, my_comment.ip_address) == ("", "", None)
    assert (my_comment.user_name, my_comment.user_url, my_comment.user_agent) == ("", "", "")
    html = Client().get(article.get_absolute_url()).content.decode()
    assert "[deleted]" in html and "A reply that stays" in html and "My first words" not in html


def test_signed_in_reader_exports_and_deletes_all_their_comments(
    client, article, make_user, submit
):
    """An account downloads its comments as JSON and deletes them all after confirming."""
    client.force_login(make_user("writer", email="w@example.com"))
    for n in range(3):
        data = form_data(article, comment=f"Account comment {n}")
        for field in ("name", "email", "url"):
            data.pop(field)
        submit(data)
    export = client.get("/comments/mine/export.json")
    assert export["Content-Disposition"] == 'attachment; filename="my-comments.json"'
    comments = json.loads(export.content)["comments"]
    assert [c["text"] for c in comments] == [f"Account comment {n}" for n in range(3)]
    assert set(comments[0]) >= {"article", "article_url", "posted_at", "status", "in_reply_to"}
    assert client.post("/comments/mine/delete/").status_code == 400
    client.post("/comments/mine/delete/", {"confirm": "on"})
    assert set(Comment.objects.values_list("status", flat=True)) == {S.DELETED}


def test_your_comments_names_each_state_as_the_poster_is_shown_it(client, article, make_user, post):
    """The list of one's comments calls spam "held" and a shadow-banned comment "published",
    as the article page does, so it never gives a verdict away."""
    writer = make_user("writer")
    client.force_login(writer)
    spam = post(article, "Scored as spam", user=writer, status=S.SPAM)
    shadowed = post(article, "Shadow-banned words", user=writer, status=S.SPAM)
    Comment.objects.filter(pk=shadowed.pk).update(submission_meta={"shadow": True})
    page = client.get("/comments/mine/").content.decode()
    states = dict(re.findall(r'href="/comments/(\d+)/">.*?</time> · ([^<]+)</p>', page))
    assert states == {str(spam.pk): "Held for a moderator", str(shadowed.pk): "Published"}
    assert "Spam" not in page


def without_token(response) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value=")[^"]*', r"\1", response.content.decode())


def test_guest_manages_comments_through_an_emailed_link(
    article, my_comment, django_capture_on_commit_callbacks
):
    """A guest on another device asks for a link, follows it, and downloads their comments."""
    device = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = device.post("/comments/manage/", {"email": "OWNER@example.com"})
        unknown = device.post("/comments/manage/", {"email": "nobody@example.com"})
    # The same answer for unknown addresses (but for the CSRF token of the page's language
    # switcher, masked afresh for every page).
    assert without_token(response) == without_token(unknown)
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]
    link = re.search(r"https?://[^/\s]+(/comments/manage/[^\s]+)", mail.outbox[0].body).group(1)
    assert "Press the button" in device.get(link).content.decode()
    assert device.post(link).status_code == 302
    # The link works once: a second press, from its history, is refused and says so.
    again = device.post(link)
    assert again.status_code == 400 and "used already" in again.content.decode()
    page = device.get("/comments/mine/").content.decode()
    assert "My first words" in page
    assert (
        json.loads(device.get("/comments/mine/export.json").content)["comments"][0]["id"]
        == my_comment.pk
    )
    assert device.post(f"/comments/{my_comment.pk}/delete/").status_code == 302


def test_a_guest_editing_through_an_emailed_link_lands_where_the_comment_is_shown(
    article, my_comment, django_capture_on_commit_callbacks
):
    """On another device, with the emailed link, a guest edits their held comment: they land
    on their list of comments, told it was updated, not on its permalink (a 404 to a browser
    that did not post it); the edit page's Cancel leads there too."""
    Comment.objects.filter(pk=my_comment.pk).update(status=S.HELD)
    device = Client()
    with django_capture_on_commit_callbacks(execute=True):
        device.post("/comments/manage/", {"email": "owner@example.com"})
    link = re.search(r"https?://[^/\s]+(/comments/manage/[^\s]+)", mail.outbox[0].body).group(1)
    device.post(link)
    edit_page = device.get(f"/comments/{my_comment.pk}/edit/").content.decode()
    assert '<a href="/comments/mine/">Cancel</a>' in edit_page
    with django_capture_on_commit_callbacks(execute=True):
        edited = device.post(f"/comments/{my_comment.pk}/edit/", {"comment": "Better words"})
    assert edited.status_code == 302 and edited["Location"] == "/comments/mine/"
    landed = device.get(edited["Location"])
    assert landed.status_code == 200 and "Your comment was updated." in landed.content.decode()
    assert "Better words" in landed.content.decode()
    # A held comment's line there leads to the article, which this browser is shown, not to
    # a 404; a published one's to the comment.
    Comment.objects.filter(pk=my_comment.pk).update(status=S.HELD)
    listed = device.get("/comments/mine/").content.decode()
    assert f'On <a href="{article.get_absolute_url()}">' in listed
    assert device.get(f"/comments/{my_comment.pk}/").status_code == 404
    Comment.objects.filter(pk=my_comment.pk).update(status=S.PUBLISHED)
    listed = device.get("/comments/mine/").content.decode()
    assert f'On <a href="/comments/{my_comment.pk}/">' in listed


def test_my_comments_without_identity_asks_for_a_link(client):
    """With no account and no link, "my comments" leads to the request form."""
    assert client.get("/comments/mine/")["Location"] == "/comments/manage/"
    assert client.get("/comments/mine/export.json").status_code == 404


def _browser_post(browser, article, **fields):
    """Load the article as a real browser would (getting its CSRF cookie), then post."""
    html = browser.get(article.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return browser.post("/comments/post/", form_data(article, csrfmiddlewaretoken=token, **fields))


def test_copying_a_guests_words_from_another_browser_gives_no_rights_over_them(
    article, django_capture_on_commit_callbacks
):
    """The takeover: another browser posting the same name and text gets its own comment,
    and cannot edit or delete the first reader's."""
    victim, attacker = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    words = {"comment": "Victim's genuine comment.", "name": "Vic Victim", "email": ""}
    for browser in (victim, attacker):
        with django_capture_on_commit_callbacks(execute=True):
            assert _browser_post(browser, article, **words).status_code == 302
    original, copy = Comment.objects.order_by("pk")
    attacker_page = attacker.get(article.get_absolute_url()).content.decode()
    assert f"/comments/{copy.pk}/edit/" in attacker_page
    assert f"/comments/{original.pk}/edit/" not in attacker_page
    assert f"/comments/{original.pk}/delete/" not in attacker_page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', attacker_page).group(1)
    edit = attacker.post(
        f"/comments/{original.pk}/edit/", {"comment": "TAKEN OVER", "csrfmiddlewaretoken": token}
    )
    delete = attacker.post(f"/comments/{original.pk}/delete/", {"csrfmiddlewaretoken": token})
    assert (edit.status_code, delete.status_code) == (403, 403)
    original.refresh_from_db()
    assert (original.comment, original.status) == ("Victim's genuine comment.", S.PUBLISHED)
    assert not ModerationEvent.objects.filter(comment=original, actor_label="author").exists()


def test_someone_elses_held_comment_is_missing_not_forbidden(article, post):
    """Edit and delete links answer 404 for a held comment, as for one that never existed,
    so ids cannot be probed for held comments; a published one is honestly forbidden."""
    held = post(article, status=S.HELD)
    published = post(article)
    missing = published.pk + 1000
    stranger = Client()
    for action in ("edit", "delete"):
        assert stranger.post(f"/comments/{held.pk}/{action}/").status_code == 404
        assert stranger.post(f"/comments/{missing}/{action}/").status_code == 404
        assert stranger.post(f"/comments/{published.pk}/{action}/").status_code == 403


def test_a_banned_poster_cannot_edit_their_comment_into_something_else(
    client, article, my_comment, moderator, django_capture_on_commit_callbacks
):
    """Banned after posting, the poster is told on the edit page what posting would tell them
    (403), and a POST changes nothing: an edit is scored again and would publish new words."""
    from moderation import services as moderation_services
    from moderation.models import Ban

    moderation_services.ban_create(kind=Ban.Kind.EMAIL, value="owner@example.com",
                                   actor=moderator, reason="abuse", days=7)  # fmt: skip
    page = client.get(f"/comments/{my_comment.pk}/edit/")
    assert page.status_code == 403
    assert "You cannot comment on this site until" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/comments/{my_comment.pk}/edit/", {"comment": "Abuse now"})
    assert sent.status_code == 403
    my_comment.refresh_from_db()
    assert my_comment.comment == "My first words" and my_comment.edited_at is None


def test_an_edit_by_a_poster_shadow_banned_since_is_for_their_eyes_only(
    client, article, my_comment, moderator, django_capture_on_commit_callbacks
):
    """Shadow-banned after posting, the poster may edit (they are not told), but the new
    words are scored as a shadow-banned poster's: spam to everyone, published to them."""
    from moderation import services as moderation_services
    from moderation.models import Ban

    moderation_services.ban_create(kind=Ban.Kind.EMAIL, value="owner@example.com",
                                   actor=moderator, reason="quietly", shadow=True)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/comments/{my_comment.pk}/edit/", {"comment": "Buy pills now"})
    assert sent.status_code == 302
    my_comment.refresh_from_db()
    assert my_comment.status == S.SPAM
    assert "Buy pills now" in client.get(article.get_absolute_url()).content.decode()
    assert "Buy pills now" not in Client().get(article.get_absolute_url()).content.decode()


def test_a_banned_poster_is_not_offered_an_edit_they_would_be_refused(
    client, article, my_comment, moderator, django_capture_on_commit_callbacks
):
    """Banned after posting, the poster's page and the comment's fragment offer no Edit
    link (Delete stays); shadow-banned, they may still edit, so the link stays."""
    from moderation import services as moderation_services
    from moderation.models import Ban

    fragment_url = f"/comments/{my_comment.pk}/fragment/"
    edit_url = f"/comments/{my_comment.pk}/edit/"
    shadow = moderation_services.ban_create(
        kind=Ban.Kind.EMAIL, value="owner@example.com", actor=moderator, reason="quietly",
        shadow=True,
    )  # fmt: skip
    assert edit_url in client.get(article.get_absolute_url()).content.decode()
    moderation_services.ban_lift(ban_id=shadow.pk, actor=moderator)
    moderation_services.ban_create(kind=Ban.Kind.EMAIL, value="owner@example.com",
                                   actor=moderator, reason="abuse", days=7)  # fmt: skip
    for html in (
        client.get(article.get_absolute_url()).content.decode(),
        client.get(fragment_url).content.decode(),
    ):
        assert edit_url not in html and "comment-edit-link" not in html
        assert f"/comments/{my_comment.pk}/delete/" in html


def test_an_account_banned_since_posting_is_not_offered_an_edit(
    client, article, post, make_user, moderator
):
    """Signed in, a poster whose account is banned after posting sees no Edit link."""
    from moderation import services as moderation_services
    from moderation.models import Ban

    reader = make_user("banned_reader")
    comment = post(article, "Signed-in words", user=reader)
    client.force_login(reader)
    edit_url = f"/comments/{comment.pk}/edit/"
    assert edit_url in client.get(article.get_absolute_url()).content.decode()
    moderation_services.ban_create(kind=Ban.Kind.ACCOUNT, user=reader, actor=moderator,
                                   reason="abuse")  # fmt: skip
    assert edit_url not in client.get(article.get_absolute_url()).content.decode()
    assert client.get(edit_url).status_code == 403


def test_the_delete_page_of_a_deleted_comment_asks_nothing(client, article, my_comment):
    """Back to "Delete your comment?" after deleting it: the page says it is deleted and
    offers no second Delete button for a comment that is gone."""
    url = f"/comments/{my_comment.pk}/delete/"
    assert "Delete your comment?" in client.get(url).content.decode()
    client.post(url)
    html = client.get(url).content.decode()
    assert "Your comment is deleted" in html and "Delete your comment?" not in html
    assert ">Delete comment<" not in html
