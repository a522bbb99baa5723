"""An edit being typed is kept when the reader leaves its page another way than saving it."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment

from .helpers import fill_guest_form

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_an_edit_survives_the_language_switcher_and_goes_once_saved(live_server, page, article):
    """Half an edit typed, then Deutsch chosen: the German page has the edit in the box, not
    the saved text; once saved, the page opened again shows the saved edit, nothing kept."""
    page.goto(live_server.url + article.get_absolute_url())
    fill_guest_form(page, "The first words.", "Editing Emil")
    page.click("#submit")
    page.wait_for_url("**#c*")
    comment = Comment.objects.get(user_name="Editing Emil")
    page.click(f"#c{comment.pk} .comment-edit-link")
    # The article has an #id_comment too: type into the edit page's.
    page.wait_for_url(f"**/comments/{comment.pk}/edit/")
    page.fill("#id_comment", "The first words, and a careful second thought.")
    page.get_by_label("Language").select_option("de")
    page.locator("footer .language-form").get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("#id_comment")).to_have_value(
        "The first words, and a careful second thought."
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**#c*")
    assert "second thought" in Comment.objects.get(pk=comment.pk).comment
    page.goto(live_server.url + f"/comments/{comment.pk}/edit/")
    expect(page.locator("#id_comment")).to_have_value(
        "The first words, and a careful second thought."
    )
    assert page.evaluate(f"sessionStorage.getItem('parley-draft:edit-{comment.pk}')") is None


def test_an_edit_typed_before_the_script_ran_is_kept(live_server, page, article):
    """On a slow page the reader types before edit_draft.js has run: what they typed is the
    draft, not the text the server sent (the script once took it for the saved text)."""
    page.goto(live_server.url + article.get_absolute_url())
    fill_guest_form(page, "Sent as it was.", "Early Ezra")
    page.click("#submit")
    page.wait_for_url("**#c*")
    comment = Comment.objects.get(user_name="Early Ezra")
    page.route("**/edit_draft*.js", lambda route: route.abort())
    page.goto(live_server.url + f"/comments/{comment.pk}/edit/")
    page.fill("#id_comment", "Sent as it was, and typed while the page was still loading.")
    source = page.locator("script[src*=edit_draft]").get_attribute("src")
    page.unroute("**/edit_draft*.js")
    page.add_script_tag(url=live_server.url + source)
    page.get_by_label("Language").select_option("de")
    page.locator("footer .language-form").get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("#id_comment")).to_have_value(
        "Sent as it was, and typed while the page was still loading."
    )
