"""The shared article page in a real browser: its forms carry no CSRF token, a script fetches
one before a form is used, and without scripts the refusal hands the comment back ready to
post again."""

import threading

import pytest
from django.middleware.csrf import get_token
from playwright.sync_api import expect

from comments.models import Comment
from tests.support import wait_until

from .helpers import fill_guest_form, refusal_shown

pytestmark = pytest.mark.django_db(transaction=True)
TOKEN = "#commentform input[name=csrfmiddlewaretoken]"
FOLLOW_TOKEN = ".follow-form input[name=csrfmiddlewaretoken]"


def shared_page(new_page, url: str, **context_options):
    """A fresh browser on the article page, answered from the cache with no token in it."""
    new_page().goto(url)  # another reader fills the cache
    page = new_page(**context_options)
    response = page.goto(url)
    assert response.headers["x-parley-cache"] == "hit"
    assert page.input_value(TOKEN) == "" and page.input_value(FOLLOW_TOKEN) == ""
    assert not [c for c in page.context.cookies() if c["name"] == "csrftoken"]
    return page


def test_a_guest_posts_from_the_cached_page(live_server, new_page, article):
    """Focusing the form fetches a token into every form; the comment is then posted."""
    url = live_server.url + article.get_absolute_url()
    page = shared_page(new_page, url)
    fill_guest_form(page, "Posted from the page every reader shares.", "Cached Cora")
    page.wait_for_function(f"() => document.querySelector('{TOKEN}').value !== ''")
    assert page.input_value(FOLLOW_TOKEN) == page.input_value(TOKEN)
    page.click("#submit")
    page.wait_for_url("**#c*")
    comment = Comment.objects.get(user_name="Cached Cora")
    assert comment.comment == "Posted from the page every reader shares."
    assert page.locator(f"#c{comment.pk}").count() == 1


def test_a_form_sent_before_any_focus_waits_for_its_token(live_server, new_page, article):
    """A submit with no focus first (a script or assistive tool clicking) still posts."""
    url = live_server.url + article.get_absolute_url()
    page = shared_page(new_page, url)
    page.evaluate(
        """() => {
            document.getElementById('id_comment').value = 'Sent without a focus first.';
            document.getElementById('id_name').value = 'Quick Quentin';
            document.getElementById('submit').click();
        }"""
    )
    page.wait_for_url("**#c*")
    assert Comment.objects.get(user_name="Quick Quentin").comment == "Sent without a focus first."


def test_without_javascript_the_refusal_keeps_the_comment_and_a_second_press_posts_it(
    live_server, new_page, article
):
    """No script: the post is refused with every field kept in a form that has a token,
    and pressing Post Comment again stores it."""
    url = live_server.url + article.get_absolute_url()
    page = shared_page(new_page, url, java_script_enabled=False)
    fill_guest_form(page, "Written with scripts off.", "Nadia No-Script")
    page.fill("#id_email", "nadia@example.com")
    page.fill("#id_url", "https://nadia.example")
    response_status = []
    page.on("response", lambda response: response_status.append(response.status))
    page.click("#submit")
    refusal_shown(page)
    assert 403 in response_status
    assert "nothing was posted" in page.inner_text("#error-summary")
    expect(page.locator("#id_comment")).to_have_value("Written with scripts off.")
    expect(page.locator("#id_name")).to_have_value("Nadia No-Script")
    expect(page.locator("#id_email")).to_have_value("nadia@example.com")
    expect(page.locator("#id_url")).to_have_value("https://nadia.example")
    expect(page.locator(TOKEN)).not_to_have_value("")
    assert Comment.objects.count() == 0
    page.click("#submit")
    page.wait_for_url("**#c*")
    comment = Comment.objects.get(user_name="Nadia No-Script")
    assert (comment.comment, comment.user_email) == (
        "Written with scripts off.",
        "nadia@example.com",
    )


def test_without_javascript_a_guest_can_follow_on_the_second_press(live_server, new_page, article):
    """No script: Follow is refused for want of a token, and the follow form comes back
    with the typed address and a token; pressing Follow again sends the confirmation link,
    said inside the follow box where the page lands."""
    from django.core import mail

    url = live_server.url + article.get_absolute_url()
    page = shared_page(new_page, url, java_script_enabled=False)
    page.fill("#follow-email", "nina@example.com")
    page.click(".follow-form button[type=submit]")
    page.wait_for_selector("text=The follow form gets this site's security token")
    page.wait_for_load_state()  # the new page, but maybe not parsed to its form yet
    expect(page.locator("#follow-again-email")).to_have_value("nina@example.com")
    expect(page.locator(FOLLOW_TOKEN)).not_to_have_value("")
    page.click(".follow-form button[type=submit]")
    page.wait_for_url("**#follow")
    notice = page.locator("#follow .follow-notice")
    assert notice.inner_text().startswith("Check your inbox")
    assert page.locator(".messages .message").count() == 0
    assert [m.to for m in mail.outbox] == [["nina@example.com"]]


# Counts the page's requests for a CSRF token, whichever script makes them.
COUNT_TOKEN_ASKS = """(() => {
  const native = window.fetch;
  window.__tokenAsks = 0;
  window.fetch = function (resource, options) {
    if (String(resource).indexOf("/csrf/") >= 0) { window.__tokenAsks += 1; }
    return native.call(this, resource, options);
  };
})();"""


def test_a_vote_while_the_form_asks_for_its_token_leaves_the_comment_postable(
    live_server, new_page, article, post, monkeypatch
):
    """A vote pressed while the comment form's token is on its way: the page asks the site
    once, not twice. Two answers would each make this browser a CSRF cookie, and the one
    landing last would not match the form's token: the comment would be refused."""
    answers = []  # one per request the site got, each held until the test lets it go

    def held_token(request):
        token, go = get_token(request), threading.Event()
        answers.append(go)
        go.wait(30)
        return token

    # Held in the server (the browser has sent its cookies), not in the browser (which
    # would send the ones it has once let go).
    monkeypatch.setattr("articles.views.get_token", held_token)
    comment = post(article, "Worth a vote while writing", name="Voted Vito")
    url = live_server.url + article.get_absolute_url()
    new_page().goto(url)  # another reader fills the cache: the page carries no token
    page = new_page()
    page.add_init_script(COUNT_TOKEN_ASKS)
    page.goto(url)

    def asked(count: int) -> bool:
        return len(answers) == page.evaluate("window.__tokenAsks") >= count

    fill_guest_form(page, "Written while my vote was on its way.", "Vivid Vito")
    wait_until(lambda: asked(1), 10, "the form's request for a token")
    page.click(f"#c{comment.pk} button[data-vote=up]")
    page.wait_for_selector(f"#c{comment.pk} form.comment-votes[aria-busy]")
    wait_until(lambda: asked(1), 10, "every request for a token to reach the site")
    asks = page.evaluate("window.__tokenAsks")

    # Were there two, the form's answer first and the vote's last (its cookie kept).
    answers[0].set()
    page.wait_for_function(f"() => document.querySelector('{TOKEN}').value !== ''")
    for go in answers[1:]:
        go.set()
    page.wait_for_selector(f'#c{comment.pk} button[data-vote=up][aria-pressed="true"]')
    page.click("#submit")
    page.wait_for_url("**#c*")
    assert Comment.objects.filter(user_name="Vivid Vito").exists()
    assert Comment.objects.values_list("upvotes", flat=True).get(pk=comment.pk) == 1
    assert asks == 1
