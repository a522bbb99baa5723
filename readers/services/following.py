"""Following an article: a guest confirms by an emailed link, a verified account at once;
confirmed followers are emailed each published update, and again after a correction, in
the language they followed in. Only published content is ever announced."""

import enum

from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from articles.models import Article, ArticleUpdate
from articles.services import update_correction_announced
from core.http import absolute_url
from core.mail import email_build

from ..models import Delivery, Follow
from ..selectors import follow_of_link, verified_address
from ..tasks import follow_confirm_send_task
from ..tokens import token_for_follow
from .emails import confirmation_allowed, language_of, unsubscribe_url_for_follow


class FollowOutcome(enum.StrEnum):
    FOLLOWING = "following"
    CONFIRM_SENT = "confirm_sent"
    NEED_VERIFIED_EMAIL = "need_verified_email"


def follow_start(
    *, article: Article, user: AbstractBaseUser | None = None, email: str = "", language: str = ""
) -> FollowOutcome:
    """Follow an article: at once for a verified account, after a link for a guest. The
    follow's emails are written in `language` (the reader's, when they asked for it in one).

    A guest is told a link was sent even when the address already follows: whether an
    address follows is nobody else's business.
    """
    if user is not None and user.is_authenticated:
        address = verified_address(user)
        if not address:
            return FollowOutcome.NEED_VERIFIED_EMAIL
        follow, created = _follow_get_or_create(
            article, address, defaults={"user": user, "language": language}
        )
        # A guest's follow of the same address (confirmed or not) becomes the account's: its
        # page then shows it followed, and Unfollow finds it.
        if follow.confirmed_at is None or follow.user_id is None:
            Follow.objects.filter(pk=follow.pk).update(
                confirmed_at=follow.confirmed_at or timezone.now(), user=user
            )
        _language_keep(follow, language, created)
        return FollowOutcome.FOLLOWING
    address = email.strip().lower()
    follow, created = _follow_get_or_create(article, address, defaults={"language": language})
    _language_keep(follow, language, created)
    if follow.confirmed_at is None:
        follow_confirm_send_task.delay_on_commit(follow.pk)
    return FollowOutcome.CONFIRM_SENT


def _follow_get_or_create(article: Article, address: str, *, defaults: dict) -> tuple[Follow, bool]:
    # An address is one reader whatever its case: an account's address is kept as the
    # account spells it, a guest's lower-cased, and older rows (restores before they were
    # lower-cased) as they came, so "Fan@x" and "fan@x" must find the same follow.
    found = Follow.objects.filter(article=article, email__iexact=address).order_by("pk").first()
    if found is not None:
        return found, False
    return Follow.objects.get_or_create(article=article, email=address, defaults=defaults)


def _language_keep(follow: Follow, language: str, created: bool) -> None:
    # Following again, in another language, says which one the reader reads now.
    if language and not created and follow.language != language:
        Follow.objects.filter(pk=follow.pk).update(language=language)


def follow_confirm_send(*, follow_id: int) -> bool:
    """Mail a guest the link that confirms their follow (capped per address per hour)."""
    follow = Follow.objects.select_related("article").filter(pk=follow_id).first()
    if follow is None or follow.confirmed_at is not None or not confirmation_allowed(follow.email):
        return False
    link = absolute_url("readers:follow_confirm", token_for_follow("follow_confirm", follow=follow))
    with translation.override(language_of(follow.language)):
        message = email_build(
            to=follow.email,
            subject=_("Confirm: follow “%(title)s”") % {"title": follow.article.title},
            template="readers/email/follow_confirm",
            context={"article": follow.article, "confirm_url": link},
        )
    message.send()
    Delivery.objects.create(
        kind=Delivery.Kind.FOLLOW_CONFIRM, object_id=follow.pk, email=follow.email
    )
    return True


def follow_confirm(*, data: dict) -> tuple[Follow | None, bool]:
    """Confirm the follow an emailed link's `data` names (None: it is gone), and say
    whether this call confirmed it; confirming twice changes nothing. TokenInvalid when the
    link is not for that follow."""
    follow = follow_of_link(data=data)
    if follow is None:
        return None, False
    # One UPDATE decides which of two presses at once did it.
    now = timezone.now()
    confirmed = Follow.objects.filter(pk=follow.pk, confirmed_at__isnull=True).update(
        confirmed_at=now
    )
    if confirmed:
        follow.confirmed_at = now
    return follow, bool(confirmed)


def follow_stop(*, article: Article, user: AbstractBaseUser) -> int:
    """Stop following an article (signed-in readers)."""
    return Follow.objects.filter(article=article, user=user).delete()[0]


def follows_address_sync(*, user: AbstractBaseUser) -> int:
    """Keep an account's follows on its verified address after the address changes; end
    them when none is left. Returns how many follows ended."""
    address = verified_address(user)
    with transaction.atomic():
        follows = Follow.objects.select_for_update().filter(user=user)
        if not address:
            # Updates are sent by email: with no proven address left, the removed one
            # (which may be someone else's by now) must not go on getting them.
            return follows.delete()[1].get(Follow._meta.label, 0)
        moving = list(follows.exclude(email__iexact=address))
        if not moving:
            return 0
        # The new address may follow some of these articles already (as a guest, before
        # the account proved it): those follows become the account's, as follow_start does.
        already = {
            same.article_id: same
            for same in Follow.objects.select_for_update().filter(
                article_id__in={follow.article_id for follow in moving}, email__iexact=address
            )
        }
        merged = []
        for follow in moving:
            same = already.get(follow.article_id)
            if same is not None:
                same.user, same.confirmed_at = user, same.confirmed_at or follow.confirmed_at
                merged.append(follow.pk)
        Follow.objects.bulk_update(already.values(), ["user", "confirmed_at"])
        Follow.objects.filter(pk__in=merged).delete()
        Follow.objects.filter(pk__in=[f.pk for f in moving if f.pk not in merged]).update(
            email=address
        )
    return 0


def update_notify(*, update_id: int) -> int:
    """Email the article's confirmed followers about an update: each once when it is posted,
    and all of them again after a correction its author asked them to hear about; only
    those who followed before it was posted (or corrected). A withdrawn update is never
    sent."""
    with transaction.atomic():
        update = (
            ArticleUpdate.objects.select_for_update()
            .select_related("article")
            .filter(pk=update_id)
            .first()
        )
        if update is None or update.is_withdrawn or not update.article.is_published:
            return 0
        if not update.is_live:
            return 0  # scheduled: updates_publish_due announces it when its date comes
        correction = update.correction_notice_pending
        # A follower hears only of what happened after they followed: the update if it was
        # published later, a correction if it was made later.
        since = (update.corrected_at if correction else None) or update.published_at
        follows = list(
            Follow.objects.filter(
                article=update.article, confirmed_at__isnull=False, confirmed_at__lte=since
            )
        )
        already = set(
            Delivery.objects.filter(kind=Delivery.Kind.UPDATE, object_id=update.pk).values_list(
                "email", flat=True
            )
        )
        to_tell = follows if correction else [f for f in follows if f.email not in already]
        # A follower who hears of the update first through its correction has heard of it:
        # the update itself is not sent to them afterwards.
        Delivery.objects.bulk_create(
            [
                Delivery(kind=Delivery.Kind.UPDATE, object_id=update.pk, email=f.email)
                for f in to_tell
                if f.email not in already
            ]
        )
        if correction:
            update_correction_announced(update=update)
        article_url = f"{absolute_url('articles:detail', update.article.slug)}#update-{update.pk}"
        messages = [
            _update_email(follow, update, correction=correction, article_url=article_url)
            for follow in to_tell
        ]
        if messages:
            get_connection().send_messages(messages)
    return len(messages)


def _update_email(follow: Follow, update: ArticleUpdate, *, correction: bool, article_url: str):
    with translation.override(language_of(follow.language)):
        title = update.article.title
        return email_build(
            to=follow.email,
            subject=_("Correction: %(title)s") % {"title": title}
            if correction
            else _("Update: %(title)s") % {"title": title},
            template="readers/email/update",
            context={
                "article": update.article,
                "update": update,
                "corrected": correction,
                "article_url": article_url,
            },
            unsubscribe_url=unsubscribe_url_for_follow(follow),
        )
