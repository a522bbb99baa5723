"""Posting a comment: screening its poster, then storing it in its thread, once."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from articles.models import Article
from core.accounts import COMMENT_NAME_MAX_LENGTH
from core.db import CompiledValues
from core.signals import signal_send_on_commit
from core.text import one_line

from ..models import Comment, CommentStatus, comment_insert
from ..screening import Copies, comment_judge, comment_judge_prepare, comment_screen
from ..signals import comment_submitted
from .placing import comment_reply_place, comment_root_place
from .poster import CommentRefused, CommentRejected, Poster
from .text import comment_text_fields
from .threads import max_level, thread_start

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
        "user_name": one_line(poster.name)[:COMMENT_NAME_MAX_LENGTH],
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
    # What the verdict needs of the text alone is worked out before the transaction opens.
    prepared = comment_judge_prepare(text=text_fields["comment"])
    with transaction.atomic():
        if reply_to:
            comment = comment_reply_place(article, reply_to, own_ids, poster, fields)
        else:
            comment = comment_root_place(article, fields)
        copies = _copies_of(comment)
        duplicate = _duplicate_of(poster, comment, copies, own_ids)
        if duplicate is not None:
            return duplicate
        # With scoring inline the verdict is known before the insert: the comment is stored
        # once, with its final status, verdict and audit event, in this one transaction.
        judgement = comment_judge(comment=comment, copies=copies, prepared=prepared)
        if judgement is not None:
            comment.status = judgement.status
            comment.is_public = judgement.status == CommentStatus.PUBLISHED
            # Its status was decided now: the digest of held comments, the queue's tabs and
            # the notification sweep all find comments by when their status last changed.
            comment.status_changed_at = now
        comment_insert(comment)
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
