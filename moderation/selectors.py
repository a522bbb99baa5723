"""Moderation reads: what the scorer needs to know, who moderates, what held a comment (who
is banned is in selectors_bans, the queue's reads in selectors_queue)."""

from collections import defaultdict
from datetime import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q

from comments.models import Comment, CommentStatus
from comments.services import COPIES_FETCHED, COPIES_WINDOW
from core.db import CompiledValues, CompiledValuesIn
from core.http import site_host
from core.roles import moderator_users

from .cached import rules_cached
from .keywords import keyword_list
from .models import HeldNotice, ModerationEvent, ModerationRules, TrainingExample
from .scoring import AuthorHistory, Rules, Submission, distinctive

S = CommentStatus
DUPLICATE_WINDOW = COPIES_WINDOW  # the scorer counts every copy comment_submit looks up
REPORTS_ACTOR = "readers"  # how the audit log names a hold by reports


def rules_get() -> ModerationRules:
    """The site's moderation rules (created with defaults the first time), cached."""
    return rules_cached()


def rules_for_scoring(rules: ModerationRules) -> Rules:
    """The rules as the pure scorer takes them."""
    return Rules(
        hold_all=rules.hold_all,
        link_limit=rules.link_limit,
        moderation_keywords=keyword_list(rules.moderation_keywords),
        disallowed_keywords=keyword_list(rules.disallowed_keywords),
        min_seconds_to_submit=rules.min_seconds_to_submit,
        hold_first_comment=rules.hold_first_comment,
        trust_approved_authors=rules.trust_approved_authors,
        hold_threshold=rules.hold_threshold,
        spam_threshold=rules.spam_threshold,
        own_hosts=own_hosts(),
    )


def own_hosts() -> tuple[str, ...]:
    """The hosts whose links are the site's own to the scorer (Rules.own_hosts)."""
    host = site_host()
    return (host,) if host else ()


def author_history(comment: Comment) -> AuthorHistory:
    """How the author's other comments were judged (one query), if the author is proven.

    History follows the proven identity only (an account, or a guest address confirmed
    through a link): whoever types a regular's name or email is a new author.
    """
    if not comment.author_key:
        return AuthorHistory(known=False)
    counts = (
        Comment.objects.filter(author_key=comment.author_key)
        .exclude(pk=comment.pk)
        .aggregate(
            approved=Count("pk", filter=Q(status=S.PUBLISHED)),
            spam=Count("pk", filter=Q(status=S.SPAM)),
        )
    )
    if not comment.user_id:
        is_staff = False
    elif Comment.user.is_cached(comment):  # a comment being posted carries its poster
        is_staff = comment.user.is_staff
    else:
        is_staff = get_user_model().objects.filter(pk=comment.user_id, is_staff=True).exists()
    return AuthorHistory(is_staff=is_staff, approved=counts["approved"], spam=counts["spam"])


def copies_by_same_poster(comment: Comment, rows: list[dict]) -> int:
    """How many of these earlier copies (comment_submit's rows) the same poster sent."""
    return sum(
        bool(comment.author_key and row["author_key"] == comment.author_key)
        or bool(comment.ip_address and row["ip_address"] == comment.ip_address)
        for row in rows
    )


# A copy a moderator judged, as its row's "judged" mark: marked spam and still spam, or
# approved and still published. The scorer's own spam verdicts do not count: one bot that
# tripped the honeypot with a common phrase must not make the phrase spam for everyone.
SPAM_COPY, APPROVED_COPY = "spam", "approved"


def _judged_marks(rows) -> dict[int, str]:
    marks = {}
    for row in rows:
        if row["is_spam"] and row["comment__status"] == S.SPAM:
            marks[row["comment_id"]] = SPAM_COPY
        elif not row["is_spam"] and row["comment__status"] == S.PUBLISHED:
            marks[row["comment_id"]] = APPROVED_COPY
    return marks


def _judged_query(since: datetime, **text_hash):
    # From the moderators' labels (one per comment) rather than from the copies: a flood of
    # one text has many copies and few labels, and the aggregate over the copies with two
    # EXISTS built ~2 ms of ORM per scored comment.
    return TrainingExample.objects.filter(
        source=TrainingExample.Source.MODERATOR,
        comment__submit_date__gte=since,
        **{f"comment__{name}": value for name, value in text_hash.items()},
    ).values("comment_id", "is_spam", "comment__status")


# Run on every post that has copies: compiled once (core.db).
_judged_of_text = CompiledValues(
    lambda text_hash, since: _judged_query(since, text_hash=text_hash),
    text_hash=Comment._meta.get_field("text_hash"),
    since=Comment._meta.get_field("submit_date"),
)


def copies_judged(comment: Comment, rows: list[dict]) -> tuple[int, int]:
    """Of the earlier copies comment_submit found (`rows`), how many a moderator marked spam
    and how many they approved; no copies, or a text too short to be a copy, ask nothing.
    Rows copies_for_batch marked already ("judged") are counted as they are."""
    if not rows or not distinctive(comment.comment):
        return 0, 0
    if "judged" in rows[0]:
        marks = [row["judged"] for row in rows]
    else:
        since = min(row["submit_date"] for row in rows)
        judged = _judged_marks(_judged_of_text(text_hash=comment.text_hash, since=since))
        marks = [judged.get(row["pk"]) for row in rows]
    return marks.count(SPAM_COPY), marks.count(APPROVED_COPY)


# Read for every batch a worker scores: compiled (core.db).
_copies_read = CompiledValuesIn(
    lambda hashes, since, before: (
        Comment.objects.filter(text_hash__in=hashes, submit_date__gte=since, pk__lt=before)
        .order_by()
        .values("pk", "text_hash", "author_key", "ip_address", "submit_date")
    ),
    Comment._meta.get_field("text_hash"),
    since=Comment._meta.get_field("submit_date"),
    before=Comment._meta.pk,
)


def copies_for_batch(comments: list[Comment]) -> dict[int, list[dict]]:
    """Each comment's earlier copies, by comment id, as comment_submit finds them for one
    comment (the rows submission_for counts from), for a batch in one read: every copy of
    the batch's texts within the window, each marked with how a moderator judged it."""
    rows = _copies_read(
        sorted({comment.text_hash for comment in comments}),
        since=min(comment.submit_date for comment in comments) - DUPLICATE_WINDOW,
        before=max(comment.pk for comment in comments),
    )
    found = {}
    for comment in comments:
        since = comment.submit_date - DUPLICATE_WINDOW
        copies = [
            row
            for row in rows
            if row["text_hash"] == comment.text_hash
            and row["pk"] < comment.pk
            and row["submit_date"] >= since
        ]
        found[comment.pk] = sorted(copies, key=lambda row: -row["pk"])[:COPIES_FETCHED]
    # How moderators judged the copies, asked only of texts that have some: the batch's own
    # comments are among the rows (a later one may copy an earlier one), but a comment is
    # no copy of itself.
    asked = {c.text_hash for c in comments if found[c.pk] and distinctive(c.comment)}
    judged = {}
    if asked:
        since = min(row["submit_date"] for row in rows if row["text_hash"] in asked)
        judged = _judged_marks(_judged_query(since, text_hash__in=asked))
    for row in rows:
        row["judged"] = judged.get(row["pk"])
    return found


def submission_for(comment: Comment, *, copy_rows: list[dict] | None = None) -> Submission:
    """Everything the scorer looks at for one comment: stored, or about to be stored with
    the earlier copies of its text comment_submit found as it was placed (`copy_rows`)."""
    meta = comment.submission_meta or {}
    seconds = meta.get("form_seconds")
    if copy_rows is None:
        # Only copies sent before this one: a later copy (someone repeating a comment) must
        # not count against the original when it is scored again after an edit. The rows
        # are the ones comment_submit reads: the newest COPIES_FETCHED before this one.
        copy_rows = list(
            Comment.objects.filter(
                text_hash=comment.text_hash,
                submit_date__gte=comment.submit_date - DUPLICATE_WINDOW,
                pk__lt=comment.pk,
            )
            .order_by("-pk")
            .values("pk", "author_key", "ip_address", "submit_date")[:COPIES_FETCHED]
        )
    earlier = copies_by_same_poster(comment, copy_rows)
    spam_copies, approved_copies = copies_judged(comment, copy_rows)
    return Submission(
        text=comment.comment,
        name=comment.user_name,
        email=comment.user_email,
        url=comment.user_url,
        ip_address=comment.ip_address or "",
        user_agent=comment.user_agent,
        seconds_to_submit=float(seconds) if isinstance(seconds, int | float) else None,
        honeypot=str(meta.get("honeypot") or ""),
        earlier_copies=earlier,
        spam_copies=spam_copies,
        approved_copies=approved_copies,
        shadow_banned=bool(meta.get("shadow")),
        author=author_history(comment),
    )


def held_unnoticed(since: datetime) -> list[tuple[int, datetime]]:
    """(id, when held) of the comments held since `since`, and still held, that no
    moderators' digest has listed for this hold; oldest first."""
    noticed = HeldNotice.objects.filter(
        comment=OuterRef("pk"), held_at=OuterRef("status_changed_at")
    )
    return list(
        Comment.objects.filter(status=S.HELD, status_changed_at__gt=since)
        .exclude(Exists(noticed))
        .order_by("status_changed_at", "pk")
        .values_list("pk", "status_changed_at")
    )


def held_listed(ids: list[int]) -> list[Comment]:
    """These comments with their articles, oldest hold first, as a digest lists them."""
    held = Comment.objects.filter(pk__in=ids).select_related("article")
    return list(held.order_by("status_changed_at", "pk"))


def moderator_emails() -> list[str]:
    """The verified addresses of active moderators, however they were made moderators: held
    comments are not public, and an address a moderator typed (or mistyped) but never
    proved may be anyone's."""
    verified = EmailAddress.objects.filter(
        user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
    )
    users = moderator_users().exclude(email="").filter(Exists(verified))
    return sorted(set(users.values_list("email", flat=True)))


def comment_hold_maker(comment_id: int) -> str:
    """Who holds the comment: "readers" (their reports), "moderator", "scorer" (or another
    automatic label), or "" when the latest move that stands did not hold it. An undone
    decision and its undo are passed over, since the undo restored what came before."""
    return comment_hold_makers([comment_id])[comment_id]


def comment_hold_makers(comment_ids: list[int]) -> dict[int, str]:
    """comment_hold_maker for each of the comments, from one read of their events."""
    events = (
        ModerationEvent.objects.filter(comment_id__in=comment_ids)
        .order_by("comment_id", "-created_at", "-pk")
        .values_list("comment_id", "pk", "actor_id", "actor_label", "from_status", "to_status",
                     "reasons")
    )  # fmt: skip
    newest_first = defaultdict(list)
    for comment_id, *event in events:
        newest_first[comment_id].append(event)
    return {comment_id: _hold_maker(newest_first[comment_id]) for comment_id in comment_ids}


def _hold_maker(events: list) -> str:
    passed_over = set()
    for pk, actor_id, label, from_status, to_status, reasons in events:
        if pk in passed_over:
            continue
        undone = next(
            (
                (r.get("params") or {}).get("event")
                for r in reasons or ()
                if r.get("code") == "undo"
            ),
            None,
        )
        if undone is not None:
            passed_over.add(undone)
        elif from_status != to_status:
            if to_status != S.HELD:
                return ""
            if label == REPORTS_ACTOR:
                return REPORTS_ACTOR
            return "moderator" if actor_id is not None else label
    return ""
