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
from django.db.models import DateTimeField, Exists, F, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce, Greatest, RowNumber
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
    address); returns how many emails were sent. Safe to run twice, or twice at once. Two
    reads however many authors; then each email is written down as it is sent."""
    now = now or timezone.now()
    authors = {author.pk: author for author in _authors_with_new_comments(now)}
    sent = 0
    for author_id, rows in groupby(_new_comments(authors, now), key=lambda row: row.digest_author):
        author = authors[author_id]
        try:
            sent += _author_digest_send(author, list(rows), now)
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
    on one of their articles (one query)."""
    floor = now - max(LOOKBACK_MOST, _period())
    verified = EmailAddress.objects.filter(
        user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
    )
    choices = AuthorDigestChoice.objects.filter(user=OuterRef("pk"))
    return list(
        get_user_model()
        # Someone no longer an author is not sent to the author area, which refuses them.
        .objects.filter(pk__in=author_users().values("pk"))
        .filter(_published_between(floor, now, prefix="articles__comments__"))
        .filter(Exists(verified))
        .exclude(Exists(choices.filter(wanted=False)))
        .distinct()
        .order_by("pk")
    )


def _period() -> timedelta:
    return timedelta(hours=settings.PARLEY_AUTHOR_DIGEST_HOURS)


def _new_comments(authors: dict[int, AbstractBaseUser], now: datetime) -> list[Comment]:
    """For each of `authors`, the comments their digest lists now, one more than it lists
    when there are more: one row per author and comment, grouped by author (one query)."""
    if not authors:
        return []
    floor = now - LOOKBACK_MOST
    mine = {"user_id": OuterRef("digest_author")}
    first_sent = AuthorDigestEntry.objects.filter(**mine).order_by("sent_at").values("sent_at")
    opted_in = AuthorDigestChoice.objects.filter(**mine).values("changed_at")
    # Everything since the first digest's period began, not only since the previous one: a
    # comment a full digest left out, or one whose transaction committed just after that
    # digest read, comes in this one. The entries keep any from being sent twice.
    since = Greatest(
        Coalesce(Subquery(first_sent[:1]), Value(now)) - Value(_period()),
        Coalesce(Subquery(opted_in[:1]), Value(floor)),
        Value(floor),
        output_field=DateTimeField(),
    )
    listed = Window(
        RowNumber(),
        partition_by=F("digest_author"),
        order_by=[F("article__title"), F("article_id"), F("submit_date"), F("pk")],
    )
    already = AuthorDigestEntry.objects.filter(**mine, comment_id=OuterRef("pk"))
    return list(
        Comment.objects.annotate(digest_author=F("article__authors"))
        .filter(_published_between(floor, now), digest_author__in=list(authors))
        .alias(digest_since=since)
        .filter(status_changed_at__gte=F("digest_since"))
        .exclude(user_id=F("digest_author"))  # their own comments are no news to them
        .exclude(Exists(already))
        .annotate(digest_rank=listed)
        # One more than is listed, to know whether any are left for the next digest.
        .filter(digest_rank__lte=LISTED_MOST + 1)
        .select_related("article")
        .order_by("digest_author", "article__title", "article_id", "submit_date", "pk")
    )


def _author_digest_send(author: AbstractBaseUser, comments: list[Comment], now: datetime) -> int:
    """Send one author their digest of `comments`, if any; 1 if an email went."""
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
