"""Each queue item inside its thread: the parent chain, the other replies folded, its
permalink, in a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import CommentStatus
from moderation.selectors_queue import queue_page
from moderation.selectors_thread import SIBLINGS_SHOWN, thread_contexts

S = CommentStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(article, post):
    """Rob starts a thread, Mia answers, Hal's held reply answers Mia beside two others."""
    root = post(article, "Root words from Rob", name="Root Rob")
    middle = post(article, "Middle words from Mia", name="Middle Mia", reply_to=root.pk)
    before = post(article, "An earlier answer to Mia", name="Early Eve", reply_to=middle.pk)
    spam = post(article, "Buy cheap pills", name="Spammy", reply_to=middle.pk, status=S.SPAM)
    held = post(article, "Hal's held answer", name="Held Hal", reply_to=middle.pk, status=S.HELD)
    return {"root": root, "middle": middle, "before": before, "spam": spam, "held": held}


def test_context_holds_the_parent_chain_and_the_siblings(conversation):
    """A reply's context lists its ancestors from the root down and the other replies to its
    parent, itself left out."""
    held = conversation["held"]
    context = thread_contexts([held])[held.pk]
    assert [c.pk for c in context.ancestors] == [conversation["root"].pk, conversation["middle"].pk]
    assert context.parent.pk == conversation["middle"].pk
    assert [c.pk for c in context.siblings] == [conversation["before"].pk, conversation["spam"].pk]
    assert context.sibling_count == 2 and context.more_siblings == 0


def test_a_top_level_comment_has_no_context(article, post):
    """A held top-level comment has no chain and no siblings (other threads are not its
    siblings)."""
    post(article, "Another thread")
    held = post(article, "A new thread, held", status=S.HELD)
    context = thread_contexts([held])[held.pk]
    assert context.ancestors == [] and context.siblings == [] and context.sibling_count == 0


def test_many_siblings_are_counted_but_only_the_first_shown(article, post):
    """Past SIBLINGS_SHOWN replies the rest are counted, not listed."""
    root = post(article, "Popular")
    for n in range(SIBLINGS_SHOWN + 3):
        post(article, f"Reply {n}", reply_to=root.pk)
    held = post(article, "Held reply", reply_to=root.pk, status=S.HELD)
    context = thread_contexts([held])[held.pk]
    assert len(context.siblings) == SIBLINGS_SHOWN
    assert context.sibling_count == SIBLINGS_SHOWN + 3
    assert context.more_siblings == 3


def test_queue_item_shows_its_thread_folded_and_links_in_place(client, moderator, conversation):
    """The held tab shows the chain with links in place, the siblings in a <details>, and a
    link to the comment itself in place."""
    held = conversation["held"]
    client.force_login(moderator)
    html = client.get(reverse("moderation:queue")).content.decode()
    item = html[html.index(f'id="item-{held.pk}"') :]
    chain = item[item.index('class="queue-thread"') : item.index("</ol>")]
    assert chain.index("Root words from Rob") < chain.index("Middle words from Mia")
    for comment in (conversation["root"], conversation["middle"]):
        assert reverse("comments:permalink", args=[comment.pk]) in chain
    assert reverse("comments:permalink", args=[held.pk]) in item
    siblings = re.search(r"<details class=\"queue-siblings\">(.*?)</details>", item, re.S).group(1)
    assert "2 other replies to Middle Mia" in siblings
    assert "An earlier answer to Mia" in siblings and "Buy cheap pills" in siblings
    assert "Spam</span>" in siblings  # a sibling not published says what it is


def test_context_text_is_escaped(client, moderator, article, post):
    """Text from the thread is shown as text, never as markup."""
    root = post(article, "<script>alert(1)</script> hello", name="<b>Mallory</b>")
    post(article, "held", reply_to=root.pk, status=S.HELD)
    client.force_login(moderator)
    html = client.get(reverse("moderation:queue")).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "<b>Mallory</b>" not in html


def _deep_held_replies(article, post, count):
    """`count` held replies, each at the deepest level under its own chain with siblings."""
    for n in range(count):
        above = post(article, f"Root {n}")
        for level in range(3):
            above = post(article, f"Level {level + 1} of {n}", reply_to=above.pk)
        post(article, f"Sibling of {n}", reply_to=above.pk)
        post(article, f"Held {n}", reply_to=above.pk, status=S.HELD)


def test_context_costs_the_same_queries_for_a_page_of_2_or_of_12(
    client, moderator, article, post, make_article
):
    """The held tab's query count does not grow with the number of items shown."""
    client.force_login(moderator)
    _deep_held_replies(article, post, 2)
    client.get(reverse("moderation:queue"))  # warm what is cached per process
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("moderation:queue")).status_code == 200
    _deep_held_replies(make_article(), post, 10)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("moderation:queue"))
    assert response.content.decode().count('class="queue-item"') == 12
    assert len(large) == len(small)


def test_queue_page_reads_context_for_the_whole_page_at_once(article, post):
    """queue_page attaches each item's thread; the chain never costs a query per item."""
    _deep_held_replies(article, post, 6)
    with CaptureQueriesContext(connection) as queries:
        _, items = queue_page("held", 1)
        chains = [[c.comment for c in item.thread.ancestors] for item in items]
    assert all(len(chain) == 4 for chain in chains)
    assert all(item.parent is not None for item in items)
    assert len(queries) <= 12
