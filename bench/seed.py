"""Seed an article with many threaded comments fast, for benchmarks only.

Rows go straight into the three comment tables (django_comments, xtd's table, Parley's) and
the thread table with executemany, in the shape comment_submit produces: pre-order `order`,
thread ids, levels, published status and recounted caches. Posting 10,000 comments through
the service would measure the service, not the page.
"""

import random
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from django_comments.models import Comment as BaseComment
from django_comments_xtd.models import XtdComment

from articles.models import Article
from articles.services import article_create
from comments.models import Comment, CommentStatus, Thread, text_fingerprint
from comments.rendering import comment_to_safe_html
from comments.services import article_comment_count_recount
from moderation.models import ModerationRules

WORDS = [
    "grid", "power", "voltage", "line", "cable", "storage", "battery", "winter", "price",
    "bill", "network", "plan", "cost", "policy", "market", "region", "solar", "wind",
    "turbine", "inertia", "frequency", "operator", "permit", "pylon",
]  # fmt: skip


def scripted_posters_allowed() -> None:
    """The benchmarks' posters are scripts that send the form at once: without this the
    scorer's too-fast rule holds each post sent within its few seconds of the form, so a run's
    figures would depend on how many posts a machine gets through in that time."""
    ModerationRules.objects.update_or_create(pk=1, defaults={"min_seconds_to_submit": 0})


def _insert(model, rows: list[dict]) -> None:
    """INSERT rows into the model's own table (not its parents') in one executemany."""
    fields = [f for f in model._meta.local_concrete_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - names from _meta
    params = [
        [f.get_db_prep_save(row.get(f.attname, f.get_default()), connection) for f in fields]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _tree(n_comments: int, max_level: int, rng: random.Random) -> list[list[tuple[int, int]]]:
    """Threads as pre-order lists of (index-in-thread of parent or -1, level)."""
    threads: list[list[tuple[int, int]]] = []
    made = 0
    while made < n_comments:
        size = min(n_comments - made, max(1, int(rng.expovariate(1 / 10))))
        nodes: list[tuple[int, int]] = [(-1, 0)]
        children: dict[int, list[int]] = {0: []}
        for index in range(1, size):
            parent = rng.randrange(index)
            while nodes[parent][1] >= max_level:
                parent = nodes[parent][0]
            nodes.append((parent, nodes[parent][1] + 1))
            children.setdefault(parent, []).append(index)
            children[index] = []
        order: list[int] = []
        stack = [0]
        while stack:
            index = stack.pop()
            order.append(index)
            stack.extend(reversed(children.get(index, [])))
        position = {old: new for new, old in enumerate(order)}
        threads.append([(position.get(nodes[i][0], -1), nodes[i][1]) for i in order])
        made += size
    return threads


@transaction.atomic
def seed_article(n_comments: int, *, slug: str, max_level: int = 4, seed: int = 7) -> Article:
    """Create a published article with `n_comments` published comments in threads."""
    rng = random.Random(seed)
    article = article_create(
        title=f"Benchmark article with {n_comments} comments",
        slug=slug,
        body="## Benchmark\n\n" + " ".join(rng.choice(WORDS) for _ in range(800)),
        authors=[],
        publish=True,
    )
    content_type = ContentType.objects.get_for_model(Article)
    start_id = (BaseComment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    now = timezone.now() - timedelta(days=30)
    base, xtd, parley, threads = [], [], [], []
    next_id = start_id
    for thread in _tree(n_comments, max_level, rng):
        root_id = next_id
        ids = list(range(next_id, next_id + len(thread)))
        next_id += len(thread)
        nested = [0] * len(thread)
        for index in range(len(thread) - 1, 0, -1):
            nested[thread[index][0]] += nested[index] + 1
        for index, (parent, level) in enumerate(thread):
            pk = ids[index]
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60)))
            when = now + timedelta(seconds=pk)
            base.append({
                "id": pk, "content_type_id": content_type.pk, "object_pk": str(article.pk),
                "site_id": 1, "user_name": f"Reader {pk % 500}", "user_email": "",
                "user_url": "https://example.com" if pk % 7 == 0 else "", "comment": text,
                "submit_date": when, "ip_address": "127.0.0.1", "is_public": True,
                "is_removed": False,
            })  # fmt: skip
            xtd.append({
                "comment_ptr_id": pk, "thread_id": root_id,
                "parent_id": ids[parent] if parent >= 0 else pk, "level": level,
                "order": index + 1, "followup": False, "nested_count": nested[index],
            })  # fmt: skip
            parley.append({
                "xtdcomment_ptr_id": pk, "article_id": article.pk,
                "status": CommentStatus.PUBLISHED, "comment_html": comment_to_safe_html(text),
                "user_agent": "bench", "status_changed_at": when,
                "text_hash": text_fingerprint(text),
            })  # fmt: skip
        threads.append({
            "root_id": root_id, "article_id": article.pk, "listed": True,
            "published_count": len(thread), "last_published_at": now,
        })  # fmt: skip
    for model, rows in (
        (BaseComment, base),
        (XtdComment, xtd),
        (Comment, parley),
        (Thread, threads),
    ):
        for start in range(0, len(rows), 2000):
            _insert(model, rows[start : start + 2000])
    for sql in connection.ops.sequence_reset_sql(no_style(), [BaseComment]):
        with connection.cursor() as cursor:
            cursor.execute(sql)
    article.comment_count = article_comment_count_recount(article_id=article.pk)
    return article
