"""Correcting and withdrawing updates: what readers, feeds and followers see, who may do it,
and the anonymous page cache following along."""

import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from articles.authoring import date_text
from articles.models import Article, ArticleUpdate
from articles.services import (
    CorrectionAlreadySaved,
    update_correct,
    update_publish,
    update_save,
    update_text_digest,
    update_withdraw,
)
from core.roles import AUTHORS_GROUP
from readers.models import Follow
from readers.services import notifications_sweep, update_notify
from tests.support import posted_twice_at_once

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
CHECKED_BOX = re.compile(r'<input type="checkbox" name="notify_followers"[^>]* checked>')


@pytest.fixture
def article(make_article, author):
    return make_article(title="Budget story", authors=[author])


@pytest.fixture
def update(article, author):
    return update_publish(article=article, author=author, body="The deficit is **£3bn**.")


def scheduled_update(article, author, *, body: str, days: float) -> ArticleUpdate:
    """An update dated `days` ahead, as the admin schedules one."""
    return update_save(
        update=ArticleUpdate(
            article=article,
            author=author,
            body=body,
            published_at=timezone.now() + timedelta(days=days),
        )
    )


@pytest.fixture
def follower(article):
    """A reader who followed the article before its updates were posted."""
    return Follow.objects.create(
        article=article, email="fan@example.com", confirmed_at=timezone.now() - timedelta(days=1)
    )


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


@pytest.fixture
def run_commits(django_capture_on_commit_callbacks):
    """Run a block as committed work: on_commit callbacks (and the tasks they queue) run."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def today() -> str:
    return date_format(timezone.localtime(), "j F Y")


def edit_url(update: ArticleUpdate) -> str:
    return reverse("articles:update_edit", args=[update.article.slug, update.pk])


def withdraw_url(update: ArticleUpdate) -> str:
    return reverse("articles:update_withdraw", args=[update.article.slug, update.pk])


def page(article) -> str:
    return Client().get(article.get_absolute_url()).content.decode()


def atom_entry(article, update) -> tuple[str, str]:
    """The title and content of an update's entry in the article's updates feed."""
    root = ET.fromstring(Client().get(f"/articles/{article.slug}/updates.atom").content)
    for entry in root.iter(f"{ATOM}entry"):
        if entry.find(f"{ATOM}link").get("href").endswith(f"#update-{update.pk}"):
            return entry.find(f"{ATOM}title").text, entry.find(f"{ATOM}summary").text or ""
    raise AssertionError("the update is not in the feed")


# ---------------------------------------------------------------------------
# Correcting
# ---------------------------------------------------------------------------
def test_a_correction_replaces_the_text_and_says_when(author_client, article, update):
    """After a correction the page shows the new text and "Corrected on <today>"."""
    response = author_client.post(edit_url(update), {"body": "The deficit is **£2bn**."})
    assert response.status_code == 302
    assert response["Location"].endswith(f"{article.get_absolute_url()}#update-{update.pk}")
    html = page(article)
    assert "<strong>£2bn</strong>" in html and "£3bn" not in html
    assert "Corrected on <time" in html and today() in html


def test_a_typo_fix_is_not_emailed_again(author_client, update, follower, run_commits):
    """Unticked (the default), a correction sends followers nothing, and the message says so."""
    with run_commits():
        update_notify(update_id=update.pk)
    assert len(mail.outbox) == 1
    with run_commits():
        response = author_client.post(edit_url(update), {"body": "Typo fixed."}, follow=True)
    assert "Followers were not emailed." in response.content.decode()
    assert len(mail.outbox) == 1
    assert notifications_sweep() == 0 and len(mail.outbox) == 1


def test_the_checkbox_is_off_by_default(author_client, update):
    """The edit form offers "Notify followers of this correction", unticked, with the text."""
    html = author_client.get(edit_url(update)).content.decode()
    assert "Notify followers of this correction" in html
    assert 'name="notify_followers"' in html and not CHECKED_BOX.search(html)
    assert "The deficit is **£3bn**." in html


def test_a_correction_followers_are_told_of_is_emailed_once(
    author_client, article, update, follower, run_commits
):
    """Ticked, the correction is emailed to each follower once, with the corrected text."""
    with run_commits():
        update_notify(update_id=update.pk)
    with run_commits():
        response = author_client.post(
            edit_url(update), {"body": "Now **£2bn**.", "notify_followers": "on"}, follow=True
        )
    assert "Anyone following the article will get it by email." in response.content.decode()
    assert len(mail.outbox) == 2
    message = mail.outbox[1]
    assert message.to == ["fan@example.com"]
    assert message.subject == f"[Parley] Correction: {article.title}"
    assert "was corrected on" in message.body and "Now **£2bn**." in message.body
    assert "<strong>£2bn</strong>" in message.alternatives[0][0]
    assert update_notify(update_id=update.pk) == 0
    assert notifications_sweep() == 0 and len(mail.outbox) == 2


def loaded_form(client, update: ArticleUpdate, **typed) -> dict:
    """What the correction form sends, as drawn on the page, with the text typed."""
    html = client.get(edit_url(update)).content.decode()
    match = re.search(r'name="loaded" value="([0-9a-f]+)"', html)
    return typed | ({"loaded": match.group(1)} if match else {})


def test_a_correction_sent_twice_lands_on_it_with_no_error_and_one_email(
    author_client, article, update, follower, run_commits
):
    """A double click on "Publish correction": the second is no 400 saying nothing was
    saved, but lands on the update saying it was saved once; followers get one email."""
    with run_commits():
        update_notify(update_id=update.pk)
    data = loaded_form(author_client, update, body="Now £2bn.", notify_followers="on")
    with run_commits():
        author_client.post(edit_url(update), data)
    with run_commits():
        second = author_client.post(edit_url(update), data, follow=True)
    assert second.redirect_chain == [(f"{article.get_absolute_url()}#update-{update.pk}", 302)]
    html = second.content.decode()
    assert "The update already reads as you typed it: it was saved once, not twice." in html
    assert "The correction was not saved." not in html
    assert len(mail.outbox) == 2  # the update, then its correction once


def test_a_scheduled_update_changed_twice_from_one_page_says_so_at_the_top(
    author_client, article, author
):
    scheduled = scheduled_update(article, author, body="Draft figure", days=2)
    data = loaded_form(author_client, scheduled, body="Final figure.")
    author_client.post(edit_url(scheduled), data)
    second = author_client.post(edit_url(scheduled), data, follow=True)
    assert second.redirect_chain == [(article.get_absolute_url(), 302)]
    assert "it was saved once, not twice." in second.content.decode()


def test_the_service_tells_a_repeated_correction_from_a_save_of_nothing(update):
    """update_correct itself decides: the text sent again after its page's first save is a
    repeat; the same text from a page that already showed it is a save of nothing."""
    shown = update_text_digest(update.body)
    update_correct(update=update, body="Now £2bn.", loaded=shown)
    with pytest.raises(CorrectionAlreadySaved) as repeat:
        update_correct(update=update, body="Now £2bn.", loaded=shown)
    assert repeat.value.update.body == "Now £2bn."
    fresh = update_text_digest("Now £2bn.")
    with pytest.raises(ValidationError, match="nothing to correct"):
        update_correct(update=update, body="Now £2bn.", loaded=fresh)


def test_sending_the_text_unchanged_from_a_fresh_page_is_still_refused(author_client, update):
    """Nothing saved since the page was drawn: the same text is a save of nothing."""
    data = loaded_form(author_client, update, body="The deficit is **£3bn**.")
    response = author_client.post(edit_url(update), data)
    assert response.status_code == 400
    assert "nothing to correct" in response.content.decode()


def test_a_follower_first_told_through_the_correction_is_not_sent_the_original(update, follower):
    """When the correction goes out before the update's own email, nobody gets both."""
    update_correct(update=update, body="Corrected first.", notify_followers=True)
    assert update_notify(update_id=update.pk) == 1
    assert notifications_sweep() == 0
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["[Parley] Correction"]


def test_the_sweep_sends_a_correction_whose_task_was_lost(update, follower):
    """A correction to announce is sent by the notifications sweep if its task never ran,
    even for an update older than the sweep's day."""
    update_notify(update_id=update.pk)
    ArticleUpdate.objects.filter(pk=update.pk).update(
        published_at=timezone.now() - timezone.timedelta(days=10)
    )
    update_correct(update=update, body="Corrected later.", notify_followers=True)  # no commit
    assert notifications_sweep() == 1
    assert mail.outbox[-1].subject.startswith("[Parley] Correction")
    assert notifications_sweep() == 0


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "Write the corrected update, or withdraw it instead."),
        ("The deficit is **£3bn**.", "The text is the same as the published update"),
    ],
)
def test_a_bad_correction_is_a_400_that_keeps_the_text(author_client, update, body, error):
    """An empty or unchanged correction is refused with the reason, the text typed kept, and
    nothing changed."""
    response = author_client.post(edit_url(update), {"body": body, "notify_followers": "on"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "The correction was not saved." in html and error in html
    if body:
        assert f"{body}</textarea>" in html
    assert CHECKED_BOX.search(html)
    update.refresh_from_db()
    assert update.corrected_at is None and not update.correction_notice_pending


def test_a_correction_is_rendered_safe(author_client, update):
    """Markup typed into a correction is sanitised on the page like any update."""
    response = author_client.post(edit_url(update), {"body": "<script>alert(1)</script> x"})
    assert response.status_code == 302
    assert "<script>alert(1)</script>" not in page(update.article)


def test_an_admin_edit_of_the_text_is_dated_as_a_correction(update):
    """Changing an update's text through update_save (the admin's way) marks it corrected;
    saving it unchanged does not."""
    update_save(update=ArticleUpdate.objects.get(pk=update.pk))
    assert ArticleUpdate.objects.get(pk=update.pk).corrected_at is None
    update.body = "Edited in the admin."
    update_save(update=update)
    assert ArticleUpdate.objects.get(pk=update.pk).corrected_at is not None


# ---------------------------------------------------------------------------
# Withdrawing
# ---------------------------------------------------------------------------
def test_a_withdrawn_update_shows_only_when_it_was_withdrawn(author_client, article, update):
    """Readers see "Withdrawn on <today>" where the update was, without its text."""
    response = author_client.post(withdraw_url(update), follow=True)
    assert "The update is withdrawn" in response.content.decode()
    html = page(article)
    assert f'id="update-{update.pk}"' in html
    assert "Withdrawn on <time" in html and today() in html
    assert "£3bn" not in html


def test_a_withdrawn_update_is_never_emailed(article, author, follower, run_commits):
    """An update withdrawn before its email went out is never sent, by the task or the sweep."""
    update = update_publish(article=article, author=author, body="Oops.")  # task not run yet
    update_withdraw(update=update)
    assert update_notify(update_id=update.pk) == 0
    assert notifications_sweep() == 0
    assert mail.outbox == []


def test_withdrawing_drops_a_correction_waiting_to_be_emailed(update, follower):
    """A correction not yet sent is not sent once its update is withdrawn."""
    update_notify(update_id=update.pk)
    update_correct(update=update, body="Changed.", notify_followers=True)
    update_withdraw(update=update)
    assert update_notify(update_id=update.pk) == 0 and notifications_sweep() == 0
    assert len(mail.outbox) == 1


def test_withdrawing_twice_says_it_already_was(author_client, update):
    """A second withdrawal changes nothing and says when it was withdrawn."""
    author_client.post(withdraw_url(update))
    first = ArticleUpdate.objects.get(pk=update.pk).withdrawn_at
    response = author_client.post(withdraw_url(update), follow=True)
    assert f"That update was already withdrawn on {today()}." in response.content.decode()
    assert ArticleUpdate.objects.get(pk=update.pk).withdrawn_at == first


def kept_text(html: str) -> str:
    """The text a page hands back in its read-only box ("" if none)."""
    match = re.search(r'<textarea id="kept-text"[^>]*>(.*?)</textarea>', html, re.S)
    return match.group(1).strip() if match else ""


def test_withdrawing_with_a_correction_typed_hands_the_text_back(author_client, update):
    """The withdraw button sends the correction box too: a correction typed but not saved is
    shown back, read-only, on the page that says the update is withdrawn, and said unsaved."""
    form = author_client.get(edit_url(update)).content.decode()
    assert re.search(r'<button type="submit" form="update-correction"[^>]*formaction=', form)
    typed = "Now <b>£2bn</b>, not £3bn."
    response = author_client.post(withdraw_url(update), {"body": typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert "The update is withdrawn: readers now see only that it was withdrawn." in html
    assert "The text you typed was not saved." in html
    assert kept_text(html) == "Now &lt;b&gt;£2bn&lt;/b&gt;, not £3bn."
    update.refresh_from_db()
    assert update.is_withdrawn and update.body == "The deficit is **£3bn**."
    again = author_client.post(withdraw_url(update), {"body": typed}).content.decode()
    assert f"That update was already withdrawn on {today()}." in again
    assert kept_text(again) == "Now &lt;b&gt;£2bn&lt;/b&gt;, not £3bn."


def test_withdrawing_with_the_stored_text_in_the_box_lands_on_the_update(
    author_client, article, update
):
    """Nothing typed beyond the stored text: nothing to hand back, the answer is as before."""
    response = author_client.post(withdraw_url(update), {"body": update.body}, follow=True)
    assert response.redirect_chain == [(f"{article.get_absolute_url()}#update-{update.pk}", 302)]
    assert kept_text(response.content.decode()) == ""


def test_cancelling_a_scheduled_update_hands_back_the_change_typed(author_client, article, author):
    """A scheduled update is deleted on withdrawal: the change typed in its box is shown
    back all the same."""
    scheduled = scheduled_update(article, author, body="Planned", days=2)
    when = scheduled.published_at
    response = author_client.post(withdraw_url(scheduled), {"body": "Planned, revised."})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"The update planned for {date_text(when)} is cancelled" in html
    assert kept_text(html) == "Planned, revised."
    assert not ArticleUpdate.objects.filter(pk=scheduled.pk).exists()


def test_withdrawing_a_scheduled_update_twice_lands_on_its_article_not_a_404(
    author_client, article, author, make_user
):
    """The second press of Withdraw finds the update the first cancelled gone: the author
    lands on the article told so (and any text typed is handed back), not on "Not found";
    to anyone else it is still a 404."""
    scheduled = scheduled_update(article, author, body="Planned", days=2)
    author_client.post(withdraw_url(scheduled))
    second = author_client.post(withdraw_url(scheduled), follow=True)
    assert second.redirect_chain == [(article.get_absolute_url(), 302)]
    html = second.content.decode()
    assert "That update is no longer there: it was cancelled or removed." in html
    assert "is cancelled" not in html, "one note, not one per press"
    typed = author_client.post(withdraw_url(scheduled), {"body": "Planned, revised."})
    assert typed.status_code == 200
    assert "Nothing to withdraw" in typed.content.decode()
    assert kept_text(typed.content.decode()) == "Planned, revised."
    other = Client()
    other.force_login(make_user("other_author", groups=[AUTHORS_GROUP]))
    assert other.post(withdraw_url(scheduled)).status_code == 404


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_withdrawals_at_once_of_a_scheduled_update_are_no_500(make_user, make_article):
    """The second press reads the update before the first's cancellation commits, then
    finds it gone: the author is told it is no longer there, not shown a server error."""
    author = make_user("ada", groups=[AUTHORS_GROUP])
    article = make_article(title="Ada's piece", authors=[author])
    scheduled = scheduled_update(article, author, body="Planned", days=2)
    browser = Client()
    browser.force_login(author)
    first, second = posted_twice_at_once(browser, withdraw_url(scheduled), {})
    assert first.status_code == 302 and second is not None, "the second raised"
    assert second.status_code == 302 and second["Location"] == article.get_absolute_url()
    assert not ArticleUpdate.objects.filter(pk=scheduled.pk).exists()


def test_a_withdrawn_update_cannot_be_corrected(author_client, update):
    """Correcting a withdrawn update is a 400 that keeps the text typed; its page offers no
    form."""
    update_withdraw(update=update)
    assert "Publish correction" not in author_client.get(edit_url(update)).content.decode()
    typed = "</textarea><script>alert(1)</script>"
    response = author_client.post(edit_url(update), {"body": typed})
    html = response.content.decode()
    assert response.status_code == 400 and "it can no longer be corrected" in html
    assert ">&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in html
    assert typed not in html
    assert ArticleUpdate.objects.get(pk=update.pk).body == "The deficit is **£3bn**."


# ---------------------------------------------------------------------------
# Feeds and the page cache
# ---------------------------------------------------------------------------
def test_the_feed_shows_corrections_and_withdrawals(article, update, author):
    """The updates feed shows a corrected text with its date, and a withdrawn update's date
    without its text."""
    other = update_publish(article=article, author=author, body="Second thoughts.")
    update_correct(update=update, body="Now £2bn.")
    update_withdraw(update=other)
    title, summary = atom_entry(article, update)
    assert "Now £2bn." in summary and f"Corrected on {today()}" in summary
    title, summary = atom_entry(article, other)
    assert title.endswith("(withdrawn)") and "Second thoughts" not in summary
    assert f"Withdrawn on {today()}" in summary


@pytest.mark.parametrize("language", ["en-gb", "de", "uk"])
def test_the_feed_writes_dates_as_the_author_area_does(article, update, settings, language):
    """The updates feed's dates are articles.authoring.date_text's, in the article's
    language and the site's time zone (here already the next day)."""
    settings.TIME_ZONE = "Pacific/Auckland"
    Article.objects.filter(pk=article.pk).update(language=language)
    moment = datetime(2026, 1, 1, 23, 30, tzinfo=UTC)
    ArticleUpdate.objects.filter(pk=update.pk).update(published_at=moment, corrected_at=moment)
    title, summary = atom_entry(article, update)
    with translation.override(language):
        written = date_text(moment)
        assert written == date_format(date(2026, 1, 2), "DATE_FORMAT")
    assert written in title and written in summary


def test_the_cached_page_follows_corrections_and_withdrawals(
    settings, article, update, django_capture_on_commit_callbacks
):
    """The anonymous cached page is dropped by a correction and by a withdrawal."""
    settings.PARLEY_PAGE_CACHE_SECONDS = 60
    page(article)
    assert Client().get(article.get_absolute_url())["X-Parley-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        update_correct(update=update, body="Now £2bn.")
    response = Client().get(article.get_absolute_url())
    assert response["X-Parley-Cache"] == "miss" and "Now £2bn." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        update_withdraw(update=update)
    response = Client().get(article.get_absolute_url())
    assert response["X-Parley-Cache"] == "miss" and "Now £2bn." not in response.content.decode()


# ---------------------------------------------------------------------------
# Who may
# ---------------------------------------------------------------------------
def test_only_the_articles_authors_see_the_correct_link(client, article, update, author, make_user):
    """The article's author sees "Correct or withdraw"; readers and the shared page do not."""
    assert "Correct or withdraw" not in page(article)
    client.force_login(make_user("reader"))
    assert "Correct or withdraw" not in client.get(article.get_absolute_url()).content.decode()
    client.force_login(author)
    assert edit_url(update) in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("name", "method"), [("edit", "get"), ("edit", "post"), ("withdraw", "post")]
)
def test_others_are_refused(client, update, make_user, name, method):
    """Anonymous visitors go to log in; a reader or another article's author gets 403; the
    update is unchanged."""
    url = edit_url(update) if name == "edit" else withdraw_url(update)
    data = {"body": "Hijacked", "notify_followers": "on"}

    def send():
        return client.post(url, data) if method == "post" else client.get(url)

    response = send()
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    for user in (make_user("reader"), make_user("other", groups=[AUTHORS_GROUP])):
        client.force_login(user)
        assert send().status_code == 403
    fresh = ArticleUpdate.objects.get(pk=update.pk)
    assert (fresh.body, fresh.withdrawn_at) == ("The deficit is **£3bn**.", None)


def test_a_superuser_may_correct_and_withdraw(client, update, make_user):
    """A superuser may correct and withdraw any article's update."""
    client.force_login(make_user("boss", is_superuser=True, is_staff=True))
    assert client.post(edit_url(update), {"body": "Boss fix."}).status_code == 302
    assert client.post(withdraw_url(update)).status_code == 302
    fresh = ArticleUpdate.objects.get(pk=update.pk)
    assert fresh.body == "Boss fix." and fresh.is_withdrawn


def test_an_update_under_another_articles_address_is_404(
    author_client, make_article, author, update
):
    """The update must belong to the article in the address."""
    other = make_article(title="Other piece", authors=[author])
    url = reverse("articles:update_edit", args=[other.slug, update.pk])
    assert author_client.get(url).status_code == 404


def test_withdrawing_needs_post_and_a_csrf_token(author, update):
    """GET does not withdraw (405); a POST without the CSRF token is refused (403)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    assert client.get(withdraw_url(update)).status_code == 405
    assert client.post(withdraw_url(update)).status_code == 403
    assert not ArticleUpdate.objects.get(pk=update.pk).is_withdrawn


def test_changing_a_scheduled_update_corrects_nothing_and_says_when_it_comes_out(
    author_client, article, author, follower, run_commits
):
    """An update dated ahead (scheduled in the admin, or restored) has had no reader: a
    change is no correction, nobody is emailed a "Correction:", the message says when it
    comes out, and its followers then get it once, as it reads by then."""
    from articles.services import updates_publish_due

    when = timezone.now() + timedelta(days=2)
    scheduled = update_save(
        update=ArticleUpdate(article=article, author=author, body="Draft figure", published_at=when)
    )
    assert scheduled.scheduled
    with run_commits():
        response = author_client.post(
            edit_url(scheduled),
            {"body": "Final **figure**.", "notify_followers": "on"},
            follow=True,
        )
    html = response.content.decode()
    assert f"It comes out on {date_text(when)}, when anyone following the article" in html
    assert "Your correction is published" not in html
    scheduled.refresh_from_db()
    assert scheduled.corrected_at is None and not scheduled.correction_notice_pending
    assert len(mail.outbox) == 0
    ArticleUpdate.objects.filter(pk=scheduled.pk).update(published_at=timezone.now())
    with run_commits():
        assert updates_publish_due() == [scheduled.pk]
    assert len(mail.outbox) == 1
    assert "Correction" not in mail.outbox[0].subject
    assert "Final **figure**." in mail.outbox[0].body


def test_withdrawing_a_scheduled_update_cancels_it_and_says_so_in_view(
    author_client, article, author, follower, run_commits
):
    """An update not out yet is cancelled, not marked withdrawn: it never reaches the
    timeline or its followers, and the author reads so at the top of the article, where the
    answer lands, instead of a note meant for an update the page does not show."""
    from articles.services import updates_publish_due

    scheduled = scheduled_update(article, author, body="Planned", days=2)
    when = scheduled.published_at
    form = author_client.get(edit_url(scheduled)).content.decode()
    assert "This update has not come out yet: withdrawing it deletes it" in form
    with run_commits():
        response = author_client.post(withdraw_url(scheduled))
    assert response["Location"] == article.get_absolute_url()
    html = author_client.get(response["Location"]).content.decode()
    assert f"The update planned for {date_text(when)} is cancelled" in html
    assert not ArticleUpdate.objects.filter(pk=scheduled.pk).exists()
    with run_commits():
        assert updates_publish_due() == []
    assert len(mail.outbox) == 0


def test_an_update_that_came_out_meanwhile_is_withdrawn_not_cancelled(
    author_client, article, author
):
    """The edit page loaded while the update was scheduled, its date passed before the
    click: it is on the timeline by then, so it is withdrawn as any published one."""
    scheduled = scheduled_update(article, author, body="Out now", days=1)
    ArticleUpdate.objects.filter(pk=scheduled.pk).update(
        published_at=timezone.now() - timedelta(minutes=1)
    )
    response = author_client.post(withdraw_url(scheduled))
    assert response["Location"].endswith(f"#update-{scheduled.pk}")
    assert ArticleUpdate.objects.get(pk=scheduled.pk).is_withdrawn


def test_the_edit_page_of_a_scheduled_update_promises_no_correction(author_client, article, author):
    """Changing an update not out yet marks no correction and emails nobody now: its page
    offers no "Notify followers of this correction" box and no "Corrected on" promise."""
    scheduled = scheduled_update(article, author, body="Planned", days=1)
    html = author_client.get(edit_url(scheduled)).content.decode()
    assert "It has not come out yet: the change is not marked as a correction" in html
    assert "notify_followers" not in html and "Corrected on" not in html


def test_a_scheduled_update_out_before_beat_announced_it_is_corrected_as_published(
    author_client, article, author, follower, run_commits
):
    """Its date has passed (readers see it) but beat has not announced it yet: a change is
    a correction, the page offers to notify followers, and the message does not claim it
    "comes out on" a date already gone."""
    out = scheduled_update(article, author, body="Figure: 3", days=1)
    ArticleUpdate.objects.filter(pk=out.pk).update(
        published_at=timezone.now() - timedelta(minutes=5)
    )
    assert "Figure: 3" in page(article)
    form = author_client.get(edit_url(out)).content.decode()
    assert "It has not come out yet" not in form and "notify_followers" in form
    with run_commits():
        response = author_client.post(
            edit_url(out), {"body": "Figure: 4", "notify_followers": "on"}, follow=True
        )
    html = response.content.decode()
    assert "It comes out on" not in html
    assert "Your correction is published. Anyone following the article" in html
    out.refresh_from_db()
    assert out.corrected_at is not None
    assert [message.subject for message in mail.outbox] == ["[Parley] Correction: Budget story"]


@pytest.mark.parametrize("name", ["feed_updates_atom", "feed_updates_rss"])
def test_an_updates_feed_reads_the_same_queries_however_many_updates(make_article, author, name):
    """Each entry's link names its article: read with the updates, not once per entry."""
    counts = []
    Client().get(reverse("feed_articles_atom"))  # reads the Site once, for every later feed
    for size in (2, 12):
        article = make_article(title=f"Running story {size}", authors=[author])
        for number in range(size):
            update_publish(article=article, author=author, body=f"Update {number}")
        with CaptureQueriesContext(connection) as queries:
            response = Client().get(reverse(name, args=[article.slug]))
        assert response.status_code == 200
        assert response.content.decode().count(f"{article.get_absolute_url()}#update-") >= size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_saving_a_scheduled_update_unchanged_does_not_call_it_published(
    author_client, article, author
):
    """An update not out yet, saved with the same text, is refused without calling it "the
    published update": no reader has seen it."""
    scheduled = scheduled_update(article, author, body="Planned", days=1)
    response = author_client.post(edit_url(scheduled), {"body": "Planned"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "published update" not in html
    assert "The text is the same as before: nothing to change." in html


def test_a_correction_sent_after_the_update_was_cancelled_hands_the_text_back(
    author_client, article, author
):
    """The scheduled update was cancelled (in another tab, or by a co-author) while its
    correction was typed: the author is told it is gone and given the text back, not a 404
    that loses it."""
    scheduled = scheduled_update(article, author, body="Planned", days=2)
    form = loaded_form(author_client, scheduled, body="Planned, and revised at length.")
    author_client.post(withdraw_url(scheduled))
    assert not ArticleUpdate.objects.filter(pk=scheduled.pk).exists()

    response = author_client.post(edit_url(scheduled), form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Correction not saved" in html
    assert "That update is no longer there: it was cancelled or removed." in html
    assert "The text you typed was not saved." in html
    assert kept_text(html) == "Planned, and revised at length."
