"""Posting a comment: screening its poster, then storing it in its thread, once."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Max, Min
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from articles.models import Article
from core.keys import author_key_for
from core.signals import signal_send_on_commit
from core.text import strip_control_characters

from ..models import Comment, CommentStatus, Thread, text_fingerprint
from ..screening import comment_screen
from ..signals import comment_submitted
from .text import comment_text_fields
from .threads import max_level

logger = logging.getLogger(__name__)

# A second identical post from the same person into the same place within this window is
# the same comment (a double click, a retried request), not a new one; but only when the
# poster proves the first one is theirs, or copying a guest's words would hand over their
# comment (see _duplicate_of).
DUPLICATE_WINDOW = timedelta(minutes=10)


class CommentRejected(Exception):
    """A comment that cannot be stored as given; `field` names the form field to blame."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class CommentRefused(CommentRejected):
    """The site's screening refuses this poster (a ban), until `until` if it ends."""

    def __init__(self, until: datetime | None = None):
        super().__init__(None, "This poster may not comment here.")
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
    """Store a new comment as `pending` in its thread, then announce it once committed.

    Everything happens in one transaction: the thread (or, for a new thread, the article) is
    locked so concurrent replies get distinct positions, and a failure leaves no row behind.
    A reply to a comment at the deepest level attaches beside it, at that level.
    """
    if not article.is_published:
        raise CommentRejected(None, "This article is not published.")
    if not article.accepts_comments:
        raise CommentRejected(None, "Comments are closed on this article.")

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
            comment, created = _reply_insert(article, reply_to, own_ids, poster, fields, now)
        else:
            comment, created = _root_insert(article, poster, own_ids, fields, now)
    if created:
        signal_send_on_commit(comment_submitted, sender=Comment, comment_id=comment.pk)
        transaction.on_commit(
            lambda: logger.info("comment %s: stored pending on article %s", comment.pk, article.pk)
        )
    return comment


def _duplicate_of(
    poster: Poster, text: str, now, own_ids: frozenset[int], **where
) -> Comment | None:
    """The same comment sent moments ago into the same place by this same poster, if any.

    Same name and text prove nothing: anyone can copy them off the page. So an earlier
    comment counts as this poster's only with proof: their account, this browser's signed
    list of its own comments, or the browser key it was sent with (a double click arrives
    before the first response has set any cookie). Without proof a copy is a new comment.
    """
    if poster.user is not None:
        same_poster = {"user": poster.user}
    elif own_ids or poster.browser_key:
        same_poster = {
            "user__isnull": True,
            "user_name": strip_control_characters(poster.name)[:50],
            "user_email": poster.email[:254],  # the column sizes; the form checks them first
        }
    else:
        return None
    candidates = Comment.objects.filter(
        text_hash=text_fingerprint(text),
        comment=text,
        submit_date__gte=now - DUPLICATE_WINDOW,
        **same_poster,
        **where,
    ).order_by("pk")[:10]
    for candidate in candidates:
        sent_from = candidate.submission_meta.get("browser")
        if (
            poster.user is not None
            or candidate.pk in own_ids
            or (poster.browser_key and sent_from == poster.browser_key)
        ):
            return candidate
    return None


def _root_insert(
    article: Article, poster: Poster, own_ids: frozenset[int], fields: dict, now
) -> tuple[Comment, bool]:
    # Locking the article serializes new threads on PostgreSQL so that two identical
    # submissions sent at once store one row; SQLite's IMMEDIATE transactions already do.
    Article.objects.select_for_update().filter(pk=article.pk).first()
    duplicate = _duplicate_of(poster, fields["comment"], now, own_ids, article=article, level=0)
    if duplicate:
        return duplicate, False
    comment = Comment(**fields, thread_id=0, parent_id=0, level=0, order=1)
    comment.save(force_insert=True)
    # xtd's convention: a top-level comment is its own thread and its own parent.
    XtdComment.objects.filter(pk=comment.pk).update(thread_id=comment.pk, parent_id=comment.pk)
    comment.thread_id = comment.parent_id = comment.pk
    Thread.objects.create(root=comment, article=article)
    return comment, True


def _reply_insert(
    article: Article, reply_to: int, own_ids: frozenset[int], poster: Poster, fields: dict, now
) -> tuple[Comment, bool]:
    parent = Comment.objects.filter(pk=reply_to).only("thread_id", "article_id").first()
    if parent is None or parent.article_id != article.pk:
        raise CommentRejected("reply_to", "The comment you are replying to does not exist here.")
    # Lock the thread: concurrent replies into it queue here, so `order` stays unique.
    Thread.objects.select_for_update().filter(pk=parent.thread_id).first()
    parent = Comment.objects.get(pk=reply_to)  # re-read: `order` may have moved meanwhile
    is_own = parent.pk in own_ids or (poster.user is not None and parent.user_id == poster.user.pk)
    if parent.status != CommentStatus.PUBLISHED and not is_own:
        raise CommentRejected("reply_to", "The comment you are replying to is not available.")
    if parent.level >= max_level() and parent.parent_id != parent.pk:
        parent = Comment.objects.get(pk=parent.parent_id)

    level = parent.level + 1
    duplicate = _duplicate_of(
        poster, fields["comment"], now, own_ids, parent_id=parent.pk, level=level
    )
    if duplicate:
        return duplicate, False

    thread = Comment.objects.filter(thread_id=parent.thread_id)
    next_order = thread.filter(order__gt=parent.order, level__lte=parent.level).aggregate(
        n=Min("order")
    )["n"]
    if next_order is None:
        order = thread.aggregate(n=Max("order"))["n"] + 1
    else:
        # Make room after the parent's subtree (pre-order position).
        XtdComment.objects.filter(thread_id=parent.thread_id, order__gte=next_order).update(
            order=F("order") + 1
        )
        order = next_order
    comment = Comment(
        **fields, thread_id=parent.thread_id, parent_id=parent.pk, level=level, order=order
    )
    comment.save(force_insert=True)
    return comment, True
