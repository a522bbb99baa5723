"""A row's buttons are named after their row: on the bans, webhooks and audit log pages a
screen reader listing the buttons heard "Lift, Lift, Lift" and could not tell them apart."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from comments.models import CommentStatus
from core.roles import MODERATORS_GROUP
from moderation.models import Ban, ModerationEvent, Webhook
from moderation.services import ban_create, comments_moderate, webhook_create

from .a11y import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def rows(make_user, article, post):
    mod = make_user("mod_rowan", groups=[MODERATORS_GROUP])
    for address in ("first@example.org", "second@example.org"):
        ban_create(kind=Ban.Kind.EMAIL, actor=mod, reason="Spam.", value=address)
    with override_settings(PARLEY_WEBHOOK_ALLOW_PRIVATE=True):
        for host in ("one", "two"):
            webhook_create(url=f"http://127.0.0.1:9/{host}", events=["held"], actor=mod)
    held = [post(article, f"Held {n}", status=CommentStatus.HELD) for n in range(2)]
    comments_moderate(comment_ids=[c.pk for c in held], action="approve", actor=mod)
    return held


def _each_named_after_its_row(page, label: str, cells: list[str]) -> None:
    for cell in cells:
        what = " ".join(page.locator(f"#{cell}").inner_text().split())
        expect(page.get_by_role("button", name=f"{label} {what}")).to_have_count(1)


def test_each_rows_button_is_named_after_its_row(live_server, page, rows):
    sign_in(page, live_server.url, "mod_rowan")
    page.goto(f"{live_server.url}/moderation/bans/")
    cells = [f"ban-{pk}-what" for pk in Ban.objects.values_list("pk", flat=True)]
    _each_named_after_its_row(page, "Lift", cells)
    page.goto(f"{live_server.url}/moderation/webhooks/")
    cells = [f"webhook-{pk}-url" for pk in Webhook.objects.values_list("pk", flat=True)]
    _each_named_after_its_row(page, "Switch off", cells)
    _each_named_after_its_row(page, "Delete", cells)
    page.goto(f"{live_server.url}/moderation/log/")
    events = ModerationEvent.objects.filter(comment__in=rows, actor__isnull=False)
    _each_named_after_its_row(
        page, "Undo", [f"event-{pk}-what" for pk in events.values_list("pk", flat=True)]
    )
