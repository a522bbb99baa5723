"""Everything Parley keeps about one reader, found by their account (and the addresses it
verified) or by a guest's address proven through an emailed link: what the "Your data" page
counts, the export writes out and the erasure goes through (see readers.personal_data)."""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from allauth.account.models import EmailAddress
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleUpdate
from comments.models import Comment, Vote
from comments.notices import status_seen_by_poster
from core.keys import author_key_for
from moderation.models import (
    Ban,
    CommenterNote,
    ModerationEvent,
    Report,
    StaffEdit,
    Webhook,
)
from moderation.selectors_bans import ban_hash
from moderation.selectors_commenters import guest_email_key

from .models import AuthorDigestChoice, AuthorDigestEntry, ConfirmedAddress, Delivery, Follow

EXPORT_FORMAT = "parley-reader-data"
EXPORT_VERSION = 1


@dataclass(frozen=True)
class DataSubject:
    """Whose data: an account and the addresses it verified, or a guest's proven address."""

    user: AbstractBaseUser | None
    addresses: tuple[str, ...]

    @property
    def author_keys(self) -> list[str]:
        """The keys a comment's proven author is kept under (core.keys.author_key_for)."""
        keys = [author_key_for(verified_email=address) for address in self.addresses]
        return [author_key_for(user_id=self.user.pk), *keys] if self.user else keys

    @property
    def own_key(self) -> str:
        """How an account votes and reports ("user:<id>"); a guest's keys hash their IP
        address and browser, so nothing finds them from an address."""
        return f"user:{self.user.pk}" if self.user else ""


def data_subject_for(*, user: AbstractBaseUser | None = None, email: str = "") -> DataSubject:
    """The account's data with its verified addresses, or a guest address's data."""
    if user is not None and user.is_authenticated:
        verified = EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
        return DataSubject(user=user, addresses=tuple(sorted({a.lower() for a in verified})))
    return DataSubject(user=None, addresses=(email.strip().lower(),) if email.strip() else ())


def _address_q(field: str, addresses: tuple[str, ...]) -> Q:
    """Rows whose `field` is one of the addresses, in any case; none without addresses."""
    if not addresses:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__iexact": address}) for address in addresses))


def subject_comments(subject: DataSubject) -> QuerySet[Comment]:
    """Every comment of theirs, deleted ones too (a placeholder still carries a name): an
    account's, a guest's by the address typed, and any a link proved was theirs."""
    mine = Q(author_key__in=subject.author_keys) | (
        Q(user__isnull=True) & _address_q("user_email", subject.addresses)
    )
    if subject.user is not None:
        mine |= Q(user=subject.user)
    return Comment.objects.filter(mine)


def subject_follows(subject: DataSubject) -> QuerySet[Follow]:
    """Follows by the account, or by a guest with one of the addresses."""
    guest = Q(user__isnull=True) & _address_q("email", subject.addresses)
    return Follow.objects.filter(guest | Q(user=subject.user) if subject.user else guest)


def subject_confirmed_addresses(subject: DataSubject) -> QuerySet[ConfirmedAddress]:
    return ConfirmedAddress.objects.filter(_address_q("email", subject.addresses))


def subject_deliveries(subject: DataSubject) -> QuerySet[Delivery]:
    return Delivery.objects.filter(_address_q("email", subject.addresses))


def subject_votes(subject: DataSubject) -> QuerySet[Vote]:
    return (
        Vote.objects.filter(voter_key=subject.own_key) if subject.own_key else Vote.objects.none()
    )


def subject_reports(subject: DataSubject) -> QuerySet[Report]:
    """Reports the account filed (a guest's are kept under a hash of their IP address)."""
    if subject.user is None:
        return Report.objects.none()
    return Report.objects.filter(Q(reporter=subject.user) | Q(reporter_key=subject.own_key))


def subject_notes(subject: DataSubject, comment_ids: list[int]) -> QuerySet[CommenterNote]:
    """Moderators' notes on them: under their proven identity, an address of theirs, or
    written beside one of their comments."""
    keys = subject.author_keys + [guest_email_key(a) for a in subject.addresses]
    return CommenterNote.objects.filter(Q(subject_key__in=keys) | Q(comment_id__in=comment_ids))


def subject_bans(subject: DataSubject) -> QuerySet[Ban]:
    """Bans on their account or on one of their addresses."""
    hashes = [ban_hash(Ban.Kind.EMAIL, address) for address in subject.addresses]
    on_them = Q(kind=Ban.Kind.EMAIL, value_hash__in=hashes)
    if subject.user is not None:
        on_them |= Q(kind=Ban.Kind.ACCOUNT, user=subject.user)
    return Ban.objects.filter(on_them)


def _staff_records(user: AbstractBaseUser) -> dict[str, int]:
    """How many records the account left as staff (each is about somebody else)."""
    return {
        "moderation_decisions": ModerationEvent.objects.filter(actor=user).count(),
        "notes_written": CommenterNote.objects.filter(author=user).count(),
        "bans_placed": Ban.objects.filter(created_by=user).count(),
        "reports_dismissed": Report.objects.filter(dismissed_by=user).count(),
        "staff_edits": StaffEdit.objects.filter(actor=user).count(),
        "comments_picked": Comment.objects.filter(picked_by=user).count(),
        "webhooks_created": Webhook.objects.filter(created_by=user).count(),
        "admin_log_entries": LogEntry.objects.filter(user=user).count(),
    }


def reader_data_counts(subject: DataSubject) -> dict[str, int]:
    """How many of each kind of thing Parley keeps about them, for the "Your data" page."""
    return {
        "comments": subject_comments(subject).count(),
        "follows": subject_follows(subject).count(),
        "confirmed_addresses": subject_confirmed_addresses(subject).count(),
        "deliveries": subject_deliveries(subject).count(),
        "reports": subject_reports(subject).count(),
        "votes": subject_votes(subject).count(),
    }


def _when(value) -> str | None:
    return value.isoformat() if value else None


# Kept beside a comment's form for moderators (a shadow-banned poster's mark): a poster who
# could read it in their download would learn the ban the site keeps from them.
MODERATORS_ONLY_META = frozenset({"shadow"})


def subject_comments_export(subject: DataSubject) -> list[dict]:
    """Everything Parley keeps about the subject's comments, as JSON-ready dicts."""
    rows = subject_comments(subject).select_related("article").order_by("submit_date", "pk")
    return [_comment_export(c) for c in rows]


def _comment_export(c: Comment) -> dict:
    """One comment in the state its poster is shown everywhere else (spam as held, a
    shadow-banned one published), with its form as the poster sent it."""
    meta = c.submission_meta or {}
    return {
        "id": c.pk,
        "article": c.article.title,
        "article_url": reverse("articles:detail", args=[c.article.slug]),
        "in_reply_to": c.parent_id if c.parent_id != c.pk else None,
        "name": c.user_name,
        "email": c.user_email,
        "website": c.user_url,
        "ip_address": c.ip_address,
        "browser": c.user_agent,
        "text": c.comment,
        "posted_at": _when(c.submit_date),
        "edited_at": _when(c.edited_at),
        "status": status_seen_by_poster(c.status, shadow=bool(meta.get("shadow"))),
        "notify_replies": c.followup,
        "author_key": c.author_key,
        "form": {k: v for k, v in meta.items() if k not in MODERATORS_ONLY_META},
        "up_votes": c.upvotes,
        "down_votes": c.downvotes,
    }


def _account(user: AbstractBaseUser) -> dict:
    addresses = EmailAddress.objects.filter(user=user).order_by("pk")
    choice = AuthorDigestChoice.objects.filter(user=user).first()
    sent = AuthorDigestEntry.objects.filter(user=user).order_by("sent_at", "pk")
    updates = ArticleUpdate.objects.filter(author=user).select_related("article").order_by("pk")
    return {
        "username": user.get_username(),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "display_name": user.get_full_name() or user.get_username(),
        "email": user.email,
        "date_joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary} for a in addresses
        ],
        "articles": [
            {"id": a.pk, "title": a.title, "url": a.get_absolute_url()}
            for a in Article.objects.authored_by(user).order_by("pk")
        ],
        "article_updates": [
            {"id": u.pk, "article": u.article.title, "published_at": _when(u.published_at)}
            for u in updates
        ],
        "author_digest": (
            {"wanted": choice.wanted, "changed_at": _when(choice.changed_at)} if choice else None
        ),
        "author_digest_sent": [
            {"comment_id": e.comment_id, "sent_at": _when(e.sent_at)} for e in sent
        ],
    }


def reader_data_export(subject: DataSubject) -> dict:
    """Everything Parley keeps about them, as one JSON-ready dict, in a fixed number of
    queries however much there is."""
    follows = subject_follows(subject).select_related("article").order_by("created_at", "pk")
    user = subject.user
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "addresses": list(subject.addresses),
        "account": _account(user) if user is not None else None,
        "comments": subject_comments_export(subject),
        "follows": [
            {
                "id": f.pk,
                "article": f.article.title,
                "article_url": f.article.get_absolute_url(),
                "email": f.email,
                "confirmed_at": _when(f.confirmed_at),
                "created_at": _when(f.created_at),
            }
            for f in follows
        ],
        "confirmed_addresses": [
            {"email": a.email, "confirmed_at": _when(a.confirmed_at)}
            for a in subject_confirmed_addresses(subject).order_by("pk")
        ],
        "deliveries": [
            {
                "kind": d.kind,
                "object_id": d.object_id,
                "email": d.email,
                "sent_at": _when(d.sent_at),
            }
            for d in subject_deliveries(subject).order_by("sent_at", "pk")
        ],
        "reports": [
            {
                "comment_id": r.comment_id,
                "reporter_key": r.reporter_key,
                "reason": r.reason,
                "note": r.note,
                "created_at": _when(r.created_at),
                "resolved_at": _when(r.resolved_at),
            }
            for r in subject_reports(subject).order_by("created_at", "pk")
        ],
        "votes": [
            {
                "comment_id": v.comment_id,
                "voter_key": v.voter_key,
                "value": v.value,
                "created_at": _when(v.created_at),
                "updated_at": _when(v.updated_at),
            }
            for v in subject_votes(subject).order_by("created_at", "pk")
        ],
        "staff_records": _staff_records(user) if user is not None else None,
    }
