"""Authors' digest: one email per author of the comments newly published on their articles,
never the same comment twice, nothing when nothing is new, with a one-click way out and a
way back in from the author area."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import CommentStatus
from comments.services import Poster, comment_submit
from core.roles import AUTHORS_GROUP, groups_ensure
from readers.models import AuthorDigestChoice, AuthorDigestEntry
from readers.selectors import author_digest_wanted
from readers.services import author_digests_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer(verified_user):
    """An author with a verified address."""
    user = verified_user("writer", "writer@example.com")
    groups_ensure()
    user.groups.add(Group.objects.get(name=AUTHORS_GROUP))
    return user


@pytest.fixture
def piece(make_article, writer):
    return make_article(title="On gardens", authors=[writer])


class FailingBackend:
    """An SMTP server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP is down")


def _path(url: str) -> str:
    """The path of an absolute link in an email."""
    return "/" + url.strip("<>").split("://", 1)[-1].split("/", 1)[-1]


def test_the_digest_lists_new_comments_on_the_authors_articles(
    writer, piece, make_article, post, settings
):
    """One email names each new published comment on the author's articles (article,
    commenter, excerpt, link); not held ones, not others' articles, not the author's own."""
    post(piece, "Roses need sun.", name="Rosa")
    comment_submit(article=piece, poster=Poster(name="Inline"), text="Scored as it was stored.")
    post(piece, "Held words", name="Held", status=CommentStatus.HELD)
    post(piece, "My own reply", name="Writer", user=writer)
    post(make_article(title="Someone else's"), "Not theirs", name="Other")
    assert author_digests_send() == 1
    [message] = mail.outbox
    assert message.to == ["writer@example.com"]
    assert (
        message.subject == f"{settings.PARLEY_EMAIL_SUBJECT_PREFIX}2 new comments on your articles"
    )
    body = message.body
    assert "“On gardens”" in body and "Rosa: Roses need sun." in body
    assert "Inline: Scored as it was stored." in body
    assert "/comments/" in body
    for absent in ("Held words", "My own reply", "Not theirs"):
        assert absent not in body
    html = message.alternatives[0][0]
    assert "Roses need sun." in html and "<strong>Rosa</strong>" in html


def test_nothing_new_sends_nothing_and_no_comment_is_sent_twice(writer, piece, post):
    """A second run sends nothing; a later comment comes alone in the next digest."""
    post(piece, "First thoughts", name="Ann")
    assert author_digests_send() == 1
    assert author_digests_send() == 0
    post(piece, "Second thoughts", name="Bob")
    assert author_digests_send(now=timezone.now() + timedelta(days=1)) == 1
    latest = mail.outbox[-1].body
    assert "Second thoughts" in latest and "First thoughts" not in latest
    assert len(mail.outbox) == 2
    assert AuthorDigestEntry.objects.filter(user=writer).count() == 2


def test_a_comment_republished_after_a_hold_is_not_sent_again(writer, piece, post):
    """Held and published again, a comment already in a digest stays out of the next."""
    from moderation.services import comment_transition

    comment = post(piece, "Back and forth", name="Ann")
    assert author_digests_send() == 1
    comment_transition(comment_id=comment.pk, to_status=CommentStatus.HELD, actor_label="t")
    comment_transition(comment_id=comment.pk, to_status=CommentStatus.PUBLISHED, actor_label="t")
    assert author_digests_send() == 0


def test_a_failed_send_records_nothing_and_the_next_run_sends_it(writer, piece, post, settings):
    """With the mail server down nothing is recorded, so the next run sends the digest."""
    post(piece, "Patient words", name="Ann")
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    assert author_digests_send() == 0
    assert not AuthorDigestEntry.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert author_digests_send() == 1
    assert "Patient words" in mail.outbox[0].body


def test_an_author_without_a_verified_address_gets_nothing(make_user, make_article, post):
    """The digest goes only to a verified address."""
    unverified = make_user("unverified", email="nope@example.com", groups=[AUTHORS_GROUP])
    post(make_article(authors=[unverified]), "Hello", name="Ann")
    assert author_digests_send() == 0 and mail.outbox == []


def test_one_click_unsubscribe_then_opt_back_in_from_the_author_area(writer, piece, post, client):
    """The List-Unsubscribe POST (no login, no CSRF) stops the digest; the author area turns
    it back on, from then on only."""
    post(piece, "First", name="Ann")
    author_digests_send()
    message = mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = _path(message.extra_headers["List-Unsubscribe"])
    assert unsubscribe in message.body
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(unsubscribe)
    assert page.status_code == 200 and "<button" in page.content.decode()
    response = anonymous.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert "no longer get the digest" in response.content.decode()

    post(piece, "While away", name="Bob")
    assert author_digests_send(now=timezone.now() + timedelta(days=1)) == 0

    client.force_login(writer)
    settings_page = reverse("readers:author_digest")
    assert "The digest is off" in client.get(settings_page).content.decode()
    response = client.post(settings_page, {"wanted": "1"}, follow=True)
    assert "You will get the digest" in response.content.decode()
    post(piece, "After coming back", name="Cy")
    assert author_digests_send(now=timezone.now() + timedelta(days=2)) == 1
    latest = mail.outbox[-1].body
    assert "After coming back" in latest and "While away" not in latest


def test_the_author_area_turns_the_digest_off_too(writer, piece, post, client):
    """Opting out from the author area works like the link."""
    client.force_login(writer)
    client.post(reverse("readers:author_digest"), {"wanted": "0"})
    post(piece, "Unheard", name="Ann")
    assert author_digests_send() == 0


@pytest.mark.parametrize("sent", [{"wanted": "yes"}, {"wanted": ""}, {"wanted": "2"}, {}])
def test_a_choice_that_is_neither_on_nor_off_is_a_400_and_changes_nothing(writer, client, sent):
    """A stray value is not read as "off": the digest stays on and the page says why."""
    client.force_login(writer)
    response = client.post(reverse("readers:author_digest"), sent)
    html = response.content.decode()
    assert response.status_code == 400
    assert "The digest was not changed" in html and "The digest is on." in html
    assert author_digest_wanted(writer)
    assert not AuthorDigestChoice.objects.exists()


def test_only_authors_reach_the_digest_settings(client, make_user):
    """Anonymous visitors are sent to log in; signed-in non-authors get a 403."""
    url = reverse("readers:author_digest")
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(make_user("reader"))
    assert client.get(url).status_code == 403
    assert client.post(url, {"wanted": "0"}).status_code == 403


def test_the_task_is_on_beat_every_configured_period(settings):
    """Beat runs the digest every PARLEY_AUTHOR_DIGEST_HOURS."""
    entry = settings.CELERY_BEAT_SCHEDULE["author-digest"]
    assert entry["task"] == "readers.tasks.author_digests_send_task"
    assert entry["schedule"] == settings.PARLEY_AUTHOR_DIGEST_HOURS * 3600


def test_the_command_sends_the_digests_for_a_site_without_beat(writer, piece, post):
    """`manage.py send_author_digests` sends them here and now, and says how many."""
    post(piece, "Via cron", name="Ann")
    out = StringIO()
    call_command("send_author_digests", stdout=out)
    assert out.getvalue().strip() == "Sent 1 digest." and len(mail.outbox) == 1


def test_a_digest_promises_more_only_when_comments_were_left_out(writer, piece, post, monkeypatch):
    """A digest as long as one may be says "the rest come in the next digest" only when
    some were left out; the next digest then brings them."""
    from readers.services import author_digest

    monkeypatch.setattr(author_digest, "LISTED_MOST", 2)
    post(piece, "One", name="Ann")
    post(piece, "Two", name="Bob")
    assert author_digests_send() == 1
    assert "the rest come in the next digest" not in mail.outbox[-1].body
    post(piece, "Three", name="Cy")
    post(piece, "Four", name="Di")
    post(piece, "Five", name="Ed")
    assert author_digests_send(now=timezone.now() + timedelta(days=1)) == 1
    assert "the rest come in the next digest" in mail.outbox[-1].body
    assert author_digests_send(now=timezone.now() + timedelta(days=2)) == 1
    assert "Five" in mail.outbox[-1].body
    assert "the rest come in the next digest" not in mail.outbox[-1].body


def test_someone_no_longer_an_author_gets_no_digest(writer, piece, post):
    """Taken out of the Authors group, a writer still listed on an article gets no digest:
    it points them to an author area that now refuses them."""
    post(piece, "Still reading", name="Ann")
    writer.groups.clear()
    assert author_digests_send() == 0
    assert len(mail.outbox) == 0


def _authors_with_comments(verified_user, make_article, post, numbers: range) -> None:
    """Authors, each with an article that has two new published comments."""
    groups_ensure()
    for number in numbers:
        author = verified_user(f"author{number}", f"author{number}@example.com")
        author.groups.add(Group.objects.get(name=AUTHORS_GROUP))
        article = make_article(title=f"Piece {number}", authors=[author])
        post(article, f"Comment on piece {number}", name="Ann")
        post(article, f"Another on piece {number}", name="Bob")


def _digest_run_reads() -> tuple[int, int]:
    """One run's reads (SELECTs) and emails sent, everything counting as new."""
    AuthorDigestEntry.objects.all().delete()
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as run:
        sent = author_digests_send()
    reads = [q for q in run.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    return len(reads), sent


def test_a_run_reads_the_same_whatever_the_number_of_authors(verified_user, make_article, post):
    """The run's reads do not grow with the number of authors (each reads up to a week of
    comments): only each email's own record is written per author."""
    _authors_with_comments(verified_user, make_article, post, range(1))
    one, sent_one = _digest_run_reads()
    _authors_with_comments(verified_user, make_article, post, range(1, 5))
    many, sent_many = _digest_run_reads()
    assert (sent_one, sent_many) == (1, 5)
    assert many == one
    [last] = [message for message in mail.outbox if message.to == ["author4@example.com"]]
    assert "Comment on piece 4" in last.body and "Another on piece 4" in last.body
    assert "piece 3" not in last.body
