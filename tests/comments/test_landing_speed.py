"""A comment section's reads are compiled once per shape (comments.selectors_marked): the
page a poster lands on and the page number of a new comment build no query once warm, and
give exactly what the ORM gives for every kind of viewer."""

from unittest import mock

import pytest
from django.db.models.sql.query import Query
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from comments.models import Comment, CommentStatus
from comments.owner import remember_own_comment
from comments.selectors import Viewer, comment_page, comment_page_number
from core.db import CompiledValues

pytestmark = pytest.mark.django_db
ORDERS = ("oldest", "newest", "best")


@pytest.fixture
def orm_only(monkeypatch):
    """Run every compiled read through the ORM instead, as its builder makes it."""

    def through_orm():
        monkeypatch.setattr(CompiledValues, "_ready", lambda self, connection, values: None)

    return through_orm


@pytest.fixture
def discussion(article, post, make_user):
    """Threads of every kind: published, a guest's pending and held comments, a signed-in
    reader's held reply, spam, a deleted comment with a published reply, picks, votes."""
    reader = make_user("reader")
    made = {"reader": reader, "guest": []}
    roots = []
    for n in range(9):
        root = post(article, f"Root {n}")
        roots.append(root)
        for m in range(n % 3):
            post(article, f"Reply {n}.{m}", reply_to=root.pk)
    made["guest"].append(post(article, "Guest pending root", status=CommentStatus.PENDING))
    made["guest"].append(
        post(article, "Guest held reply", reply_to=roots[2].pk, status=CommentStatus.HELD)
    )
    made["guest"].append(post(article, "Guest published", reply_to=roots[4].pk))
    post(article, "Reader held", reply_to=roots[5].pk, status=CommentStatus.HELD, user=reader)
    post(article, "Spam root", status=CommentStatus.SPAM)
    made["under deleted"] = post(article, "Reply under deleted", reply_to=roots[7].pk)
    Comment.objects.filter(pk=roots[7].pk).update(status=CommentStatus.DELETED)
    Comment.objects.filter(pk__in=[roots[1].pk, roots[6].pk]).update(picked_at=timezone.now())
    Comment.objects.filter(pk=roots[3].pk).update(upvotes=4, downvotes=1, best_score=0.9)
    made["roots"] = roots
    return made


def _viewers(discussion) -> dict[str, tuple[Viewer, bool]]:
    guest_ids = frozenset(comment.pk for comment in discussion["guest"])
    return {
        "anonymous": (Viewer(), False),
        "guest with one comment": (Viewer(own_ids=frozenset([min(guest_ids)])), False),
        "guest with three (padded)": (Viewer(own_ids=guest_ids), False),
        "signed in": (Viewer(user_id=discussion["reader"].pk), False),
        "signed in, own ids too": (
            Viewer(user_id=discussion["reader"].pk, own_ids=guest_ids),
            False,
        ),
        "moderating": (Viewer(can_moderate=True), True),
    }


def _page_seen(article, viewer, moderating, **options) -> tuple:
    page = comment_page(article=article, viewer=viewer, moderating=moderating, **options)
    return (
        page.rows,
        page.root_ids,
        page.collapsed,
        page.picks,
        page.page.number,
        page.page.paginator.count,
        list(page.page.object_list),
        page.moderator_ids,
        page.context_id,
    )


PAGE_OPTIONS = [
    {"order": order, "per_page": per_page, "page_number": number, "comment_budget": budget}
    for order in ORDERS
    for per_page, number, budget in (
        (50, 1, 100),
        (3, 1, 5),
        (3, 2, 5),
        (3, "4", 0),
        (3, 99, 5),
        (3, "x", 5),
        (3, 0, 5),
        (4, 3, 5),
    )
]


def test_comment_page_gives_what_the_orm_gives(article, discussion, orm_only):
    """Compiled, every viewer's page (any order, page, budget) is what the ORM gives."""
    viewers = _viewers(discussion)
    roots, guest = discussion["roots"], discussion["guest"]
    options = [
        *PAGE_OPTIONS,
        {"thread_id": roots[2].pk},
        # A comment in its conversation: a guest's held reply (their own, or no one's to
        # see), one under a deleted comment, and a thread's first comment (the whole thread).
        {"thread_id": roots[2].pk, "context_id": guest[1].pk},
        {"thread_id": roots[7].pk, "context_id": discussion["under deleted"].pk},
        {"thread_id": roots[5].pk, "context_id": roots[5].pk},
    ]
    compiled = {
        (name, index): _page_seen(article, viewer, moderating, **option)
        for name, (viewer, moderating) in viewers.items()
        for index, option in enumerate(options)
    }
    orm_only()
    for name, (viewer, moderating) in viewers.items():
        for index, option in enumerate(options):
            seen = _page_seen(article, viewer, moderating, **option)
            assert compiled[(name, index)] == seen, (name, option)


def test_comment_page_number_is_where_the_thread_is_shown(article, discussion):
    """For every viewer and order: the page of the section listing the comment's thread."""
    for viewer, _ in _viewers(discussion).values():
        for order in ORDERS:
            page = comment_page(article=article, viewer=viewer, order=order, per_page=500)
            listed = page.root_ids
            for root_id in listed:
                comment = Comment.objects.get(pk=root_id)
                number = comment_page_number(
                    comment=comment, viewer=viewer, order=order, per_page=2
                )
                assert number == listed.index(root_id) // 2 + 1, (viewer, order)


def test_comment_page_number_builds_no_query_once_compiled(article, discussion):
    """A new comment's page number builds no query once its shape is compiled."""
    first, second = discussion["roots"][0], discussion["roots"][5]
    comment_page_number(comment=first, viewer=Viewer(own_ids=frozenset([first.pk])))

    with mock.patch.object(Query, "build_filter", autospec=True) as build_filter:
        number = comment_page_number(
            comment=second, viewer=Viewer(own_ids=frozenset([second.pk])), per_page=2
        )

    build_filter.assert_not_called()
    assert number == 3


def _own_cookie(client, comment_id: int) -> None:
    response = HttpResponse()
    remember_own_comment(RequestFactory().get("/"), response, comment_id)
    client.cookies.update(response.cookies)


def test_a_guests_landing_page_builds_no_query_once_warm(client, article, discussion):
    """A guest's landing page (own comment pending) builds no ORM query once warm."""
    pending = discussion["guest"][0]
    _own_cookie(client, pending.pk)
    client.get(article.get_absolute_url())

    with mock.patch.object(Query, "build_filter", autospec=True) as build_filter:
        response = client.get(article.get_absolute_url())

    build_filter.assert_not_called()
    assert "Guest pending root" in response.text and "Root 8" in response.text


def test_a_guests_landing_on_a_reply_builds_no_query_once_warm(client, article, discussion):
    """A reply's landing page is the reply in its conversation (?thread=&context=): it too
    builds no ORM query once warm."""
    reply = discussion["guest"][1]
    _own_cookie(client, reply.pk)
    url = f"{article.get_absolute_url()}?thread={reply.thread_id}&context={reply.pk}"
    client.get(url)

    with mock.patch.object(Query, "build_filter", autospec=True) as build_filter:
        response = client.get(url)

    build_filter.assert_not_called()
    assert "Guest held reply" in response.text and "Root 2" in response.text
