"""axe-core finds no accessibility violation on any page state a person meets, in the light
palette and in the dark one; dates are machine-readable; the dark palette and reduced motion
are honoured. (Keyboard use, visible focus and live regions: test_keyboard.py.)

Each group of states (tests/browser/a11y_states.py) runs in one browser context, signed in
once; each state is checked in both palettes, and a failure lists every state, rule, impact
and element at once."""

import re
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from articles.services import (
    article_set_comments_open,
    update_correct,
    update_publish,
    update_withdraw,
)
from comments.models import CommentStatus
from comments.services.picks import comment_pick
from core.roles import AUTHORS_GROUP, MODERATORS_GROUP
from moderation.models import Ban, ModerationRules
from moderation.services import (
    ban_create,
    commenter_note_add,
    comments_moderate,
    report_create,
    webhook_create,
)
from readers.models import Follow
from readers.services import manage_link_make
from readers.tokens import token_make

from .a11y import AxeTour, sign_in
from .a11y_states import GROUPS, Visit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(settings, make_user, make_article, post):
    """One of everything a page can show: an article with an update, comments in every state
    (a reply, held with the scorer's reasons, spam, reported, removed, a reader's own), a
    closed article, a draft, a ban, a note, a webhook, a follow and tokens for the emails'
    links."""
    settings.PARLEY_WEBHOOK_ALLOW_PRIVATE = True  # no DNS look-up for the example address
    # Rules alone (no model to load): two links hold a comment, the rest is published.
    ModerationRules.objects.update_or_create(pk=1, defaults={"use_model": False})
    moderator = make_user("mod_mira", groups=[MODERATORS_GROUP])
    author = make_user("ada_author", groups=[AUTHORS_GROUP], first_name="Ada", last_name="Writer")
    reader = make_user("rhea_reader", email="rhea@example.com", first_name="Rhea")
    EmailAddress.objects.create(user=reader, email="rhea@example.com", verified=True, primary=True)

    article = make_article(title="Harbour dredging", authors=[author])
    withdrawn = update_publish(article=article, author=author, body="Dredging starts in May.")
    update_withdraw(update=withdrawn)
    update = update_publish(article=article, author=author, body="Dredging starts on Munday.")
    update_correct(update=update, body="Dredging starts on Monday.")
    parent = post(article, "The harbour has needed this for years.", name="Parent Pia")
    child = post(article, "Agreed, and the ferry too.", name="Child Chen", reply_to=parent.pk)
    comment_pick(comment_id=parent.pk, picker=author)
    own = post(article, "My own view, as a signed-in reader.", name="Rhea", user=reader)
    reported = post(article, "A hot take on dredging.", name="Odd Otto", email="otto@example.com")
    report_create(comment_id=reported.pk, user=None, ip_address="198.51.100.1", reason="abuse")
    held = post(
        article,
        "Sources: https://one.example/report and https://two.example/data",
        name="Linky Lou",
        status=CommentStatus.PENDING,  # then scored, as a worker would: held, with reasons
    )
    post(article, "Cheap watches, best prices", name="Spam Sam", status=CommentStatus.SPAM)
    removed = post(article, "Off-topic rant", name="Rude Rex")
    comments_moderate(comment_ids=[removed.pk], action="remove", actor=moderator)
    commenter_note_add(comment=reported, text="Argues in good faith", actor=moderator)
    ban_create(kind=Ban.Kind.IP, actor=moderator, reason="Flooding", value="203.0.113.9", days=3)
    webhook_create(url="https://hooks.example.com/parley", events=["held"], actor=moderator)

    closed = make_article(title="Old news")
    post(closed, "Said before the comments closed.", name="Early Eve")
    article_set_comments_open(article=closed, is_open=False)
    draft = make_article(title="Night ferry timetable", authors=[author], publish=False)
    follow = Follow.objects.create(article=article, email="fan@example.com")
    confirmed = Follow.objects.create(
        article=article, email="fan2@example.com", confirmed_at=timezone.now()
    )
    return SimpleNamespace(
        moderator=moderator,
        author=author,
        reader=reader,
        article=article,
        update=update,
        parent=parent,
        child=child,
        own=own,
        reported=reported,
        held=held,
        closed=closed,
        draft=draft,
        tokens={
            "follow": token_make("follow_confirm", follow=follow.pk),
            "reply": token_make("reply_confirm", email="fan@example.com"),
            "unsubscribe": token_make("unsubscribe", follow=confirmed.pk),
            "manage": manage_link_make(email="otto@example.com"),
        },
    )


@pytest.mark.parametrize("group", GROUPS)
def test_axe_finds_no_violations(group, live_server, new_page, site):
    """Every state of the group passes axe-core in both palettes."""
    username, states = GROUPS[group]
    page = new_page()
    if username:
        sign_in(page, live_server.url, username)
    visit = Visit(page=page, base=live_server.url, site=site)
    tour = AxeTour(page)
    for state in states:
        state(visit)
        tour.check(state.__name__)
    assert not tour.failures, tour.report()


# Text that reads as a date or a time of day: a year, or hours and minutes.
UNMARKED_DATES = """() => {
  const looksLikeDate = /\\b(19|20)\\d\\d\\b|\\b\\d{1,2}:\\d\\d\\b/;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const unmarked = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!looksLikeDate.test(node.textContent) || parent.closest("script, .visually-hidden")) {
      continue;
    }
    if (!parent.closest("time[datetime]")) { unmarked.push(node.textContent.trim()); }
  }
  const times = Array.from(document.querySelectorAll("time"), time => ({
    text: time.textContent.trim(),
    datetime: time.getAttribute("datetime"),
    parses: !Number.isNaN(Date.parse(time.getAttribute("datetime"))),
  }));
  return {unmarked, times};
}"""


def test_every_date_on_the_article_page_is_a_time_element(live_server, new_page, site):
    """The article's date, each update's (published, corrected, withdrawn), each comment's and
    each pick's, as a moderator sees them all: each inside <time> with a datetime a machine
    reads; no date is shown outside one."""
    page = new_page()
    sign_in(page, live_server.url, "mod_mira")
    page.goto(f"{live_server.url}{site.article.get_absolute_url()}?moderate=1")
    found = page.evaluate(UNMARKED_DATES)
    assert found["unmarked"] == []
    unreadable = [time for time in found["times"] if not time["parses"]]
    assert unreadable == []
    shown = page.locator("main time")
    # Published, two updates, a correction, a withdrawal, the pick, and every comment.
    comments = page.locator(".comment-body").count()
    assert shown.count() >= 6 + comments
    for selector in (".article .meta", ".timeline-date", ".timeline-note", ".pick-meta"):
        expect(page.locator(f"{selector} time").first).to_have_attribute(
            "datetime", re.compile(r"\d{4}-\d\d-\d\dT")
        )


def test_the_dark_palette_and_reduced_motion_are_honoured(live_server, page, article, post):
    """A reader whose system asks for dark gets the dark palette; one who asks for less motion
    sees no animation (a new comment's highlight in the live thread stays still)."""
    comment = post(article, "A comment to light up.")
    page.goto(live_server.url + article.get_absolute_url())
    colours = (
        "() => ['backgroundColor', 'color'].map(name => getComputedStyle(document.body)[name])"
    )
    light = page.evaluate(colours)
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate(colours)
    assert light == ["rgb(255, 255, 255)", "rgb(29, 31, 33)"]
    assert dark == ["rgb(21, 24, 27)", "rgb(232, 234, 237)"]

    body = page.locator(f"#c{comment.pk} > .comment-body")
    page.evaluate(f"document.getElementById('c{comment.pk}').classList.add('live-new')")
    assert body.evaluate("el => getComputedStyle(el).animationName") == "live-new"
    page.emulate_media(reduced_motion="reduce")
    assert body.evaluate("el => getComputedStyle(el).animationName") == "none"
