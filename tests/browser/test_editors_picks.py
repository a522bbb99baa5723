"""An article's author picks a comment in a real browser with JavaScript off."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment

pytestmark = pytest.mark.django_db(transaction=True)


def test_author_picks_and_unpicks_without_javascript(
    live_server, page_without_js, make_article, make_user, post
):
    """The Pick button (outside its form, tied to it by `form=`) sends the form with its
    token; the author lands on the comment, sees it above the threads, and unpicks it."""
    author = make_user("ada_author", groups=["Authors"], first_name="Ada")
    article = make_article(title="Tide tables", authors=[author])
    comment = post(article, "The tables saved my season.", name="Fisher Fay")
    page = page_without_js
    page.goto(f"{live_server.url}/accounts/login/?next={article.get_absolute_url()}")
    page.fill("input[name=login]", "ada_author")
    page.fill("input[name=password]", "a-long-passphrase")
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}{article.get_absolute_url()}")

    page.click(f"#c{comment.pk} .comment-pick-link")
    page.wait_for_url(f"**{article.get_absolute_url()}#c{comment.pk}")
    # Said inside the comment the page lands on, not at the top of the page.
    notice = page.locator(f"#c{comment.pk} .comment-status")
    expect(notice).to_contain_text("Picked: the comment by Fisher Fay")
    expect(notice).to_be_in_viewport()
    assert "The tables saved my season." in page.inner_text("#editors-picks")
    assert page.inner_text(f"#c{comment.pk} .badge-pick") == "Editor\u2019s pick"
    assert Comment.objects.get(pk=comment.pk).picked_by_id == author.pk

    page.click("#editors-picks button:has-text('Unpick')")
    page.wait_for_url(f"**{article.get_absolute_url()}#c{comment.pk}")
    expect(page.locator(f"#c{comment.pk} .comment-status")).to_contain_text("Unpicked")
    expect(page.locator("#editors-picks")).to_have_count(0)
    assert Comment.objects.get(pk=comment.pk).picked_at is None
