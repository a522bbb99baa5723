"""A moderator reads the scorer's report on itself in a real browser."""

import pytest

from comments.models import CommentStatus
from comments.services import Poster, comment_submit
from moderation import services
from moderation.models import ModerationRules

pytestmark = pytest.mark.django_db(transaction=True)
S = CommentStatus


def test_the_chart_draws_under_the_content_security_policy(live_server, page, article, make_user):
    """Comments the real scorer published, held and marked spam make a visible inline SVG
    chart with its bars and line; its table opens; and the page logs no error and no
    Content-Security-Policy violation."""
    moderator = make_user("mod_sam", password="a-long-moderator-pass", groups=["Moderators"])
    # Rules alone, so that what each text gets is known whatever the model learned.
    ModerationRules.objects.filter(pk=1).update(disallowed_keywords="viagra", use_model=False)
    texts = {
        S.PUBLISHED: "A fair point about the council budget.",
        S.HELD: "Sources: https://one.example/report and https://two.example/data",
        S.SPAM: "Cheap viagra for every reader",
    }
    comments = {
        status: comment_submit(article=article, poster=Poster(name="Reader"), text=text)
        for status, text in texts.items()
    }
    assert {status: c.status for status, c in comments.items()} == {s: s for s in texts}
    services.comments_moderate(
        comment_ids=[comments[S.SPAM].pk], action="not_spam", actor=moderator
    )
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{live_server.url}/accounts/login/?next=/moderation/scorer/")
    page.fill("input[name=login]", "mod_sam")
    page.fill("input[name=password]", "a-long-moderator-pass")
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/moderation/scorer/")

    chart = page.locator("svg.chart")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 100
    assert chart.get_attribute("role") == "img"
    assert page.locator("svg.chart > title").text_content().startswith("Comments the scorer")
    assert page.locator("svg.chart rect.bar").count() == 3  # today's three kinds, stacked
    # The bars take their colours from the stylesheet, not from inline styles.
    fill = page.eval_on_selector("rect.bar-spam", "el => getComputedStyle(el).fill")
    assert fill not in ("", "none", "rgb(0, 0, 0)")
    assert page.locator("svg.chart polyline.chart-line").count() == 1
    assert "1 of 1 (100.0%)" in page.inner_text("section:has(#window-30)")
    assert "ms, over 3 timed verdicts" in page.inner_text("section:has(#window-30)")

    page.click(".chart-data summary")
    assert page.locator(".chart-data table").is_visible()
    assert page.locator(".mod-tabs a[aria-current=page]").inner_text() == "Scorer accuracy"
    # Chromium reports a blocked inline style or script as a console error.
    assert problems == []
