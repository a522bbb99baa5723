"""A page of threads covering every branch of comments/thread_html.py, built from unsaved
rows (no database): its English markup is kept in data/thread_en.html."""

from datetime import UTC, datetime, timedelta

from comments.models import Comment, CommentStatus
from comments.presenters import _link_nodes, build_nodes
from comments.selectors import Viewer
from comments.thread_html import thread_html
from comments.thread_links import InPlaceModeration, ThreadLinks, VoteForms

WHEN = datetime(2026, 11, 27, 14, 5, tzinfo=UTC)
PUBLISHED, HELD = CommentStatus.PUBLISHED, CommentStatus.HELD


def row(pk, thread_id, level, *, status=PUBLISHED, user_id=None, name="Reader", **fields):
    return Comment(
        pk=pk, thread_id=thread_id, level=level, status=status, user_id=user_id,
        user_name=name, user_url=fields.pop("url", ""),
        comment_html=fields.pop("html", f"<p>Comment {pk}</p>"),
        submit_date=fields.pop("when", WHEN + timedelta(days=pk)),
        edited_at=fields.pop("edited_at", None), submission_meta=fields.pop("meta", {}),
        upvotes=fields.pop("up", 0), downvotes=fields.pop("down", 0),
        user_email=fields.pop("email", "reader@example.org"),
    )  # fmt: skip


def sample_rows() -> list[Comment]:
    return [
        row(1, 1, 0, name="Ada <Writer>", user_id=7, url="https://ada.example/?a=1&b=2", up=3,
            down=1, edited_at=WHEN),
        row(2, 1, 1, status=CommentStatus.REMOVED),
        row(3, 1, 2, name="Own guest", status=HELD),
        row(4, 1, 2, name="Mod", user_id=8, status=PUBLISHED),
        row(5, 5, 0, status=CommentStatus.DELETED),
        row(6, 5, 1, status=CommentStatus.PENDING),
        row(7, 5, 2, name="Late", up=1),
        row(8, 8, 0, name="Own pending", status=CommentStatus.PENDING),
        row(9, 9, 0, name="Spammer", status=CommentStatus.SPAM),
        row(10, 10, 0, name="Collapsed", up=0, down=2),
    ]  # fmt: skip


def sample_nodes(*, moderating: bool):
    viewer = Viewer(user_id=None, own_ids=frozenset({3, 8, 10}), can_moderate=True)
    nodes = build_nodes(
        sample_rows(),
        root_ids=[1, 5, 8, 9, 10],
        viewer=viewer,
        author_ids=frozenset({7}),
        moderator_ids=frozenset({8}),
        editable_since=WHEN,
        moderating=moderating,
    )
    for node in nodes:
        node.picked = node.pk == 1
        node.my_vote = -1 if node.pk == 7 else 0
        if node.pk == 5:
            node.hidden_replies = 1
        if node.pk == 10:
            node.hidden_replies = 4
            node.notice, node.notice_kind = "Thank you: your comment is published.", "posted"
        if node.pk == 7:
            node.moderation_note = "Approved: the comment by Late is published."
    return nodes, _link_nodes(nodes)


def sample_thread_html(*, moderating: bool) -> str:
    """The sample page as a moderator with every control sees it (`moderating`: in place),
    else as a guest of the shared page with comments closed."""
    nodes, trailing = sample_nodes(moderating=moderating)
    if moderating:
        links = ThreadLinks.build(
            reply_query="?cpage=2&replyto=",
            comments_open=True,
            can_moderate=True,
            thread_query="?moderate=1&thread=",
            moderation=InPlaceModeration.build(
                csrf_token="token", page_url="/articles/a/?moderate=1", can_ban=True
            ),
            can_pick=True,
            csrf_token="token",
            votes=VoteForms.build(csrf_token="token", down_votes=True),
        )
    else:
        links = ThreadLinks.build(
            reply_query="?replyto=",
            comments_open=False,
            can_moderate=True,
            votes=VoteForms.build(csrf_token="", down_votes=False),
        )
    return str(thread_html(nodes, trailing, links))
