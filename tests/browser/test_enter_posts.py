"""Enter in a one-line field of the comment form posts the comment, as in any form."""

import pytest

from comments.models import Comment

from .helpers import fill_guest_form, refusal_shown

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("javascript", [True, False])
def test_enter_in_the_name_field_posts_the_comment(live_server, new_page, article, javascript):
    """Enter in Name sends the comment, not "Cancel reply" (a button of the form that
    stands before it in the page)."""
    page = new_page(java_script_enabled=javascript)
    page.goto(live_server.url + article.get_absolute_url())
    # The form's default button is for Enter only: nobody sees it or tabs to it.
    assert page.locator("#submit-default").is_hidden()
    fill_guest_form(page, "Sent with the Enter key.", "Keyboard Kai")
    page.focus("#id_name")
    page.keyboard.press("Enter")
    if not javascript:  # the shared page's form has no CSRF token: its refusal page has one
        refusal_shown(page)  # #id_name is on both pages
        page.focus("#id_name")
        page.keyboard.press("Enter")
    page.wait_for_url("**#c*")
    assert Comment.objects.filter(user_name="Keyboard Kai").count() == 1
