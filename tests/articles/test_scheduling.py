"""Scheduling articles: the author area's publish now / schedule / reschedule / unschedule,
and beat's task that publishes what is due (visible on time without it, too)."""

import importlib
import re
import threading
import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, PublicationState
from articles.services import article_edit, article_save, articles_publish_due
from articles.tasks import articles_publish_due_task
from core.roles import AUTHORS_GROUP
from tests.support import article_state

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def draft(make_article, author) -> Article:
    return make_article(title="Coming soon", publish=False, authors=[author])


@pytest.fixture
def author_client(client, author) -> Client:
    client.force_login(author)
    return client


@pytest.fixture
def london(settings):
    """The site's time zone is London (an hour ahead of UTC in summer)."""
    settings.TIME_ZONE = "Europe/London"
    timezone.deactivate()


def schedule(article: Article, when: datetime) -> Article:
    """Put an article on a schedule directly, as the admin could (bypassing the time check)."""
    Article.objects.filter(pk=article.pk).update(status=Article.Status.SCHEDULED, published_at=when)
    article.refresh_from_db()
    return article


def local_input(moment: datetime) -> str:
    """What a datetime-local input sends for `moment` in the current time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def url(name: str, article: Article) -> str:
    return reverse(f"articles:{name}", args=[article.pk])


def visible_to_readers(article: Article) -> bool:
    """Whether the article's page, the front page and the articles feed show it."""
    page = Client().get(article.get_absolute_url()).status_code
    front = article.title in Client().get(reverse("articles:list")).content.decode()
    feed = article.title in Client().get("/feeds/articles.atom").content.decode()
    assert (page == 200) == front == feed, "the page, front page and feed disagree"
    return page == 200


# ---------------------------------------------------------------------------
# The author area
# ---------------------------------------------------------------------------
def test_scheduling_reads_the_time_in_the_sites_time_zone(london, author_client, draft):
    """9:30 typed on a London site in summer is 8:30 UTC, and the message names the zone."""
    year = timezone.now().year + 1
    response = author_client.post(
        url("author_schedule", draft), {"publish_at": f"{year}-07-01T09:30"}, follow=True
    )
    draft.refresh_from_db()
    assert draft.status == Article.Status.SCHEDULED
    assert draft.published_at == datetime(year, 7, 1, 8, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    html = response.content.decode()
    assert f"“Coming soon” is scheduled to publish on 1 July {year}, 09:30 BST." in html


def test_edit_page_offers_publish_now_and_schedule_with_the_time_zone(london, author_client, draft):
    """A draft's edit page has "Publish now" and a schedule field that names the time zone."""
    html = author_client.get(url("author_edit", draft)).content.decode()
    assert "Publish now" in html and 'type="datetime-local"' in html
    assert "Europe/London" in html and ">Schedule</button>" in html
    assert "Unschedule" not in html


def test_a_scheduled_article_shows_its_time_with_reschedule_and_unschedule(author_client, draft):
    """Once scheduled, the edit page and dashboard show when, and offer to move or undo it."""
    when = timezone.now() + timedelta(days=2)
    schedule(draft, when)
    html = author_client.get(url("author_edit", draft)).content.decode()
    assert "Scheduled to publish on" in html and local_input(when) in html
    assert ">Reschedule</button>" in html and "Unschedule (back to draft)" in html
    dashboard = author_client.get(reverse("articles:author_dashboard")).content.decode()
    assert "Publishes on" in dashboard and "Unschedule" in dashboard


def test_rescheduling_moves_the_time(author_client, draft):
    """Scheduling a scheduled article again moves its time and says so."""
    schedule(draft, timezone.now() + timedelta(days=2))
    later = timezone.now() + timedelta(days=5)
    response = author_client.post(
        url("author_schedule", draft), {"publish_at": local_input(later)}, follow=True
    )
    draft.refresh_from_db()
    assert draft.published_at == later.replace(second=0, microsecond=0)
    assert "is now scheduled to publish on" in response.content.decode()


def test_unscheduling_goes_back_to_draft(author_client, draft):
    """Unschedule turns a scheduled article back into a draft with no date."""
    schedule(draft, timezone.now() + timedelta(days=2))
    response = author_client.post(url("author_unschedule", draft), follow=True)
    draft.refresh_from_db()
    assert (draft.status, draft.published_at) == (Article.Status.DRAFT, None)
    assert "is a draft again" in response.content.decode()


def test_unscheduling_a_draft_says_nothing_changed(author_client, draft):
    """Unscheduling what is not scheduled changes nothing, and says so."""
    response = author_client.post(url("author_unschedule", draft), follow=True)
    assert "was not scheduled: nothing changed" in response.content.decode()
    assert article_state(draft)["status"] == Article.Status.DRAFT


def test_publish_now_on_a_scheduled_article_publishes_it_at_once(author_client, draft):
    """Publishing a scheduled article now publishes it at once, not at its planned time."""
    schedule(draft, timezone.now() + timedelta(days=2))
    author_client.post(url("author_publish", draft))
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED and draft.published_at <= timezone.now()
    assert visible_to_readers(draft)


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("2001-01-01T10:00", "Choose a time in the future, or publish it now."),
        ("next tuesday", "Enter a date and time"),
        ("", "Choose the date and time to publish on."),
        ("9999-12-31T23:59", "Choose a time within the next five years."),
    ],
)
def test_a_bad_time_is_a_400_that_keeps_what_was_typed(author_client, draft, typed, error):
    """A past, unreadable, missing or absurd time is refused on the edit page, keeping the
    typed value, and the article stays a draft."""
    response = author_client.post(url("author_schedule", draft), {"publish_at": typed})
    html = response.content.decode()
    assert response.status_code == 400
    assert "The article was not scheduled." in html and error in html
    assert f'value="{typed}"' in html or not typed
    assert article_state(draft)["status"] == Article.Status.DRAFT


def test_a_time_the_clocks_skip_is_a_400(london, author_client, draft):
    """1:30 on the night London's clocks go forward does not exist: a clear 400."""
    year = timezone.now().year + 1
    last_sunday = max(
        day for day in range(25, 32) if datetime(year, 3, day).weekday() == 6
    )  # the clocks go forward on March's last Sunday
    typed = f"{year}-03-{last_sunday:02d}T01:30"
    response = author_client.post(url("author_schedule", draft), {"publish_at": typed})
    assert response.status_code == 400 and "Europe/London" in response.content.decode()
    assert article_state(draft)["status"] == Article.Status.DRAFT


def test_a_published_article_cannot_be_scheduled_or_unscheduled(
    author_client, make_article, author
):
    """A published article keeps its date: scheduling is a 400, unscheduling an error message."""
    live = make_article(title="Out already", authors=[author])
    before = article_state(live)
    later = local_input(timezone.now() + timedelta(days=1))
    response = author_client.post(url("author_schedule", live), {"publish_at": later})
    assert response.status_code == 400 and "already published" in response.content.decode()
    response = author_client.post(url("author_unschedule", live), follow=True)
    assert "is already published: it cannot go back to draft" in response.content.decode()
    assert article_state(live) == before


@pytest.mark.parametrize("name", ["author_schedule", "author_unschedule"])
def test_only_the_articles_authors_may_schedule(client, draft, make_user, name):
    """Anonymous visitors go to log in; a reader or another author gets 403; GET is 405."""
    data = {"publish_at": local_input(timezone.now() + timedelta(days=1))}
    response = client.post(url(name, draft), data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    for user in (make_user("reader"), make_user("other", groups=[AUTHORS_GROUP])):
        client.force_login(user)
        assert client.post(url(name, draft), data).status_code == 403
    client.force_login(draft.authors.get())
    assert client.get(url(name, draft)).status_code == 405
    assert article_state(draft)["status"] == Article.Status.DRAFT


def test_a_superuser_may_schedule_any_article(client, draft, make_user):
    """A superuser schedules an article they did not write."""
    client.force_login(make_user("boss", is_superuser=True, is_staff=True))
    data = {"publish_at": local_input(timezone.now() + timedelta(days=1))}
    assert client.post(url("author_schedule", draft), data).status_code == 302
    assert article_state(draft)["status"] == Article.Status.SCHEDULED


# ---------------------------------------------------------------------------
# Visibility and beat's task
# ---------------------------------------------------------------------------
def test_a_scheduled_article_is_hidden_until_its_time(draft):
    """Before its time a scheduled article is on no page, in no feed, and not due."""
    schedule(draft, timezone.now() + timedelta(minutes=5))
    assert draft.publication_state == PublicationState.SCHEDULED
    assert not visible_to_readers(draft)
    assert articles_publish_due() == []
    assert article_state(draft)["status"] == Article.Status.SCHEDULED


def test_a_due_article_is_visible_on_time_without_beat(draft):
    """Once its time has passed a scheduled article is visible even if the task never ran
    (the embedded site runs no beat)."""
    schedule(draft, timezone.now() - timedelta(seconds=1))
    assert article_state(draft)["status"] == Article.Status.SCHEDULED
    assert draft.publication_state == PublicationState.PUBLISHED
    assert visible_to_readers(draft)


def test_the_task_publishes_what_is_due_once(make_article, author):
    """The task marks due articles published (keeping their time), leaves the others, and a
    second run does nothing."""
    due = schedule(make_article(title="Due", publish=False), timezone.now() - timedelta(minutes=1))
    later = schedule(
        make_article(title="Later", publish=False), timezone.now() + timedelta(hours=1)
    )
    assert articles_publish_due_task() == [due.slug]
    assert article_state(due)["status"] == Article.Status.PUBLISHED
    assert Article.objects.get(pk=due.pk).published_at == due.published_at
    assert article_state(later)["status"] == Article.Status.SCHEDULED
    assert articles_publish_due_task() == []
    assert visible_to_readers(due) and not visible_to_readers(later)


def test_publishing_what_is_due_drops_its_cached_page(draft, django_capture_on_commit_callbacks):
    """At the moment the task publishes an article, its cached pages are dropped."""
    schedule(draft, timezone.now() - timedelta(minutes=1))
    key = f"parley:page:{draft.slug}:version"
    cache.set(key, "before", None)
    with django_capture_on_commit_callbacks(execute=True):
        articles_publish_due()
    assert cache.get(key) != "before"  # dropped: the next lookup makes a new version


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_publish_each_article_once(make_article):
    """Two workers running the task at the same moment publish a due article once between
    them (the row is locked; the update only takes a still-scheduled article)."""
    articles = [make_article(publish=False) for _ in range(3)]
    for article in articles:
        schedule(article, timezone.now() - timedelta(minutes=1))
    barrier, results = threading.Barrier(2), []

    def run() -> None:
        try:
            connection.ensure_connection()  # so both start their query at the same moment
            barrier.wait(timeout=10)
            results.append(articles_publish_due())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    published = sorted(slug for result in results for slug in result)
    assert len(results) == 2 and published == sorted(a.slug for a in articles)
    assert all(article_state(a)["status"] == Article.Status.PUBLISHED for a in articles)


def test_beat_runs_the_task_every_minute(django_setup_skipped):
    """Beat's schedule has the task, every minute, and the Celery app knows it by that name
    (Celery's Django fixup sets Django up as it imports the task modules)."""
    from config.celery import app

    entry = django_settings.CELERY_BEAT_SCHEDULE["publish-due-articles"]
    assert entry == {"task": "articles.tasks.articles_publish_due_task", "schedule": 60.0}
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


# ---------------------------------------------------------------------------
# Other ways in: creating, the admin, and articles stored before scheduling existed
# ---------------------------------------------------------------------------
def test_creating_or_saving_with_a_future_date_schedules(author, draft):
    """A "published" article with a time to come is stored as scheduled (the admin's way)."""
    draft.status, draft.published_at = Article.Status.PUBLISHED, timezone.now() + timedelta(days=1)
    article_save(article=draft)
    assert article_state(draft)["status"] == Article.Status.SCHEDULED
    draft.published_at = timezone.now() - timedelta(days=1)
    article_save(article=draft)
    assert article_state(draft)["status"] == Article.Status.PUBLISHED


def test_published_in_the_admin_with_no_date_is_published_now(client, make_user, draft):
    """Every page then says the same true thing: published, dated now, visible to readers,
    and not scheduled (so unscheduling it is refused as for any published article)."""
    client.force_login(make_user("boss", is_staff=True, is_superuser=True))
    before = timezone.now()
    data = {
        "title": draft.title,
        "slug": draft.slug,
        "authors": [user.pk for user in draft.authors.all()],
        "body": draft.body,
        "status": Article.Status.PUBLISHED,
        "published_at_0": "",
        "published_at_1": "",
        "comments_open": "on",
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
    }
    response = client.post(f"/admin/articles/article/{draft.pk}/change/", data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    assert before <= draft.published_at <= timezone.now()
    assert draft.publication_state == PublicationState.PUBLISHED
    assert visible_to_readers(draft)
    dashboard = client.get(reverse("articles:author_dashboard")).content.decode()
    assert "Publishes on" not in dashboard
    assert "Scheduled to publish" not in client.get(url("author_edit", draft)).content.decode()
    response = client.post(url("author_unschedule", draft), follow=True)
    assert "already published: it cannot go back to draft" in response.content.decode()


def test_the_migration_dates_articles_published_without_a_date(draft):
    """Stored before this change, "published" with no date is published from now."""
    Article.objects.filter(pk=draft.pk).update(status=Article.Status.PUBLISHED)
    migration = importlib.import_module("articles.migrations.0007_published_without_date")
    migration.dated_when_published_without_date(apps, None)
    draft.refresh_from_db()
    assert draft.publication_state == PublicationState.PUBLISHED


def test_a_scheduled_articles_address_follows_its_title_until_readers_see_it(draft):
    """Renamed before its time, a scheduled article's slug moves; once visible it stays."""
    fields = {
        "standfirst": "",
        "body": "x",
        "comments_open": True,
        "comments_close_after_days": None,
    }
    schedule(draft, timezone.now() + timedelta(days=1))
    article_edit(article=draft, title="Renamed in time", **fields)
    assert draft.slug == "renamed-in-time"
    schedule(draft, timezone.now() - timedelta(seconds=1))
    article_edit(article=draft, title="Renamed too late", **fields)
    assert Article.objects.get(pk=draft.pk).slug == "renamed-in-time"


def test_the_migration_names_future_published_articles_scheduled(make_article):
    """Articles published with a future date before this change become scheduled."""
    waiting, live = make_article(title="Waiting"), make_article(title="Live")
    Article.objects.filter(pk=waiting.pk).update(published_at=timezone.now() + timedelta(days=1))
    migration = importlib.import_module("articles.migrations.0004_updates_schedule")
    migration.scheduled_from_future_dates(apps, None)
    assert article_state(waiting)["status"] == Article.Status.SCHEDULED
    assert article_state(live)["status"] == Article.Status.PUBLISHED


def test_the_page_cache_never_keeps_a_scheduled_articles_page(settings, draft):
    """A reader asking early gets a 404 that is not kept, so the article shows on time."""
    settings.PARLEY_PAGE_CACHE_SECONDS = 60
    schedule(draft, timezone.now() + timedelta(minutes=5))
    assert Client().get(draft.get_absolute_url()).status_code == 404
    schedule(draft, timezone.now() - timedelta(seconds=1))
    response = Client().get(draft.get_absolute_url())
    assert response.status_code == 200 and response["X-Parley-Cache"] == "miss"


def test_publish_now_on_the_edit_page_publishes_the_text_in_the_form(author_client, draft):
    """Edited and not saved, then "Publish now": what the author sees in the form is what
    goes public, not the last saved version, and nothing typed is lost."""
    html = author_client.get(url("author_edit", draft)).content.decode()
    [form_id] = re.findall(r'<form method="post"[^>]* id="([^"]+)" class="form author-form"', html)
    [button] = re.findall(r"<button[^>]*>Publish now</button>", html)
    assert f'form="{form_id}"' in button and 'name="publish"' in button
    response = author_client.post(
        url("author_edit", draft),
        {
            "title": "Coming soon",
            "body": "The final text, typed just now.",
            "comments_open": "on",
            "loaded_at": draft.updated_at.isoformat(),
            "publish": "1",
        },
        follow=True,
    )
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED and draft.is_published
    assert draft.body == "The final text, typed just now."
    assert "“Coming soon” is published." in response.content.decode()


def test_schedule_on_the_edit_page_keeps_and_schedules_the_text_in_the_form(author_client, draft):
    """Edited and not saved, then "Schedule": the text in the form is saved and scheduled;
    a refused time says why beside the field and gives back the text typed, unsaved."""
    html = author_client.get(url("author_edit", draft)).content.decode()
    [button] = re.findall(r"<button[^>]*>Schedule</button>", html)
    assert 'form="article-form"' in button and 'name="schedule"' in button
    # Part of the article form, it must not stop its Save with a browser's required check.
    [field] = re.findall(r'<input type="datetime-local" name="publish_at"[^>]*>', html)
    assert 'form="article-form"' in field and "required" not in field
    fields = {
        "title": "Coming soon, retitled",
        "body": "The planned text, typed just now.",
        "comments_open": "on",
        "loaded_at": draft.updated_at.isoformat(),
        "schedule": "1",
    }
    refused = author_client.post(
        url("author_edit", draft), fields | {"publish_at": "2001-01-01T10:00"}
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "The article was not scheduled." in page and "Choose a time in the future" in page
    assert "The planned text, typed just now." in page
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT and draft.body != fields["body"]
    when = timezone.localtime() + timedelta(days=3)
    response = author_client.post(
        url("author_edit", draft), fields | {"publish_at": local_input(when)}, follow=True
    )
    draft.refresh_from_db()
    assert draft.status == Article.Status.SCHEDULED and not draft.is_published
    assert draft.body == "The planned text, typed just now."
    assert "“Coming soon, retitled” is scheduled to publish on" in response.content.decode()


def test_scheduling_refused_by_the_service_saves_nothing_and_names_the_article_as_stored(
    author_client, make_article, author
):
    """A schedule refused once the edit was under way (here: the article is published) rolls
    the edit back, and the page names the article as stored, not as typed."""
    article = make_article(title="Out already", authors=[author])
    when = timezone.localtime() + timedelta(days=3)
    response = author_client.post(
        url("author_edit", article),
        {
            "title": "Retitled meanwhile",
            "body": "New text",
            "comments_open": "on",
            "schedule": "1",
            "publish_at": local_input(when),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "already published" in page
    assert "Edit “Out already”" in page and "Edit “Retitled meanwhile”" not in page
    article.refresh_from_db()
    assert article.title == "Out already" and article.body != "New text"


def test_unschedule_on_the_edit_page_keeps_the_text_in_the_form_as_the_draft(author_client, draft):
    """Edited and not saved, then "Unschedule (back to draft)": the article goes back to
    draft with the text the author sees, not the last saved one; refused (it came out
    meanwhile), nothing is saved and the text typed comes back."""
    schedule(draft, timezone.now() + timedelta(days=2))
    html = author_client.get(url("author_edit", draft)).content.decode()
    [button] = re.findall(r"<button[^>]*>Unschedule \(back to draft\)</button>", html)
    assert 'form="article-form"' in button and 'name="unschedule"' in button
    fields = {
        "title": "Coming soon",
        "body": "Second thoughts, typed just now.",
        "comments_open": "on",
        "loaded_at": draft.updated_at.isoformat(),
        "unschedule": "1",
    }
    response = author_client.post(url("author_edit", draft), fields, follow=True)
    draft.refresh_from_db()
    assert (draft.status, draft.published_at) == (Article.Status.DRAFT, None)
    assert draft.body == "Second thoughts, typed just now."
    assert "“Coming soon” is saved, and a draft again" in response.content.decode()

    schedule(draft, timezone.now() - timedelta(minutes=1))  # its time came meanwhile
    articles_publish_due()
    draft.refresh_from_db()
    refused = author_client.post(
        url("author_edit", draft), fields | {"body": "Too late.", "loaded_at": ""}
    )
    assert refused.status_code == 400
    assert "Too late." in refused.content.decode()
    assert "cannot go back to draft" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.is_published and draft.body == "Second thoughts, typed just now."
