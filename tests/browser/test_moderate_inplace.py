"""A moderator approves a held comment where it sits, in a real browser, without a reload.
(The same buttons without JavaScript are covered in tests/moderation/test_inplace.py.)"""

import pytest

from comments.models import Comment, CommentStatus
from moderation.services import comment_transition

pytestmark = pytest.mark.django_db(transaction=True)
MODERATOR = {"password": "a-long-moderator-pass", "groups": ["Moderators"]}


def moderator_opens(page, live_server, article, moderator) -> str:
    """Sign `moderator` in and land on the article's moderator view; return its address."""
    url = f"{live_server.url}{article.get_absolute_url()}?moderate=1"
    page.goto(f"{live_server.url}/accounts/login/?next={article.get_absolute_url()}%3Fmoderate%3D1")
    page.fill("input[name=login]", moderator.get_username())
    page.fill("input[name=password]", MODERATOR["password"])
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(url)
    return url


def test_approve_and_spam_act_in_place_and_say_so(live_server, page, article, post, make_user):
    """Approve turns the held comment published in place (label gone, Approve hidden, the
    held count down), Spam labels it; the status line says each; the page never reloads."""
    held = post(article, "Held for a look", name="Hilda", status=CommentStatus.HELD)
    url = moderator_opens(page, live_server, article, make_user("mod_ines", **MODERATOR))
    page.evaluate("window.notReloaded = true")

    body = page.locator(f"#c{held.pk} .comment-body")
    assert body.locator(".comment-state").inner_text() == "Held"
    assert page.locator('[data-moderation-count="held"]').inner_text() == "1"
    body.get_by_role("button", name="Approve the comment by Hilda").click()
    page.wait_for_selector(f'#c{held.pk} .comment-body[data-moderation-status="published"]')
    message = "Approved: the comment by Hilda is published."
    assert page.locator("#moderation-live").inner_text() == message
    assert body.locator(".comment-moderation-note").inner_text() == message
    assert body.locator(".comment-state").is_hidden()
    assert body.locator('button[value="approve"]').is_hidden()
    assert page.locator('[data-moderation-count="held"]').inner_text() == "0"
    assert Comment.objects.get(pk=held.pk).status == CommentStatus.PUBLISHED

    body.get_by_role("button", name="Mark the comment by Hilda as spam").click()
    page.wait_for_selector(f'#c{held.pk} .comment-body[data-moderation-status="spam"]')
    assert body.locator(".comment-state").inner_text() == "Spam"
    assert "Marked spam" in page.locator("#moderation-live").inner_text()
    assert page.evaluate("window.notReloaded") is True
    assert page.url == url
    assert Comment.objects.get(pk=held.pk).status == CommentStatus.SPAM

    # Another moderator removes it meanwhile: Approve, pressed on what this page shows,
    # changes nothing and says what became of it.
    comment_transition(comment_id=held.pk, to_status=CommentStatus.REMOVED, actor_label="other")
    body.locator('button[value="approve"]').click()
    page.wait_for_selector(f'#c{held.pk} .comment-body[data-moderation-status="removed"]')
    assert page.locator("#moderation-live").inner_text() == (
        "Nothing changed: the comment by Hilda was removed after this page was loaded."
    )
    assert Comment.objects.get(pk=held.pk).status == CommentStatus.REMOVED


def test_a_comment_marked_spam_in_place_offers_no_reply_report_pick_or_votes(
    live_server, page, article, post, make_user
):
    """Reply, Report, Pick and the votes leave a published comment marked spam in place, as a
    reload would show it (each would answer "not found" or a refusal), and come back when
    it is approved again."""
    comment = post(article, "Published words", name="Pablo")
    moderator_opens(page, live_server, article, make_user("mod_ola", **MODERATOR))
    body = page.locator(f"#c{comment.pk} .comment-body")
    controls = [
        ".comment-reply-link",
        ".comment-report-link",
        ".comment-pick-link",
        ".comment-votes",
    ]
    for control in controls:
        assert body.locator(control).is_visible(), control

    body.get_by_role("button", name="Mark the comment by Pablo as spam").click()
    page.wait_for_selector(f'#c{comment.pk} .comment-body[data-moderation-status="spam"]')
    for control in controls:
        assert body.locator(control).is_hidden(), control

    body.get_by_role("button", name="Approve the comment by Pablo").click()
    page.wait_for_selector(f'#c{comment.pk} .comment-body[data-moderation-status="published"]')
    for control in controls:
        assert body.locator(control).is_visible(), control


def test_words_edited_since_the_page_loaded_are_shown_in_place_to_decide_on(
    live_server, page, article, post, make_user
):
    """The author edits a held comment while the moderator's view is open; Approve, pressed
    on the old words, publishes nothing: the comment shows its new words in place, still
    held, the note says why, and Approve pressed again publishes the words now shown."""
    from moderation.services import comments_moderate
    from readers.services.ownership import comment_edit

    moderator = make_user("mod_uma", **MODERATOR)
    held = post(article, "Words first written", name="Hilda")
    # Held by a moderator: an edit keeps it held (moderation.services.edits).
    comments_moderate(comment_ids=[held.pk], action="hold", actor=moderator)
    moderator_opens(page, live_server, article, moderator)
    page.evaluate("window.notReloaded = true")
    comment_edit(comment=Comment.objects.get(pk=held.pk), text="Words written since")

    page.locator(f"#c{held.pk}").get_by_role("button", name="Approve the comment by Hilda").click()

    body = page.locator(f"#c{held.pk} .comment-body")
    page.wait_for_selector(f"#c{held.pk} .comment-moderation-note")
    message = (
        "Nothing changed: the comment by Hilda was edited after this page was loaded. Its "
        "words as they are now are shown: read them before you decide."
    )
    assert body.locator(".comment-moderation-note").inner_text() == message
    assert page.locator("#moderation-live").inner_text() == message
    assert body.locator(".comment-content").inner_text() == "Words written since"
    assert body.locator(".comment-state").inner_text() == "Held"
    assert Comment.objects.get(pk=held.pk).status == CommentStatus.HELD
    approve = body.get_by_role("button", name="Approve the comment by Hilda")
    assert approve.evaluate("button => button === document.activeElement")

    approve.click()
    page.wait_for_selector(f'#c{held.pk} .comment-body[data-moderation-status="published"]')
    assert page.locator("#moderation-live").inner_text() == (
        "Approved: the comment by Hilda is published."
    )
    assert page.evaluate("window.notReloaded") is True
    assert Comment.objects.get(pk=held.pk).status == CommentStatus.PUBLISHED
