"""Posting a comment: screening its poster, then storing it in its thread, once."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext
from django_comments_xtd.models import XtdComment

from articles.models import Article
from core.db import CompiledValues
from core.keys import author_key_for
from core.signals import signal_send_on_commit
from core.text import strip_control_characters

from ..models import Comment, CommentStatus
from ..screening import Copies, comment_judge, comment_screen
from ..signals import comment_submitted
from .text import comment_text_fields
from .threads import max_level, thread_lock_for, thread_start

logger = logging.getLogger(__name__)

# A second identical post from the same person into the same place within this window is
# the same comment (a double click, a retried request), not a new one; but only when the
# poster proves the first one is theirs, or copying a guest's words would hand over their
# comment (see _duplicate_of).
DUPLICATE_WINDOW = timedelta(minutes=10)
# How far back earlier copies of a text are looked up as a comment is stored: the duplicate
# check above uses the last ten minutes of them, the scorer's duplicate rule all of them.
COPIES_WINDOW = timedelta(days=7)
COPIES_FETCHED = 20
# What placing a reply reads of the comment it answers.
PARENT_FIELDS = (
    "pk", "article_id", "user_id", "status", "level", "parent_id", "thread_id", "order",
    "followup",
)  # fmt: skip


class CommentRejected(Exception):
    """A comment that cannot be stored as given; `field` names the form field to blame."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class CommentRefused(CommentRejected):
    """The site's screening refuses this poster (a ban), until `until` if it ends."""

    def __init__(self, until: datetime | None = None):
        super().__init__(None, gettext("This poster may not comment here."))
        self.until = until


@dataclass(frozen=True)
class Poster:
    """Who is posting: a signed-in user, or a guest's name, email and website.

    `browser_key` identifies the browser the post came from (see comments.owner.browser_key)
    and is how a guest's double click is recognised as one comment. `email_verified` says
    this browser proved the guest's address through an emailed link; only then do the
    guest's history and trust follow them from comment to comment.
    """

    name: str
    email: str = ""
    url: str = ""
    user: AbstractBaseUser | None = None
    browser_key: str = ""
    email_verified: bool = False

    @property
    def author_key(self) -> str:
        return author_key_for(
            user_id=self.user.pk if self.user is not None else None,
            verified_email=self.email if self.email_verified else "",
        )

    @classmethod
    def for_user(cls, user: AbstractBaseUser) -> "Poster":
        name = (user.get_full_name() or user.get_username())[:50]
        return cls(name=name, email=getattr(user, "email", "") or "", user=user)


def comment_receive(
    *,
    article: Article,
    poster: Poster,
    text: str,
    ip_address: str | None = None,
    meta: dict | None = None,
    **details,
) -> Comment:
    """Take a comment from the form: screen its poster through the site's hook, then store
    it (comment_submit). A refused poster raises CommentRefused and nothing is stored; a
    shadow-banned poster's comment is stored marked so, for their eyes only."""
    screening = comment_screen(user=poster.user, email=poster.email, ip_address=ip_address)
    if screening.refused:
        raise CommentRefused(until=screening.until)
    if screening.shadow:
        meta = {**(meta or {}), "shadow": True}
    return comment_submit(
        article=article, poster=poster, text=text, ip_address=ip_address, meta=meta, **details
    )


def comment_submit(
    *,
    article: Article,
    poster: Poster,
    text: str,
    reply_to: int = 0,
    own_ids: frozenset[int] = frozenset(),
    ip_address: str | None = None,
    user_agent: str = "",
    meta: dict | None = None,
    followup: bool = False,
) -> Comment:
    """Store a new comment in its thread, then announce it once committed.

    Everything happens in one transaction: the thread (or, for a new thread, the article) is
    locked so concurrent replies get distinct positions, and a failure leaves no row behind.
    A reply to a comment at the deepest level attaches beside it, at that level. With a
    judging hook that answers (scoring inline), the comment is stored with its verdict;
    otherwise it is stored `pending` for the queue.
    """
    if not article.is_published:
        raise CommentRejected(None, gettext("This article is not published."))
    if not article.accepts_comments:
        raise CommentRejected(None, gettext("Comments are closed on this article."))

    now = timezone.now()
    text_fields = comment_text_fields(text)
    browser = {"browser": poster.browser_key} if poster.browser_key else {}
    fields = {
        "article": article,
        "content_type": ContentType.objects.get_for_model(Article),
        "object_pk": str(article.pk),
        "site_id": settings.SITE_ID,
        "user": poster.user,
        "user_name": strip_control_characters(poster.name)[:50],
        "user_email": poster.email[:254],  # the column sizes; the form checks them first
        "user_url": poster.url[:200],
        **text_fields,
        "submit_date": now,
        "ip_address": ip_address,
        "user_agent": (user_agent or "")[:300],
        "submission_meta": {**(meta or {}), **browser},
        "followup": followup,
        "author_key": poster.author_key,
        "status": CommentStatus.PENDING,
        "is_public": False,
        "is_removed": False,
    }
    if max_level() == 0:
        reply_to = 0  # flat comments: a reply starts its own thread
    with transaction.atomic():
        if reply_to:
            comment = _reply_place(article, reply_to, own_ids, poster, fields)
        else:
            comment = _root_place(article, fields)
        copies = _copies_of(comment)
        duplicate = _duplicate_of(poster, comment, copies, own_ids)
        if duplicate is not None:
            return duplicate
        # With scoring inline the verdict is known before the insert: the comment is stored
        # once, with its final status, verdict and audit event, in this one transaction.
        judgement = comment_judge(comment=comment, copies=copies)
        if judgement is not None:
            comment.status = judgement.status
            comment.is_public = judgement.status == CommentStatus.PUBLISHED
        comment.save(force_insert=True)
        if comment.level == 0:
            thread_start(root=comment, published=comment.status == CommentStatus.PUBLISHED)
        if judgement is not None:
            judgement.record(comment)
    signal_send_on_commit(
        comment_submitted, sender=Comment, comment_id=comment.pk, status=comment.status
    )
    transaction.on_commit(
        lambda: logger.info(
            "comment %s: stored %s on article %s", comment.pk, comment.status, article.pk
        )
    )
    return comment


COPY_FIELDS = (
    "pk", "comment", "submit_date", "user_id", "user_name", "user_email", "submission_meta",
    "article_id", "level", "parent_id", "author_key", "ip_address",
)  # fmt: skip
# Run on every post: compiled once (core.db).
_copies_read = CompiledValues(
    lambda text_hash, since: (
        Comment.objects.filter(text_hash=text_hash, submit_date__gte=since)
        .order_by("-pk")
        .values(*COPY_FIELDS)[:COPIES_FETCHED]
    ),
    text_hash=Comment._meta.get_field("text_hash"),
    since=Comment._meta.get_field("submit_date"),
)
_parent_read = CompiledValues(
    lambda pk: Comment.objects.filter(pk=pk).order_by().values(*PARENT_FIELDS)[:1],
    pk=Comment._meta.pk,
)

# Where a reply goes: the thread's last position, and the first after the parent's subtree.
_thread_end_read = CompiledValues(
    lambda thread_id: (
        Comment.objects.filter(thread_id=thread_id)
        .order_by()
        .values("thread_id")
        .annotate(last=Max("order"))
    ),
    thread_id=XtdComment._meta.get_field("thread_id"),
)
_subtree_end_read = CompiledValues(
    lambda thread_id, order, level: (
        Comment.objects.filter(thread_id=thread_id)
        .order_by()
        .values("thread_id")
        .annotate(next=Min("order", filter=Q(order__gt=order, level__lte=level)), last=Max("order"))
    ),
    thread_id=XtdComment._meta.get_field("thread_id"),
    order=XtdComment._meta.get_field("order"),
    level=XtdComment._meta.get_field("level"),
)


def _copies_of(comment: Comment) -> Copies:
    """Earlier comments with the same text, newest first: what both the duplicate check and
    the scorer's duplicate rule need, in one indexed query. A flood of one text is looked at
    up to its newest COPIES_FETCHED copies, which is plenty for both."""
    since = comment.submit_date - COPIES_WINDOW
    return Copies(rows=_copies_read(text_hash=comment.text_hash, since=since))


def _duplicate_of(
    poster: Poster, comment: Comment, copies: Copies, own_ids: frozenset[int]
) -> Comment | None:
    """The same comment sent moments ago into the same place by this same poster, if any.

    Same name and text prove nothing: anyone can copy them off the page. So an earlier
    comment counts as this poster's only with proof: their account, this browser's signed
    list of its own comments, or the browser key it was sent with (a double click arrives
    before the first response has set any cookie). Without proof a copy is a new comment.
    """
    since = comment.submit_date - DUPLICATE_WINDOW
    for row in copies.rows:
        same_place = (
            row["article_id"] == comment.article_id
            and row["level"] == comment.level
            and (comment.level == 0 or row["parent_id"] == comment.parent_id)
        )
        if not same_place or row["submit_date"] < since or row["comment"] != comment.comment:
            continue
        if poster.user is not None:
            proven = row["user_id"] == poster.user.pk
        else:
            sent_from = (row["submission_meta"] or {}).get("browser")
            same_browser = bool(poster.browser_key) and sent_from == poster.browser_key
            proven = (
                row["user_id"] is None
                and row["user_name"] == comment.user_name
                and row["user_email"] == comment.user_email
                and (row["pk"] in own_ids or same_browser)
            )
        if proven:
            return Comment.objects.get(pk=row["pk"])
    return None


def _root_place(article: Article, fields: dict) -> Comment:
    # Locking the article serializes new threads on PostgreSQL so that two identical
    # submissions sent at once store one row; SQLite's IMMEDIATE transactions already do.
    if connection.features.has_select_for_update:
        list(Article.objects.select_for_update().filter(pk=article.pk).order_by().values("pk"))
    # thread_id 0: the comment becomes its own thread and parent as it is inserted.
    return Comment(**fields, thread_id=0, parent_id=0, level=0, order=1)


def _reply_place(
    article: Article, reply_to: int, own_ids: frozenset[int], poster: Poster, fields: dict
) -> Comment:
    # Lock the parent's thread first: concurrent replies into it queue here, so `order`
    # stays unique; then read the parent, whose `order` cannot move any more.
    thread_lock_for(comment_id=reply_to)
    parent = _parent_row(reply_to)
    if parent is None or parent["article_id"] != article.pk:
        raise CommentRejected(
            "reply_to", gettext("The comment you are replying to does not exist here.")
        )
    is_own = parent["pk"] in own_ids or (
        poster.user is not None and parent["user_id"] == poster.user.pk
    )
    if parent["status"] != CommentStatus.PUBLISHED and not is_own:
        raise CommentRejected(
            "reply_to", gettext("The comment you are replying to is not available.")
        )
    if parent["level"] >= max_level() and parent["parent_id"] != parent["pk"]:
        parent = _parent_row(parent["parent_id"])

    # The first comment after the parent's subtree, if any, and the thread's last position.
    thread_id, level = parent["thread_id"], parent["level"]
    if level == 0:
        # A top-level comment's subtree is its whole thread: nothing comes after it.
        positions = {"next": None, **_thread_end_read(thread_id=thread_id)[0]}
    else:
        positions = _subtree_end_read(thread_id=thread_id, order=parent["order"], level=level)[0]
    next_order = positions["next"]
    if next_order is None:
        order = positions["last"] + 1
    else:
        # Make room after the parent's subtree (pre-order position).
        XtdComment.objects.filter(thread_id=thread_id, order__gte=next_order).update(
            order=F("order") + 1
        )
        order = next_order
    reply = Comment(
        **fields, thread_id=thread_id, parent_id=parent["pk"], level=level + 1, order=order
    )
    reply.parent_followup = parent["followup"]
    reply.grandparent_id = parent["parent_id"]
    return reply


def _parent_row(comment_id: int) -> dict | None:
    """The columns placing a reply needs of the comment it answers (not a whole model:
    building one from the three comment tables costs more than this query)."""
    return next(iter(_parent_read(pk=comment_id)), None)
