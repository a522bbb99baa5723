"""Readers' reads: where their emails may go, which comments are theirs, what they can do
with them, and everything kept about them for an export."""

from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from comments.models import AWAITING_STATES, Comment, CommentStatus
from comments.notices import status_label_for_poster
from comments.refusals import refusal_text
from comments.screening import comment_author_screen
from comments.services import CommentRefused
from core.accounts import account_verified_email
from core.db import CompiledValues
from core.ids import parse_id
from core.keys import author_key_for
from moderation.models import ModerationEvent

from .models import AuthorDigestChoice, ConfirmedAddress, Follow
from .tokens import TokenInvalid, address_digests

S = CommentStatus
# States in which a comment's author may still edit it (deleting is always possible). Spam
# the scorer marked is one: to its poster it reads as held (comments.notices), so it offers
# the same Edit, and the edit is scored again. Spam a moderator marked is their decision.
OWNER_ACTIONABLE = (S.PUBLISHED, S.PENDING, S.HELD, S.SPAM)


def verified_address(user: AbstractBaseUser) -> str:
    """The user's primary email if allauth has verified it, else ""."""
    return account_verified_email(user)


def follow_of_link(*, data: dict) -> Follow | None:
    """The follow an emailed link was sent for (None: it is gone). TokenInvalid when the
    row with its id is not that reader's follow of that article (as after a restore)."""
    follow_id = parse_id(data.get("follow"))
    follow = Follow.objects.select_related("article").filter(pk=follow_id).first()
    # A link without "to" names the id alone: tokens.token_read let it through only when no
    # backup was restored since it was sent.
    if follow is None or "to" not in data:
        return follow
    if data.get("article") != follow.article_id or data["to"] not in address_digests(follow.email):
        raise TokenInvalid(gettext("This link is not valid."))
    return follow


def author_of_link(*, data: dict) -> int | None:
    """The id of the account an author's digest link was sent to (None: it is gone).
    TokenInvalid when the account with its id no longer has the address it was sent to."""
    user_id = parse_id(data.get("author_digest"))
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return None
    if "to" in data:
        addresses = {getattr(user, "email", "") or ""}
        addresses.update(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
        sent_to = set().union(*(address_digests(address) for address in addresses if address))
        if data["to"] not in sent_to:
            raise TokenInvalid(gettext("This link is not valid."))
    return user.pk


def link_target_check(*, data: dict) -> None:
    """TokenInvalid when an emailed link names a row that is not the one it was sent for
    (checked before its page is shown, not only when its button is pressed)."""
    if "follow" in data:
        follow_of_link(data=data)
    elif "author_digest" in data:
        author_of_link(data=data)


def reply_address_confirmed(email: str) -> bool:
    """Whether a guest's address is confirmed, by a link sent to it, for replies."""
    return bool(email) and ConfirmedAddress.objects.filter(email=email.lower()).exists()


def reply_address(parent: Comment) -> str:
    """Where to tell a comment's author about replies: only if they asked, and only a
    verified account address, or a guest address confirmed by a link for replies and proven
    for this very comment (comment_address_proven)."""
    if not parent.followup or parent.status in (S.SPAM, S.REMOVED, S.DELETED):
        return ""
    if parent.user_id:
        return verified_address(parent.user)
    address = parent.user_email.lower()
    if not comment_address_proven(parent) or not reply_address_confirmed(address):
        return ""
    return address


def comment_address_proven(comment: Comment) -> bool:
    """Whether a guest comment's address was proven for it: the posting browser had followed
    a link sent to the address, or the address's owner confirmed this comment by a link.
    That the address was confirmed once, for another comment, says nothing of who typed it
    here: anyone may type anyone's address."""
    email = comment.user_email
    return bool(email) and comment.author_key == author_key_for(verified_email=email)


def reply_link_done(data: dict) -> bool:
    """Whether what a reply confirmation link asks is the case: its address confirmed for
    replies, and the comment it names (links sent before they named one do not) proven."""
    email = str(data.get("email", ""))
    if not reply_address_confirmed(email):
        return False
    comment_id = parse_id(data.get("comment"))
    if comment_id is None:
        return True
    comment = Comment.objects.filter(pk=comment_id).only("user_email", "author_key").first()
    if comment is None or comment.user_email.lower() != email.lower():
        return True  # gone, or erased: the link can prove nothing more
    return comment_address_proven(comment)


def comment_is_owned(
    comment: Comment,
    *,
    user: AbstractBaseUser | None,
    own_ids: frozenset[int] = frozenset(),
    manage_email: str = "",
) -> bool:
    """An account owns its comments; a guest owns theirs from the posting browser, or
    through a link sent to the address they gave."""
    if user is not None and user.is_authenticated and comment.user_id == user.pk:
        return True
    if comment.user_id is None:
        if comment.pk in own_ids:
            return True
        if manage_email and comment.user_email and comment.user_email.lower() == manage_email:
            return True
    return False


def comment_edit_deadline(comment: Comment) -> datetime:
    """Until when the comment's author may edit it."""
    return comment.submit_date + timedelta(minutes=settings.PARLEY_EDIT_MINUTES)


def comment_edit_refusal(comment: Comment) -> str:
    """Why the comment's author may not edit it now, in the active language ("" if they
    may): deleted, decided by a moderator (removed, or marked spam), banned since, or past
    the window."""
    if comment.status == S.DELETED:
        return gettext("This comment was deleted: there is nothing left to edit.")
    if comment.status not in OWNER_ACTIONABLE or (
        comment.status == S.SPAM
        and ModerationEvent.objects.filter(comment_id=comment.pk, to_status=S.SPAM)
        .order_by("-created_at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
        is not None
    ):
        return gettext("A moderator has decided on this comment, so it can no longer be edited.")
    # An edit is scored again and could publish new words: a ban made since posting refuses
    # it as it would refuse a new comment (a shadow-ban is not told, as when posting).
    screening = comment_author_screen(comment)
    if screening.refused:
        return refusal_text(CommentRefused(until=screening.until))
    if timezone.now() >= comment_edit_deadline(comment):
        minutes = settings.PARLEY_EDIT_MINUTES
        return ngettext(
            "This comment can no longer be edited: comments can be edited for %(minutes)s "
            "minute after posting.",
            "This comment can no longer be edited: comments can be edited for %(minutes)s "
            "minutes after posting.",
            minutes,
        ) % {"minutes": minutes}
    return ""


def comments_of(*, user: AbstractBaseUser | None = None, email: str = "") -> QuerySet[Comment]:
    """A reader's comments: an account's, or a guest address's (deleted ones left out)."""
    comments = Comment.objects.exclude(status=S.DELETED).select_related("article")
    if user is not None and user.is_authenticated:
        return comments.filter(user=user)
    return (
        comments.filter(user__isnull=True, user_email__iexact=email) if email else comments.none()
    )


def comments_listed_for(
    *,
    user: AbstractBaseUser | None = None,
    email: str = "",
    own_ids: frozenset[int] = frozenset(),
    limit: int = 500,
) -> list[Comment]:
    """A reader's comments for their own list, newest first, each with `status_shown`: its
    state as the poster is shown it everywhere (spam reads as held, a shadow-banned comment
    as published), never the verdict itself; and `shown_in_thread`: whether this browser's
    article page shows it (published, or awaiting a verdict and the account's or posted from
    this browser, `own_ids`), so that its link leads to it and not to a 404."""
    comments = list(comments_of(user=user, email=email).order_by("-submit_date")[:limit])
    signed_in = user is not None and user.is_authenticated
    for comment in comments:
        shadow = bool((comment.submission_meta or {}).get("shadow"))
        comment.status_shown = status_label_for_poster(comment.status, shadow=shadow)
        comment.shown_in_thread = comment.status == S.PUBLISHED or (
            comment.status in AWAITING_STATES and (signed_in or comment.pk in own_ids)
        )
    return comments


def is_following(*, article, user) -> bool:
    """Whether a signed-in reader follows the article (a guest's follow is by email only)."""
    return bool(
        user.is_authenticated
        and Follow.objects.filter(article=article, user=user, confirmed_at__isnull=False).exists()
    )


def reply_notice_wanted(
    *, parent_id: int, comment_id: int, parent_followup: bool | None = None
) -> bool:
    """Whether a published reply's parent asked to hear of replies (False for a top-level
    comment, which is its own parent). One query, unless the poster's transaction read the
    parent already and says so (`parent_followup`)."""
    if parent_id == comment_id:
        return False
    if parent_followup is not None:
        return parent_followup
    return bool(_followup_read(pk=parent_id))


# Asked after every reply a worker publishes alone: compiled (core.db).
_followup_read = CompiledValues(
    lambda pk: Comment.objects.filter(pk=pk, followup=True).order_by().values("pk")[:1],
    pk=Comment._meta.pk,
)


def author_digest_wanted(user: AbstractBaseUser) -> bool:
    """Whether an author gets the digest of new comments (yes unless they opted out)."""
    return not AuthorDigestChoice.objects.filter(user=user, wanted=False).exists()
