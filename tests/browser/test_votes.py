"""Votes in a real browser, from the page every anonymous reader shares: in place with
JavaScript, and through a confirming page without it."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.comments.test_votes import rules_set

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def counts(comment):
    return Comment.objects.values_list("upvotes", "downvotes").get(pk=comment.pk)


def test_with_javascript_the_score_updates_in_place(live_server, new_page, article, post):
    """Up sets the score and the pressed state without leaving the page; pressing it again
    withdraws the vote; a screen reader hears each."""
    comment = post(article, "Worth a vote", name="Voted Vera")
    url = live_server.url + article.get_absolute_url()
    page = new_page()
    page.goto(url)
    item = f"#c{comment.pk}"
    up = f"{item} button[data-vote=up]"
    page.click(up)
    page.wait_for_selector(f'{item}[data-score="1"] button[data-vote=up][aria-pressed="true"]')
    assert page.url == url
    page.wait_for_function("() => /Voted up/.test(document.body.innerText)")
    assert counts(comment) == (1, 0)
    page.click(up)
    page.wait_for_selector(f'{item}[data-score="0"] button[data-vote=up][aria-pressed="false"]')
    assert counts(comment) == (0, 0)


def test_a_refused_vote_says_why_beside_the_buttons_until_a_vote_counts(
    live_server, new_page, article, post
):
    """Down votes are turned off after the page was shown: pressing Down puts the refusal in
    sight beside that comment's buttons, and a screen reader hears it; the next counted
    vote clears it."""
    comment = post(article, "Opinions differ", name="Refused Rita")
    page = new_page()
    page.goto(live_server.url + article.get_absolute_url())
    rules_set(down_votes_allowed=False)
    item = f"#c{comment.pk}"
    refusal = f"{item} form.comment-votes + .comment-vote-refusal"
    page.click(f"{item} button[data-vote=down]")
    page.wait_for_selector(f"{refusal} >> text=This site does not take down votes.")
    assert page.is_visible(refusal)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[aria-live=polite]')]"
        ".some(region => region.textContent === 'This site does not take down votes.')"
    )
    assert counts(comment) == (0, 0)
    page.click(f"{item} button[data-vote=up]")
    page.wait_for_selector(f'{item} button[data-vote=up][aria-pressed="true"]')
    expect(page.locator(refusal)).to_have_count(0)
    assert counts(comment) == (1, 0)


def test_without_javascript_a_vote_is_confirmed_and_lands_on_the_comment(
    live_server, new_page, article, post
):
    """No script: the shared page's Down button asks to confirm on a page with a token; the
    vote counts and the reader is back at the comment, told what happened."""
    comment = post(article, "Not convinced", name="Doubted Dora")
    url = live_server.url + article.get_absolute_url()
    new_page().goto(url)  # another reader fills the shared page
    page = new_page(java_script_enabled=False)
    assert page.goto(url).headers["x-parley-cache"] == "hit"
    page.click(f"#c{comment.pk} button[data-vote=down]")
    # The article's own vote buttons match the confirming button's selector: press it on the
    # confirming page, not the first Up of the page still shown.
    page.wait_for_url(f"**/comments/{comment.pk}/vote/**")
    page.click("main form button[name=value]")
    page.wait_for_url(f"**#c{comment.pk}")
    assert counts(comment) == (0, 1)
    assert "You voted down the comment by Doubted Dora." in page.content()
    assert page.locator(f'#c{comment.pk}[data-score="-1"]').count() == 1


def test_the_vote_buttons_are_in_the_font_of_the_actions_beside_them(
    live_server, page, article, post
):
    """A button does not inherit its font by itself: the votes under a comment are written in
    the sans-serif of the comment's actions row and date, not the serif of its body."""
    comment = post(article, "Vote in the right font", name="Font Fay")
    page.goto(live_server.url + article.get_absolute_url())
    item = f"#c{comment.pk}"

    def family(selector):
        return page.eval_on_selector(selector, "el => getComputedStyle(el).fontFamily")

    actions = family(f"{item} .comment-actions")
    assert "serif" in actions and "Georgia" not in actions
    assert family(f"{item} button[data-vote=up]") == actions
    assert family(f"{item} button[data-vote=down]") == actions
    assert family(f"{item} .comment-score") == actions
