"""What a reply and a page of comments cost the database must not grow with what is not
on them. A reply: where it goes, the counts of the comments above it, and the conversation
its poster lands on are read by seeks on (thread_id, order) and on ids, never by reading its
thread. A page: its comments are read by index whatever the site holds, and its threads
joined to their first comments only once picked, whatever page it is.

Measured in SQLite virtual-machine steps (its progress handler), which count the rows a
statement visits and do not depend on the machine's speed: a statement that reads its
whole thread takes steps in proportion to the thread, a seek a fixed few.
"""

import contextlib

import pytest
from django.db import connection, transaction

from comments.models import Comment, CommentStatus
from comments.selectors import Viewer, comment_page, comment_page_number
from comments.selectors_threads import thread_rows, viewer_marks
from comments.services import Poster, comment_submit
from comments.services.threads import thread_visibility_changed

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

# Comments before and after the branch replied to, in the small thread and the large one.
SMALL, LARGE = 3, 150


class Steps:
    def __init__(self):
        self.count = 0

    def step(self) -> int:
        self.count += 1
        return 0  # go on


@contextlib.contextmanager
def steps_counted():
    """SQLite steps taken inside the block, by every statement run there."""
    counted = Steps()
    connection.ensure_connection()
    connection.connection.set_progress_handler(counted.step, 1)
    try:
        yield counted
    finally:
        connection.connection.set_progress_handler(None, 1)


def reply(article, parent: Comment, text: str) -> Comment:
    # Every comment here is pending (no scorer): each is its poster's own to reply to.
    return comment_submit(
        article=article,
        poster=Poster(name="Reader"),
        text=text,
        reply_to=parent.pk,
        own_ids=frozenset({parent.pk}),
    )


def reply_costs(article, others: int) -> dict[str, int]:
    """A thread with `others` replies to its first comment, then a branch three deep, then
    `others` more replies; the steps of a reply to the branch's deepest comment: placing
    and storing it, counting it published in the comments above it, and the page its
    poster lands on (the reply in its conversation)."""
    root = comment_submit(article=article, poster=Poster(name="Root"), text=f"Root {others}")
    for n in range(others):
        reply(article, root, f"Before {others}.{n}")
    above = [root]
    for level in range(3):
        above.append(reply(article, above[-1], f"Branch {others}.{level}"))
    branch = above[-1]
    for n in range(others):
        reply(article, root, f"After {others}.{n}")
    with steps_counted() as placed:
        new = reply(article, branch, f"The reply measured, {others}")
    assert (new.level, new.parent_id) == (4, branch.pk)
    with transaction.atomic(), steps_counted() as counted:
        Comment.objects.filter(pk=new.pk).update(status=CommentStatus.PUBLISHED)
        thread_visibility_changed(comment=new, became_published=True)
    with steps_counted() as landed:
        page = comment_page(
            article=article,
            viewer=Viewer(own_ids=frozenset({new.pk})),
            thread_id=root.pk,
            context_id=new.pk,
            moderating=True,
        )
    # The conversation: the thread's first comment, the branch above the reply, the reply.
    assert [row.pk for row in page.rows] == [*(comment.pk for comment in above), new.pk]
    assert page.context_id == new.pk
    return {"placed": placed.count, "counted": counted.count, "landed": landed.count}


def test_a_reply_costs_the_same_steps_in_a_thread_of_ten_or_of_three_hundred(
    article, queued_scoring
):
    small = reply_costs(article, SMALL)
    large = reply_costs(article, LARGE)
    for part, steps in small.items():
        # A B-tree a level deeper, or a page split, costs a few steps more; reading the
        # thread's extra 294 comments costs thousands.
        assert large[part] <= steps * 1.25 + 200, (part, small, large)


def page_steps(article, page_number: int = 1, per_page: int = 50) -> tuple[int, list[int]]:
    with steps_counted() as read:
        page = comment_page(
            article=article, viewer=Viewer(), page_number=page_number, per_page=per_page
        )
    return read.count, [row.pk for row in page.rows]


def test_a_page_of_comments_costs_the_same_whatever_else_the_site_holds(
    article, make_article, post
):
    first = post(article, "First")
    answer = post(article, "An answer", reply_to=first.pk)
    second = post(article, "Second")
    alone, shown = page_steps(article)
    assert shown == [first.pk, answer.pk, second.pk]
    elsewhere = make_article()
    for n in range(60):
        root = post(elsewhere, f"Elsewhere {n}")
        for m in range(4):
            post(elsewhere, f"Reply {n}.{m}", reply_to=root.pk)
    beside, shown = page_steps(article)
    assert shown == [first.pk, answer.pk, second.pk]
    # Reading every comment of the site (300 more) costs thousands of steps.
    assert beside <= alone * 1.25 + 200, (alone, beside)


def test_a_late_page_joins_only_its_own_threads(article, post):
    roots = [post(article, f"Thread {n}") for n in range(240)]
    first, shown = page_steps(article, page_number=1, per_page=4)
    assert shown == [root.pk for root in roots[:4]]
    last, shown = page_steps(article, page_number=60, per_page=4)
    assert shown == [root.pk for root in roots[-4:]]
    # Passing the 236 threads before it in the thread table's index costs about three steps
    # each (714 in all); joining each to its first comment as well made it six (1,422).
    assert last - first <= 236 * 4, (first, last)


def test_the_threads_of_a_page_are_counted_from_their_index(article, post):
    """The page count and a new comment's page number count an article's threads: from
    the listed threads' index, a few steps a thread. Written as Django writes them (the
    bare boolean column `listed`, a GROUP BY, and for a poster an OR with their own
    threads), SQLite read every thread row and sorted them to count them."""
    roots = [post(article, f"Thread {n}") for n in range(240)]
    own = post(article, "Mine, published")
    poster = Viewer(own_ids=frozenset({own.pk, roots[-1].pk}))
    counts = {}
    for name, viewer in (("anyone", Viewer()), ("poster", poster)):
        marked = viewer_marks(article_id=article.pk, own_ids=viewer.own_ids, user_id=None)
        threads = thread_rows(marked, order="oldest", moderating=False, per_page=50)
        with steps_counted() as counted:
            assert threads.count() == 241
        counts[name] = counted.count
    with steps_counted() as numbered:
        assert comment_page_number(comment=own, viewer=poster, per_page=50) == 5
    counts["page number"] = numbered.count
    assert max(counts.values()) <= 241 * 4, counts
