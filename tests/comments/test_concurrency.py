"""Concurrent posters replying into one thread, through the real view and database."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.utils.crypto import get_random_string

from comments.models import Comment, CommentStatus, Thread
from tests.conftest import form_data

POSTERS = 16
REPLIES_EACH = 10


def _post_replies(article, parent_ids, worker):
    client = Client()
    statuses = []
    try:
        for n in range(REPLIES_EACH):
            parent = parent_ids[(worker + n) % len(parent_ids)]
            data = form_data(
                article,
                comment=f"reply {worker}-{n}",
                name=f"Poster {worker}",
                reply_to=str(parent),
            )
            statuses.append(client.post("/comments/post/", data).status_code)
    finally:
        connections.close_all()
    return statuses


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_replies_are_all_stored_in_a_consistent_thread(article, post, no_rate_limits):
    """16 posters x 10 replies into one thread: no error, no duplicate order, no orphan."""
    root = post(article, "root")
    first = post(article, "first", reply_to=root.pk)
    second = post(article, "second", reply_to=root.pk)
    nested = post(article, "nested", reply_to=first.pk)
    parents = [root.pk, first.pk, second.pk, nested.pk]

    with ThreadPoolExecutor(max_workers=POSTERS) as pool:
        results = list(pool.map(lambda w: _post_replies(article, parents, w), range(POSTERS)))

    statuses = [s for worker in results for s in worker]
    assert statuses == [302] * (POSTERS * REPLIES_EACH)
    rows = list(
        Comment.objects.filter(article=article)
        .order_by("order")
        .values_list("pk", "thread_id", "parent_id", "level", "order", "status")
    )
    assert len(rows) == 4 + POSTERS * REPLIES_EACH
    assert all(thread == root.pk for _, thread, *_ in rows), "every row is in the thread"
    orders = [order for *_, order, _ in rows]
    assert orders == sorted(set(orders)), "orders are unique"
    by_pk = {pk: (parent, level, order) for pk, _, parent, level, order, _ in rows}
    for pk, _, parent, level, order, _ in rows:
        if pk == root.pk:
            continue
        assert parent in by_pk, "no orphan"
        assert by_pk[parent][1] == level - 1 and by_pk[parent][2] < order
    # Pre-order: each reply's parent is the latest earlier row one level up.
    latest_at_level: dict[int, int] = {}
    for pk, _, parent, level, _, _ in rows:
        if level:
            assert latest_at_level[level - 1] == parent, f"comment {pk} is out of place"
        latest_at_level = {lv: p for lv, p in latest_at_level.items() if lv < level}
        latest_at_level[level] = pk
    assert all(status == CommentStatus.PUBLISHED for *_, status in rows)
    root.refresh_from_db()
    assert root.nested_count == len(rows) - 1
    assert Thread.objects.get(pk=root.pk).published_count == len(rows)
    assert connection.vendor in {"sqlite", "postgresql"}


POSTS_EACH = 60  # 480 posts: enough interleavings to catch the order race, in ~15 s


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_eight_posters_many_comments_each(article, post, no_rate_limits):
    """8 posters x 60 replies into the same threads: all stored, order consistent, no error."""
    roots = [post(article, f"root {n}").pk for n in range(4)]

    def poster(worker):
        client = Client(REMOTE_ADDR=f"10.0.0.{worker + 1}")
        statuses = []
        try:
            for n in range(POSTS_EACH):
                data = form_data(article, comment=f"w{worker} n{n}", name=f"Poster {worker}",
                                 reply_to=str(roots[(worker + n) % len(roots)]))  # fmt: skip
                statuses.append(client.post("/comments/post/", data).status_code)
        finally:
            connections.close_all()
        return statuses

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(poster, range(8)))
    assert [s for worker in results for s in worker] == [302] * (8 * POSTS_EACH)
    assert Comment.objects.filter(article=article).count() == 4 + 8 * POSTS_EACH
    for root in roots:
        rows = list(
            Comment.objects.filter(thread_id=root)
            .order_by("order")
            .values_list("pk", "parent_id", "level", "order")
        )
        orders = [order for *_, order in rows]
        assert orders == sorted(set(orders)), "unique orders per thread"
        # Pre-order: the root first, then its replies, each one level below it.
        assert rows[0][:3] == (root, root, 0)
        assert all((parent, level) == (root, 1) for _, parent, level, _ in rows[1:])
    assert not Comment.objects.filter(thread_id=0).exists()


def _send_in_parallel(data, cookies_for) -> list[int]:
    def send(n):
        client = Client()
        for name, value in cookies_for(n).items():
            client.cookies[name] = value
        try:
            return client.post("/comments/post/", data).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        return list(pool.map(send, range(10)))


@pytest.mark.django_db(transaction=True)
def test_the_same_comment_sent_ten_times_at_once_is_stored_once(article, no_rate_limits):
    """Ten identical submissions in parallel from one browser (a double click) make one row."""
    data = form_data(article, comment="Sent in a hurry", name="Clicker", email="c@example.com")
    one_browser = {settings.CSRF_COOKIE_NAME: get_random_string(32)}
    assert _send_in_parallel(data, lambda n: one_browser) == [302] * 10
    assert Comment.objects.filter(article=article).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_comment_from_ten_browsers_is_ten_comments(article, no_rate_limits):
    """Ten browsers sending the same name and words each get a comment of their own."""
    data = form_data(article, comment="Everyone says this", name="Same Name")
    statuses = _send_in_parallel(data, lambda n: {settings.CSRF_COOKIE_NAME: get_random_string(32)})
    assert statuses == [302] * 10
    assert Comment.objects.filter(article=article).count() == 10
