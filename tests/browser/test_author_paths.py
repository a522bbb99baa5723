"""An author in a real browser: corrects then withdraws an update on their article, and
schedules a draft then publishes it at once. (Picking a comment is in test_editors_picks.py.)"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from articles.models import Article
from articles.services import update_publish
from readers.models import Follow

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, username: str, *, next_path: str) -> None:
    """Sign in through the login form and land on `next_path`."""
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", "a-long-passphrase")
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}{next_path}")


def test_author_corrects_then_withdraws_an_update(live_server, page, make_user, make_article):
    """The correction replaces the text with "Corrected on" and no email to followers; the
    withdrawal leaves only "Withdrawn on" where the text was; each is said inside the update,
    in view where the page lands."""
    author = make_user("ada_author", groups=["Authors"])
    # Long enough that the page lands on the update with the top of the page out of view.
    body = "\n\n".join(["The harbour will be dredged in stages over the spring."] * 80)
    article = make_article(title="Harbour dredging", authors=[author], body=body)
    update = update_publish(article=article, author=author, body="Dredging starts on Munday.")
    Follow.objects.create(article=article, email="fan@example.com", confirmed_at=timezone.now())
    sign_in(page, live_server, "ada_author", next_path=article.get_absolute_url())

    entry = page.locator(f"#update-{update.pk}")
    assert "Dredging starts on Munday." in entry.inner_text()
    entry.get_by_role("link", name="Correct or withdraw").click()
    page.wait_for_url(f"**/updates/{update.pk}/edit/")
    page.get_by_label("Corrected update (Markdown)").fill("Dredging starts on *Monday*.")
    assert not page.get_by_label("Notify followers of this correction").is_checked()
    page.get_by_role("button", name="Publish correction").click()
    page.wait_for_url(f"**{article.get_absolute_url()}#update-{update.pk}")

    update.refresh_from_db()
    corrected_on = date_format(timezone.localtime(update.corrected_at), "j F Y")
    # Said inside the update, where the page lands, not at its top out of view.
    note = entry.locator(".message")
    expect(note).to_have_text("Your correction is published. Followers were not emailed.")
    expect(note).to_be_in_viewport()
    assert "Your correction" not in page.inner_text(".messages")
    assert "Dredging starts on Monday." in entry.inner_text()
    assert "Munday" not in entry.inner_text()
    assert entry.locator(".timeline-note").inner_text() == f"Corrected on {corrected_on}."
    assert mail.outbox == []

    entry.get_by_role("link", name="Correct or withdraw").click()
    page.wait_for_url(f"**/updates/{update.pk}/edit/")
    page.get_by_role("button", name="Withdraw update").click()
    page.wait_for_url(f"**{article.get_absolute_url()}#update-{update.pk}")

    update.refresh_from_db()
    withdrawn_on = date_format(timezone.localtime(update.withdrawn_at), "j F Y")
    expect(note).to_contain_text("The update is withdrawn")
    expect(note).to_be_in_viewport()
    assert entry.inner_text().endswith(f"Withdrawn on {withdrawn_on}.")
    assert "Dredging" not in entry.inner_text()
    assert entry.get_by_role("link", name="Correct or withdraw").count() == 0
    assert mail.outbox == []


def test_author_schedules_a_draft_then_publishes_it_now(
    live_server, page, new_page, make_user, make_article
):
    """Scheduled, the dashboard says when it publishes and readers get a 404; after
    "Publish now" readers can read it."""
    make_user("ada_author", groups=["Authors"])
    sign_in(page, live_server, "ada_author", next_path="/")
    page.get_by_role("link", name="Write").click()
    page.get_by_role("link", name="Write a new article").click()
    page.get_by_label("Title").fill("Night ferry timetable")
    page.get_by_label("Body (Markdown)").fill("The night ferry leaves at **23:40**.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/author/articles/*/edit/")
    expect(page.locator(".messages")).to_contain_text("Draft “Night ferry timetable” saved.")
    article = Article.objects.get(title="Night ferry timetable")

    when = timezone.localtime() + timedelta(minutes=10)
    page.get_by_label("Publish on").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Schedule", exact=True).click()
    # The schedule form posts to "#publication", and the browser keeps that fragment.
    page.wait_for_url(re.compile(r".*/author/(#publication)?$"))
    shown = date_format(when, "j F Y, H:i T")
    expect(page.locator(".messages")).to_contain_text(f"is scheduled to publish on {shown}.")
    item = page.locator(f"#article-{article.pk}")
    assert "Scheduled" in item.locator(".status").inner_text()
    assert item.locator("dt:has-text('Publishes on') + dd").inner_text() == shown

    reader = new_page()
    response = reader.goto(live_server.url + article.get_absolute_url())
    assert response.status == 404
    assert "ferry leaves" not in reader.inner_text("body")

    with page.expect_navigation(url=f"{live_server.url}/author/"):
        item.get_by_role("button", name="Publish now").click()
    expect(page.locator(".messages")).to_contain_text("“Night ferry timetable” is published.")
    assert "Published" in item.locator(".status").inner_text()
    assert Article.objects.get(pk=article.pk).published_at <= timezone.now()

    response = reader.goto(live_server.url + article.get_absolute_url())
    assert response.status == 200
    assert "The night ferry leaves at 23:40." in reader.inner_text("main")


def test_withdrawing_after_typing_a_correction_hands_the_text_back(
    live_server, page, make_user, make_article
):
    """The author types a correction, then decides to withdraw the update instead: the page
    that says it is withdrawn shows what they typed, said unsaved, so nothing is lost."""
    author = make_user("ada_author", groups=["Authors"])
    article = make_article(title="Harbour dredging", authors=[author])
    update = update_publish(article=article, author=author, body="Dredging starts on Munday.")
    edit_path = f"{article.get_absolute_url()}updates/{update.pk}/edit/"
    sign_in(page, live_server, "ada_author", next_path=article.get_absolute_url())
    page.locator(f"#update-{update.pk}").get_by_role("link", name="Correct or withdraw").click()
    page.wait_for_url(f"**{edit_path}")
    page.get_by_label("Corrected update (Markdown)").fill("Dredging is postponed to June.")
    page.get_by_role("button", name="Withdraw update").click()
    page.wait_for_url(f"**/updates/{update.pk}/withdraw/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Update withdrawn")
    expect(page.get_by_role("status").filter(has_text="withdrawn")).to_have_text(
        "The update is withdrawn: readers now see only that it was withdrawn."
    )
    expect(page.get_by_text("The text you typed was not saved.")).to_be_in_viewport()
    expect(page.get_by_label("Your text")).to_have_value("Dredging is postponed to June.")
    update.refresh_from_db()
    assert update.is_withdrawn and update.body == "Dredging starts on Munday."
