"""Concurrent posters replying into one thread, through the real view and database."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client

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
    assert orders == list(range(1, len(rows) + 1)), "orders are unique and contiguous"
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
