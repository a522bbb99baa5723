"""Random and hostile input against the comment form, the moderators' actions and the readers'
links: whatever arrives, the answer is a refusal or a redirect, never a server error.

The test client re-raises any unhandled exception, so a 500 fails the test with its traceback.
Examples share one database transaction per test, so each property holds whatever earlier
examples did.
"""

import re
import time
from dataclasses import dataclass
from unittest import mock
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles.models import Article
from comments.forms import CommentForm
from comments.models import Comment, CommentStatus
from moderation import services as moderation
from moderation.selectors_queue import TABS
from readers.tokens import token_make
from tests.conftest import form_data

S = CommentStatus
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

hostile = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SERVER_ERROR_TEXT = "Something went wrong on our side"  # templates/errors/500.html
DROP = "<drop>"
NASTY = [
    "",
    " ",
    "0",
    "-1",
    "-0",
    "+1",
    "1.5",
    "1e9",
    "0x1f",
    "00000000001",
    "²",  # str.isdigit() says yes, int() says no
    "¹²³",
    "١٢٣",  # Arabic-Indic digits: int() accepts them
    "\U0001d7d7",  # MATHEMATICAL BOLD DIGIT NINE
    "Ⅻ",
    "9" * 25,
    "9" * 5000,  # more digits than int() converts
    str(2**63),  # one past the largest 64-bit integer
    str(2**63 - 1),
    str(-(2**63)),
    "null",
    "None",
    "true",
    "[]",
    "{}",
    "\x00",
    "a\x00b",
    "\r\n",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "\u202e",
    "\ufeff",
    "😀" * 10,
    "\uff46\uff55\uff4c\uff4c",  # fullwidth "full"
]
TEXT = st.characters(exclude_categories=("Cs",))  # lone surrogates cannot be sent at all


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(alphabet=TEXT, max_size=40),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.binary(max_size=40).map(lambda raw: raw.decode("latin-1")),
        st.integers(min_value=3001, max_value=50_000).map(lambda n: "x" * n),
    )


def with_refs(*refs: str) -> st.SearchStrategy[str]:
    """Hostile text, or a placeholder for a real id/value filled in from the fixtures."""
    return st.one_of(st.sampled_from(refs), hostile_text())


# ---------------------------------------------------------------------------
# Things to aim at
# ---------------------------------------------------------------------------
@dataclass
class Targets:
    article: Article  # published, comments open
    refs: dict[str, str]
    users: dict[str, object]

    def fill(self, value):
        """Replace placeholders such as "<held>" (also inside a longer string)."""
        if isinstance(value, list):
            return [self.fill(item) for item in value]
        return re.sub(r"<[a-z:_-]+>", lambda m: self.refs.get(m.group(0), m.group(0)), value)

    def sign_in(self, client, who: str) -> None:
        if who == "guest":
            client.logout()
        else:
            client.force_login(self.users[who])


@pytest.fixture
def targets(make_article, make_user, moderator, post) -> Targets:
    published = make_article(title="Open for comments")
    draft = make_article(title="Not yet published", publish=False)
    closed = make_article(title="Comments closed", comments_open=False)
    comment = post(published, "A published comment", name="Guest", email="guest@example.com")
    held = post(published, "A held comment", status=S.HELD)
    spam = post(published, "A spam comment", status=S.SPAM)
    elsewhere = post(make_article(title="Another article"), "On another article")
    [event] = moderation.comments_moderate(comment_ids=[spam.pk], action="remove", actor=moderator)
    now = int(time.time())
    with mock.patch("django.core.signing.time.time", return_value=now - 200 * 24 * 3600):
        expired = token_make("unsubscribe", follow=1)
    refs = {
        "<published>": str(published.pk),
        "<draft>": str(draft.pk),
        "<closed>": str(closed.pk),
        "<comment>": str(comment.pk),
        "<held>": str(held.pk),
        "<spam>": str(spam.pk),
        "<elsewhere>": str(elsewhere.pk),
        "<missing>": str(Comment.objects.order_by("-pk").values_list("pk", flat=True)[0] + 10**6),
        "<event>": str(event),
        "<now>": str(now),
        "<old-time>": str(now - 3 * 3600),
        "<future-time>": str(now + 10**9),
        "<token:follow_confirm>": token_make("follow_confirm", follow=10**9),
        "<token:reply_confirm>": token_make("reply_confirm", email="somebody@example.com"),
        "<token:unsubscribe>": token_make("unsubscribe", follow=10**9),
        "<token:unsubscribe-replies>": token_make("unsubscribe", replies="guest@example.com"),
        "<token:manage>": token_make("manage", email="nobody@example.com"),
        "<token:expired>": expired,
    }
    users = {
        "reader": make_user(email="reader@example.com"),
        "reader-without-email": make_user(),
        "moderator": moderator,
    }
    return Targets(article=published, refs=refs, users=users)


# ---------------------------------------------------------------------------
# The comment form
# ---------------------------------------------------------------------------
FORM_FIELDS = [
    "comment",
    "name",
    "email",
    "url",
    "reply_to",
    "honeypot",
    "timestamp",
    "security_hash",
    "content_type",
    "object_pk",
    "followup",
    "remember",
]
UNKNOWN_FIELDS = st.one_of(
    st.sampled_from(
        ["is_public", "is_removed", "user", "user_id", "site", "submit_date", "ip_address",
         "parent_id", "thread_id", "level", "status", "preview", "post", "csrfmiddlewaretoken"]
    ),
    st.text(alphabet=TEXT, min_size=1, max_size=20),
)  # fmt: skip
FIELD_VALUE = st.one_of(
    with_refs(
        "<published>", "<draft>", "<closed>", "<comment>", "<held>", "<elsewhere>", "<missing>",
        "<now>", "<old-time>", "<future-time>", "articles.article", "articles.articleupdate",
        "auth.user", "django_comments_xtd.xtdcomment", "on",
    ),
    st.lists(hostile_text(), min_size=2, max_size=3),
)  # fmt: skip
FORM_CHANGES = st.dictionaries(
    st.one_of(st.sampled_from(FORM_FIELDS), UNKNOWN_FIELDS),
    st.one_of(st.just(DROP), FIELD_VALUE),
    max_size=6,
)
WHO = st.sampled_from(["guest", "reader", "reader-without-email"])


@hostile
@given(changes=FORM_CHANGES, resign=st.booleans(), who=WHO)
@example(changes={"reply_to": "²"}, resign=False, who="guest")
@example(changes={"object_pk": "²"}, resign=True, who="guest")
@example(changes={"reply_to": "9" * 5000}, resign=False, who="guest")
@example(changes={"reply_to": str(2**63)}, resign=False, who="reader")
@example(changes={"reply_to": "<elsewhere>"}, resign=False, who="guest")
@example(changes={"object_pk": "<draft>"}, resign=True, who="guest")
@example(changes={"object_pk": "<closed>"}, resign=True, who="guest")
@example(changes={"timestamp": "<old-time>"}, resign=True, who="guest")
@example(changes={"timestamp": "<future-time>"}, resign=True, who="guest")
@example(changes={"honeypot": "filled by a robot"}, resign=False, who="guest")
@example(changes={"honeypot": "a\x00b", "comment": "Null in the trap"}, resign=False, who="guest")
@example(changes={"honeypot": "filled by a robot", "comment": DROP}, resign=False, who="guest")
@example(changes={"honeypot": "autofill", "email": "not-an-address"}, resign=False, who="guest")
@example(changes={"comment": "x" * 100_000, "name": "y" * 10_000}, resign=False, who="guest")
@example(changes={"followup": "on", "email": DROP}, resign=False, who="guest")
@example(changes={"followup": "on"}, resign=False, who="reader-without-email")
@example(changes={"content_type": "auth.user", "object_pk": "1"}, resign=True, who="guest")
def test_comment_form_never_answers_with_a_server_error(
    client, no_rate_limits, targets, changes, resign, who
):
    """Any mix of valid, forged, missing and hostile comment fields is refused or stored."""
    data = form_data(targets.article)
    for key, value in changes.items():
        if value == DROP:
            data.pop(key, None)
        else:
            data[key] = targets.fill(value)
    signed = ("content_type", "object_pk", "timestamp")
    if resign and all(isinstance(data.get(key), str) for key in signed):
        # What the site itself would have signed for these values.
        form = CommentForm(targets.article)
        data["security_hash"] = form.generate_security_hash(*(data[key] for key in signed))
    targets.sign_in(client, who)
    response = client.post("/comments/post/", data)
    assert response.status_code in {302, 400, 403, 404, 405, 429}
    if response.status_code == 400 and data.get("comment"):
        assert SERVER_ERROR_TEXT not in response.content.decode(errors="replace")


# ---------------------------------------------------------------------------
# The moderators' actions
# ---------------------------------------------------------------------------
COMMENT_ID = st.one_of(
    with_refs("<comment>", "<held>", "<spam>", "<elsewhere>", "<missing>"),
    st.integers(min_value=-(10**6), max_value=10**25).map(str),
)
PATH_ID = st.one_of(
    with_refs("<comment>", "<held>", "<spam>", "<elsewhere>", "<missing>"),
    st.integers(min_value=0, max_value=10**30).map(str),
)
EVENT_ID = st.one_of(with_refs("<event>", "<missing>"), st.integers(-(10**6), 10**25).map(str))
ACTION = st.one_of(
    st.sampled_from([*moderation.ACTIONS, "", "APPROVE", "delete", "approve ", "ban"]),
    hostile_text(),
)
NEXT = st.one_of(
    st.sampled_from(["/moderation/spam/", "//evil.example", "https://evil.example", "/?a=1"]),
    hostile_text(),
)
ACT_FORM = st.fixed_dictionaries(
    {},
    optional={
        "action": ACTION,
        "item_action": st.one_of(
            st.tuples(ACTION, COMMENT_ID).map(lambda pair: f"{pair[0]}:{pair[1]}"),
            hostile_text(),
        ),
        "ids": st.lists(COMMENT_ID, max_size=25),
        "next": NEXT,
    },
)
UNDO_FORM = st.fixed_dictionaries(
    {},
    optional={
        "events": st.lists(EVENT_ID, max_size=25),
        "events_csv": st.lists(EVENT_ID, max_size=25).map(",".join),
        "next": NEXT,
    },
)
BAN_FORM = st.fixed_dictionaries(
    {},
    optional={
        "ban_account": st.sampled_from(["on", ""]),
        "ban_email": st.sampled_from(["on", ""]),
        "ban_ip": st.sampled_from(["on", ""]),
        "reason": hostile_text(),
        "duration": st.one_of(st.sampled_from(["", "1", "7", "30"]), hostile_text()),
        "shadow": hostile_text(),
        "next": NEXT,
    },
)
# (URL, with "{}" where the path takes an id, and the POST data); act and undo take no id.
MODERATION_POSTS = st.one_of(
    st.tuples(st.just("/moderation/act/"), ACT_FORM),
    st.tuples(st.just("/moderation/undo/"), UNDO_FORM),
    st.tuples(st.just("/moderation/ban/{}/"), BAN_FORM),
    st.tuples(st.just("/moderation/bans/{}/lift/"), st.just({})),
)
THOUSANDS = [str(n) for n in range(1, 3001)]


@hostile
@given(request=MODERATION_POSTS, path_id=PATH_ID)
@example(path_id="", request=("/moderation/act/", {"action": "spam", "ids": THOUSANDS}))
@example(path_id="", request=("/moderation/act/", {"action": "approve", "ids": ["<held>"] * 300}))
@example(path_id="", request=("/moderation/act/", {"action": "approve", "ids": ["²"]}))
@example(path_id="", request=("/moderation/act/", {"item_action": "approve:²"}))
@example(path_id="", request=("/moderation/act/", {"action": "hold", "ids": ["9" * 5000]}))
@example(path_id="", request=("/moderation/act/", {"action": "remove", "ids": [str(2**63)]}))
@example(
    path_id="",
    request=("/moderation/act/", {"item_action": "approve:-1", "next": "//evil.example"}),
)
@example(path_id="", request=("/moderation/undo/", {"events": THOUSANDS}))
@example(path_id="", request=("/moderation/undo/", {"events": ["<event>", "<event>"]}))
@example(path_id="", request=("/moderation/undo/", {"events": ["²"]}))
@example(path_id="", request=("/moderation/undo/", {"events_csv": "1,²,3"}))
@example(path_id="", request=("/moderation/undo/", {"events_csv": str(2**63)}))
@example(path_id=str(2**63), request=("/moderation/ban/{}/", {}))
@example(path_id=str(2**63), request=("/moderation/bans/{}/lift/", {}))
@example(
    path_id="<comment>", request=("/moderation/ban/{}/", {"ban_email": "on", "reason": "a\x00b"})
)
def test_moderation_actions_never_answer_with_a_server_error(client, targets, request, path_id):
    """Any action, ids, events, ban form or `next` gets a redirect or a refusal, never a 500."""
    pattern, form = request
    url = pattern.format(quote(targets.fill(path_id), safe=""))
    client.force_login(targets.users["moderator"])
    response = client.post(url, {key: targets.fill(value) for key, value in form.items()})
    assert response.status_code in {200, 302, 400, 403, 404, 405}


@hostile
@given(
    tab=st.one_of(st.sampled_from([*TABS, "log", "bans", "act", "report", "HELD"]), hostile_text()),
    query=st.fixed_dictionaries(
        {},
        optional={
            "page": st.one_of(st.sampled_from(["1", "2", "last", "0", "-1"]), hostile_text()),
            "undo": st.one_of(st.lists(EVENT_ID, max_size=10).map(",".join), with_refs("<event>")),
        },
    ),
)
@example(tab="held", query={"page": str(2**63)})
@example(tab="spam", query={"page": "9" * 5000})
@example(tab="held", query={"undo": "²"})
@example(tab="published", query={"undo": "1," + "9" * 5000})
def test_queue_pages_never_answer_with_a_server_error(client, targets, tab, query):
    """Any tab name, page number or undo list in the queue URL gets a page or a 404."""
    client.force_login(targets.users["moderator"])
    query = {key: targets.fill(value) for key, value in query.items()}
    response = client.get(f"/moderation/{quote(tab, safe='')}/?{urlencode(query)}")
    assert response.status_code in {200, 302, 400, 403, 404, 405}


# ---------------------------------------------------------------------------
# Reports and readers' links
# ---------------------------------------------------------------------------
TOKEN = with_refs(
    "<token:follow_confirm>",
    "<token:reply_confirm>",
    "<token:unsubscribe>",
    "<token:unsubscribe-replies>",
    "<token:manage>",
    "<token:expired>",
)
READER_URLS = st.one_of(
    st.tuples(st.just("/moderation/report/{}/"), PATH_ID),
    st.tuples(st.just("/comments/{}/edit/"), PATH_ID),
    st.tuples(st.just("/comments/{}/delete/"), PATH_ID),
    st.tuples(st.just("/comments/{}/"), PATH_ID),
    st.tuples(st.just("/follow/confirm/{}/"), TOKEN),
    st.tuples(st.just("/replies/confirm/{}/"), TOKEN),
    st.tuples(st.just("/unsubscribe/{}/"), TOKEN),
    st.tuples(st.just("/comments/manage/{}/"), TOKEN),
)
READER_FORM = st.fixed_dictionaries(
    {},
    optional={
        "reason": st.one_of(
            st.sampled_from(["spam", "abuse", "off_topic", "other"]), hostile_text()
        ),
        "note": hostile_text(),
        "comment": hostile_text(),
        "confirm": hostile_text(),
    },
)


@hostile
@given(target=READER_URLS, method=st.sampled_from(["get", "post"]), form=READER_FORM, who=WHO)
@example(target=("/moderation/report/{}/", str(2**63)), method="get", form={}, who="guest")
@example(target=("/comments/{}/edit/", str(2**63)), method="get", form={}, who="guest")
@example(target=("/comments/{}/delete/", str(2**63)), method="post", form={}, who="reader")
@example(target=("/comments/{}/", str(2**63)), method="get", form={}, who="guest")
@example(target=("/moderation/report/{}/", "9" * 5000), method="get", form={}, who="guest")
@example(
    target=("/moderation/report/{}/", "<comment>"),
    method="post",
    form={"reason": "abuse", "note": "a\x00b"},
    who="reader",
)
@example(target=("/unsubscribe/{}/", "<token:expired>"), method="post", form={}, who="guest")
@example(target=("/follow/confirm/{}/", "<token:unsubscribe>"), method="get", form={}, who="guest")
def test_reader_links_never_answer_with_a_server_error(
    client, no_rate_limits, targets, target, method, form, who
):
    """Report, edit, delete and emailed links with any id or token never answer with a 500."""
    pattern, identifier = target
    url = pattern.format(quote(targets.fill(identifier), safe=""))
    targets.sign_in(client, who)
    data = {key: targets.fill(value) for key, value in form.items()}
    response = getattr(client, method)(url, data if method == "post" else None)
    assert response.status_code in {200, 302, 400, 403, 404, 405, 429}


ARTICLE_QUERY = st.fixed_dictionaries(
    {},
    optional={
        "thread": with_refs("<comment>", "<held>", "<elsewhere>", "<missing>"),
        "replyto": with_refs("<comment>", "<held>", "<elsewhere>", "<missing>"),
        "cpage": st.one_of(st.sampled_from(["1", "2", "last", "0", "-1"]), hostile_text()),
        "corder": st.one_of(st.sampled_from(["oldest", "newest", "best"]), hostile_text()),
    },
)


@hostile
@given(query=ARTICLE_QUERY, who=WHO)
@example(query={"thread": "²"}, who="guest")
@example(query={"replyto": "²"}, who="guest")
@example(query={"thread": "9" * 5000}, who="guest")
@example(query={"replyto": str(2**63)}, who="guest")
@example(query={"cpage": str(2**63), "corder": "newest"}, who="reader")
def test_article_page_query_never_answers_with_a_server_error(client, targets, query, who):
    """Any thread, reply-to, comment page or order in an article's URL gets the page or a 404."""
    targets.sign_in(client, who)
    query = {key: targets.fill(value) for key, value in query.items()}
    response = client.get(f"{targets.article.get_absolute_url()}?{urlencode(query)}")
    assert response.status_code in {200, 302, 400, 404}
