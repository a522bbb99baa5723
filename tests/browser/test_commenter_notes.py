"""A moderator without JavaScript keeps a note on a commenter and dismisses reports, from the
queue's own form."""

import pytest
from playwright.sync_api import expect

from comments.services import Poster, comment_submit
from moderation.models import CommenterNote, Report
from moderation.services import comment_transition, report_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_note_and_dismissal_from_the_reported_tab(live_server, page_without_js, article, make_user):
    """The item's Add note button posts its own text field; Dismiss reports says so truly."""
    make_user("mod_nora", password="a-long-moderator-pass", groups=["Moderators"])
    comment = comment_submit(
        article=article, poster=Poster(name="Odd Otto"), text="Hot take", ip_address="203.0.113.4"
    )
    comment_transition(comment_id=comment.pk, to_status="published", actor_label="test")
    report_create(comment_id=comment.pk, user=None, ip_address="198.51.100.1", reason="abuse")
    page = page_without_js
    page.goto(f"{live_server.url}/accounts/login/?next=/moderation/reported/")
    page.fill("input[name=login]", "mod_nora")
    page.fill("input[name=password]", "a-long-moderator-pass")
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/moderation/reported/")
    item = page.locator(f"#item-{comment.pk}")
    item.locator("summary").click()
    item.locator("textarea").fill("Argues in good faith")
    item.get_by_role("button", name="Add note").click()
    page.wait_for_url(f"{live_server.url}/moderation/reported/#item-{comment.pk}")
    # Said inside the item, where the page lands, not at the top of the queue.
    expect(item.locator(".message")).to_have_text("Note added.")
    expect(item.locator(".message")).to_be_in_viewport()
    assert "Argues in good faith" in page.locator(f"#item-{comment.pk} .notes").inner_text()
    assert CommenterNote.objects.get().text == "Argues in good faith"

    page.locator(f"#item-{comment.pk}").get_by_role("button", name="Dismiss reports").click()
    page.wait_for_selector(".undo-bar")
    expect(page.locator(".messages")).to_contain_text("Reports dismissed on 1 comment.")
    expect(page.locator("main")).to_contain_text("The queue is clear.")
    assert Report.objects.get().dismissed_by.username == "mod_nora"
