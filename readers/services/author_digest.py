"""Authors' digest: one email per author listing the comments published on their articles
since their previous digest, with a one-click way out (the readers' unsubscribe link) and a
way back in from the author area.

What was sent is recorded per comment (AuthorDigestEntry), in the transaction that sends the
email: a failed send records nothing and the next run tries again, and a run that overlaps
another is refused by the entries' unique constraint instead of mailing the same comments
twice.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import ngettext

from articles.models import Article
from comments.models import Comment, CommentStatus
from core.http import absolute_url
from core.mail import email_build
from core.roles import author_users

from ..models import AuthorDigestChoice, AuthorDigestEntry
from ..tokens import address_digest, token_make

logger = logging.getLogger(__name__)
# However long beat was away, a digest reaches back no further than this.
LOOKBACK_MOST = timedelta(days=7)
# Comments one email lists; any more wait for the next digest.
LISTED_MOST = 200
EXCERPT_CHARS = 200


@dataclass(frozen=True)
class ArticleComments:
    """One article's new comments, as a digest lists them."""

    article: Article
    comments: list[Comment]


def author_digest_unsubscribe_url(author: AbstractBaseUser) -> str:
    """The one-click link that stops an author's digest (sent to their account's address)."""
    token = token_make("unsubscribe", author_digest=author.pk, to=address_digest(author.email))
    return absolute_url("readers:unsubscribe", token)


def author_digest_choose(*, user_id: int, wanted: bool) -> bool:
    """Record whether an author wants the digest; False if there is no such account. Opting
    back in starts afresh: what was published meanwhile is not sent."""
    if not get_user_model().objects.filter(pk=user_id).exists():
        return False
    choice = AuthorDigestChoice.objects.filter(user_id=user_id).first()
    if choice is None or choice.wanted != wanted:
        AuthorDigestChoice.objects.update_or_create(
            user_id=user_id, defaults={"wanted": wanted, "changed_at": timezone.now()}
        )
    return True


def author_digests_send(*, now: datetime | None = None) -> int:
    """Send each author who has not opted out one digest of the comments published on their
    articles since their previous one (nothing to those with nothing new, or no verified
    address); returns how many emails were sent. Safe to run twice, or twice at once."""
    now = now or timezone.now()
    sent = 0
    for author in _authors_with_new_comments(now):
        try:
            sent += _author_digest_send(author, now)
        except Exception:  # one author's failed send must not stop the others'
            logger.exception("Author digest for user %s failed; the next run retries", author.pk)
    return sent


def _published_between(start: datetime, end: datetime, prefix: str = "") -> Q:
    """Published comments that became so in [start, end]."""
    return Q(
        **{
            f"{prefix}status": CommentStatus.PUBLISHED,
            f"{prefix}status_changed_at__range": (start, end),
        }
    )


def _authors_with_new_comments(now: datetime) -> list[AbstractBaseUser]:
    """Authors who want the digest, with a verified address and a recently published comment
    on one of their articles, each with what the digest needs to know (one query)."""
    floor = now - max(LOOKBACK_MOST, _period())
    verified = EmailAddress.objects.filter(
        user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
    )
    choices = AuthorDigestChoice.objects.filter(user=OuterRef("pk"))
    entries = AuthorDigestEntry.objects.filter(user=OuterRef("pk")).order_by("sent_at")
    return list(
        get_user_model()
        # Someone no longer an author is not sent to the author area, which refuses them.
        .objects.filter(pk__in=author_users().values("pk"))
        .filter(_published_between(floor, now, prefix="articles__comments__"))
        .filter(Exists(verified))
        .exclude(Exists(choices.filter(wanted=False)))
        .annotate(
            digest_opted_in_at=Subquery(choices.values("changed_at")[:1]),
            digest_first_sent_at=Subquery(entries.values("sent_at")[:1]),
        )
        .distinct()
        .order_by("pk")
    )


def _period() -> timedelta:
    return timedelta(hours=settings.PARLEY_AUTHOR_DIGEST_HOURS)


def _author_digest_send(author: AbstractBaseUser, now: datetime) -> int:
    """Send one author their digest, if anything is new; 1 if an email went."""
    # Everything since the first digest's period began, not only since the previous one:
    # a comment a full digest left out, or one whose transaction committed just after that
    # digest read, comes in this one. The entries keep any from being sent twice.
    first = author.digest_first_sent_at
    since = max(
        (first or now) - _period(),
        author.digest_opted_in_at or now - LOOKBACK_MOST,
        now - LOOKBACK_MOST,
    )
    already = AuthorDigestEntry.objects.filter(user=author).values("comment_id")
    comments = list(
        Comment.objects.filter(_published_between(since, now), article__authors=author)
        .exclude(user_id=author.pk)  # their own comments are no news to them
        .exclude(pk__in=already)
        .select_related("article")
        # One more than is listed, to know whether any are left for the next digest.
        .order_by("article__title", "article_id", "submit_date", "pk")[: LISTED_MOST + 1]
    )
    if not comments:
        return 0
    left_out = len(comments) > LISTED_MOST
    comments = comments[:LISTED_MOST]
    try:
        with transaction.atomic():
            AuthorDigestEntry.objects.bulk_create(
                AuthorDigestEntry(user=author, comment=comment, sent_at=now) for comment in comments
            )
            _digest_email(author, comments, left_out=left_out).send()
    except IntegrityError:
        # Another run sent (or is sending) some of these: it has them, and the rest come
        # in the next digest.
        return 0
    return 1


def _digest_email(author: AbstractBaseUser, comments: list[Comment], *, left_out: bool):
    for comment in comments:
        comment.excerpt = Truncator(" ".join(comment.comment.split())).chars(EXCERPT_CHARS)
        comment.url = absolute_url("comments:permalink", comment.pk)
    articles = [
        ArticleComments(article=article, comments=list(group))
        for article, group in groupby(comments, key=lambda comment: comment.article)
    ]
    count = len(comments)
    # No language is kept for an author: the digest is written in the site's.
    with translation.override(settings.LANGUAGE_CODE):
        return email_build(
            to=author.email,
            subject=ngettext(
                "%(count)s new comment on your articles",
                "%(count)s new comments on your articles",
                count,
            )
            % {"count": count},
            template="readers/email/author_digest",
            context={
                "author": author,
                "articles": articles,
                "count": count,
                "full": left_out,
                "settings_url": absolute_url("readers:author_digest"),
            },
            unsubscribe_url=author_digest_unsubscribe_url(author),
        )
