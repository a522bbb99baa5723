"""Each of a reader's own comments has Edit and Delete links a screen reader can tell apart:
named after the comment's date, not "Edit, Delete, Edit, Delete"."""

import re
import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from comments.models import Comment
from tests.conftest import form_data

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def link_names(html: str, css: str) -> list[str]:
    return re.findall(rf'<a class="{css}" href="[^"]+" aria-label="([^"]+)">', html)


def at(comment, moment: datetime) -> None:
    Comment.objects.filter(pk=comment.pk).update(submit_date=moment)


def test_thread_names_each_edit_and_delete_link_after_its_comment(client, article, submit):
    """A guest's two comments: their links say which comment they act on, each its own."""
    for text in ("The first of mine", "The second of mine"):
        submit(form_data(article, comment=text, name="Owner"))
    first, second = Comment.objects.order_by("pk")
    now = timezone.localtime().replace(second=0, microsecond=0)
    # Both still inside the edit window, posted minutes apart.
    times = [now - timedelta(minutes=6), now - timedelta(minutes=2)]
    at(first, times[0])
    at(second, times[1])

    html = client.get(article.get_absolute_url()).content.decode()

    dates = [f"{t.day} {t:%B %Y} at {t:%H:%M}" for t in times]
    assert link_names(html, "comment-edit-link") == [
        f"Edit your comment of {date}" for date in dates
    ]
    assert link_names(html, "comment-delete-link") == [
        f"Delete your comment of {date}" for date in dates
    ]


def test_your_comments_page_names_each_link_after_its_comment(client, article, make_user, post):
    """The list of one's comments names its Edit and Delete links the same way."""
    writer = make_user("writer")
    client.force_login(writer)
    first = post(article, "One", user=writer)
    second = post(article, "Two", user=writer)
    at(first, datetime(2026, 11, 27, 14, 5, tzinfo=BERLIN))
    at(second, datetime(2026, 11, 28, 8, 30, tzinfo=BERLIN))

    html = client.get("/comments/mine/").content.decode()

    edits = re.findall(r'<a href="/comments/\d+/edit/" aria-label="([^"]+)">Edit</a>', html)
    deletes = re.findall(r'<a href="/comments/\d+/delete/" aria-label="([^"]+)">Delete</a>', html)
    assert len(set(edits)) == 2 and all(e.startswith("Edit your comment of ") for e in edits)
    assert len(set(deletes)) == 2
    assert all(d.startswith("Delete your comment of ") for d in deletes)
