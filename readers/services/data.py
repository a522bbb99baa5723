"""A reader erases everything Parley keeps about them: an account with the addresses it
verified, or a guest's address proven by an emailed link. What each field becomes is listed
in readers.personal_data; the audit keeps its records without the person in them."""

import re
from dataclasses import dataclass
from functools import partial

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat

from articles.models import Article
from articles.page_cache import page_invalidate
from articles.services import author_pages_refresh
from comments.models import Comment
from comments.models_votes import DOWN, UP, wilson_lower_bound
from moderation.models import ModerationEvent, SpamVerdict, StaffEdit, WebhookDelivery
from moderation.scoring import CONTACT_KINDS, LINK_KINDS
from moderation.services import staff_edits_forget

from ..models import AuthorDigestChoice, AuthorDigestEntry
from ..selectors_data import (
    DataSubject,
    data_subject_for,
    subject_bans,
    subject_comments,
    subject_confirmed_addresses,
    subject_deliveries,
    subject_follows,
    subject_notes,
    subject_reports,
    subject_votes,
)
from .ownership import comments_delete

# What stands where a reader's details were, in records that stay.
ERASED = "[erased]"
# The scorer's reasons that quote what they found in a comment (links, phone numbers).
QUOTING_CODES = frozenset(code for code, *_ in (*LINK_KINDS, *CONTACT_KINDS))
# The parts of a webhook's payload that copy the commenter's name and words.
PAYLOAD_COPIES = ("text", "content")
PAYLOAD_COMMENT_COPIES = ("author_name", "excerpt")


@dataclass(frozen=True)
class Erased:
    """What an erasure went through, for the page that confirms it."""

    comments: int
    follows: int
    confirmed_addresses: int
    deliveries: int
    votes: int
    reports: int
    account: bool


def reader_data_erase(*, user: AbstractBaseUser | None = None, email: str = "") -> Erased:
    """Erase an account's data and the account, or a guest address's data, in one
    transaction."""
    subject = data_subject_for(user=user, email=email)
    with transaction.atomic():
        comment_ids = _comments_erase(subject)
        _comment_records_forget(comment_ids)
        subject_notes(subject, comment_ids).delete()
        _bans_forget(subject)
        votes = _votes_withdraw(subject)
        reports = subject_reports(subject).update(
            reporter=None, note="", reporter_key=Concat(Value("erased:"), Cast("pk", CharField()))
        )
        follows, _ = subject_follows(subject).delete()
        confirmed, _ = subject_confirmed_addresses(subject).delete()
        deliveries, _ = subject_deliveries(subject).delete()
        if subject.user is not None:
            _account_delete(subject.user)
    return Erased(
        comments=len(comment_ids),
        follows=follows,
        confirmed_addresses=confirmed,
        deliveries=deliveries,
        votes=votes,
        reports=reports,
        account=subject.user is not None,
    )


def _comments_erase(subject: DataSubject) -> list[int]:
    """Delete each comment as its author would (a "[deleted]" placeholder where replies
    hang under it, its name and details erased), then take the proven identity off every
    one: nothing is left to find them by."""
    ids = list(subject_comments(subject).values_list("pk", flat=True))
    # Deleted ones too: a placeholder deleted before some field was erased is erased again.
    comments_delete(comment_ids=ids)
    Comment.objects.filter(pk__in=ids).update(author_key="")
    return ids


def _comment_records_forget(comment_ids: list[int]) -> None:
    """What moderation and the admin recorded about the comments, without their words."""
    for model in (SpamVerdict, ModerationEvent):
        rows = list(model.objects.filter(comment_id__in=comment_ids).only("pk", "reasons"))
        changed = [row for row in rows if _reasons_forget(row)]
        model.objects.bulk_update(changed, ["reasons"])
    deliveries = list(
        WebhookDelivery.objects.filter(comment_id__in=comment_ids).only("pk", "payload")
    )
    for delivery in deliveries:
        delivery.payload = _payload_forget(delivery.payload)
    WebhookDelivery.objects.bulk_update(deliveries, ["payload"])
    _objects_unnamed(Comment, comment_ids)


def _reasons_forget(row: SpamVerdict | ModerationEvent, *, named: str = "") -> bool:
    """Replace what a rule found in the text (and `named`, a ban's masked name or address,
    wherever it is written) in the row's reasons; True if anything changed."""
    reasons = []
    for reason in row.reasons if isinstance(row.reasons, list) else []:
        if isinstance(reason, dict):
            params = reason.get("params")
            if reason.get("code") in QUOTING_CODES or (
                isinstance(params, dict) and "found" in params
            ):
                text = str(reason.get("reason", "")).partition(":")[0]
                reason = {**reason, "reason": f"{text}: {ERASED}"}
                if isinstance(params, dict) and "found" in params:
                    reason["params"] = {**params, "found": [ERASED]}
            if named:
                reason = _named_forget(reason, re.compile(rf"(?<!\w){re.escape(named)}(?!\w)"))
        reasons.append(reason)
    changed = reasons != row.reasons
    row.reasons = reasons
    return changed


def _named_forget(value, pattern: re.Pattern):
    """`value` with every match of `pattern` in its texts, however deep, replaced."""
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, dict):
        return {key: _named_forget(item, pattern) for key, item in value.items()}
    if isinstance(value, list):
        return [_named_forget(item, pattern) for item in value]
    return value


def _payload_forget(payload: dict) -> dict:
    """The payload without the copies of the commenter's name and words."""
    if not isinstance(payload, dict):
        return payload
    payload = {**payload, **{key: ERASED for key in PAYLOAD_COPIES if key in payload}}
    comment = payload.get("comment")
    if isinstance(comment, dict):
        payload["comment"] = {
            **comment,
            **{key: ERASED for key in PAYLOAD_COMMENT_COPIES if key in comment},
        }
    return payload


def _objects_unnamed(model: type[models.Model], ids: list[int]) -> None:
    """Staff edits and admin log entries about these objects name them by kind and id, and
    keep no values (staff_edits_forget)."""
    keys = [str(pk) for pk in ids]
    staff_edits_forget(model=model, object_ids=keys)
    StaffEdit.objects.filter(model=model._meta.label_lower, object_id__in=keys).update(
        object_repr=Concat(F("model_label"), Value(" #"), F("object_id"))
    )
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=keys
    ).update(object_repr=Concat(Value(f"{model._meta.model_name} #"), F("object_id")))


def _bans_forget(subject: DataSubject) -> None:
    """Bans on them stay in force (by keyed hash) and in the audit, with neither their
    account nor their masked name or address."""
    for ban in subject_bans(subject):
        shown = ban.display
        ban.user, ban.display = None, ERASED
        # Saved one by one: the save drops the cached bans every post is screened against.
        ban.save(update_fields=["user", "display"])
        events = list(ModerationEvent.objects.filter(ban=ban).only("pk", "reasons"))
        changed = [event for event in events if shown and _reasons_forget(event, named=shown)]
        ModerationEvent.objects.bulk_update(changed, ["reasons"])


def _votes_withdraw(subject: DataSubject) -> int:
    """Delete their votes; each comment's counts and score lose what the votes added, in
    the same transaction, the comments locked as comment_vote locks them."""
    votes = list(subject_votes(subject).values_list("pk", "comment_id", "value"))
    if not votes:
        return 0
    comments = {
        comment.pk: comment
        for comment in Comment.objects.select_for_update()
        .filter(pk__in={comment_id for _, comment_id, _ in votes})
        .order_by("pk")
        .only("pk", "article_id", "upvotes", "downvotes", "best_score")
    }
    for _, comment_id, value in votes:
        comment = comments[comment_id]
        comment.upvotes = max(comment.upvotes - (value == UP), 0)
        comment.downvotes = max(comment.downvotes - (value == DOWN), 0)
    deleted, _ = subject_votes(subject).filter(pk__in=[pk for pk, _, _ in votes]).delete()
    for comment in comments.values():
        comment.best_score = wilson_lower_bound(up=comment.upvotes, down=comment.downvotes)
    Comment.objects.bulk_update(
        list(comments.values()), ["upvotes", "downvotes", "best_score"], batch_size=500
    )
    article_ids = {comment.article_id for comment in comments.values()}
    for slug in Article.objects.filter(pk__in=article_ids).values_list("slug", flat=True):
        # The shared page shows the counts.
        transaction.on_commit(partial(page_invalidate, slug=slug), robust=True)
    return deleted


def _account_delete(user: AbstractBaseUser) -> None:
    """Delete the account: its addresses, digest choices and admin log go with it, and the
    audit records it left as staff keep their label but lose the link."""
    AuthorDigestChoice.objects.filter(user=user).delete()
    AuthorDigestEntry.objects.filter(user=user).delete()
    _objects_unnamed(get_user_model(), [user.pk])
    # Before the account goes, while its articles can still be found by it.
    author_pages_refresh(author=user)
    user.delete()
