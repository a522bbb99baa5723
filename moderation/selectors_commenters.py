"""What a moderator knows about the commenter behind a queue item, and about its reports.

For a whole page at once: the commenter's comments counted by state, when they were first
seen, the bans in force against their account, email or IP address, and the moderators'
private notes on them; each in one query, whatever the number of items.

Identity is the proven one (`Comment.author_key`: an account, or a guest address confirmed
through a link). A guest nobody confirmed is only an email address and an IP address as
typed or seen: their counts and notes are kept per address and shown as such.
"""

import operator
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce
from typing import TYPE_CHECKING

from django.db.models import Count, Min, Q

from comments.models import Comment, CommentStatus
from core.keys import keyed_hash

from .models import Ban, CommenterNote
from .models.notes import GUEST_EMAIL, GUEST_IP, note_subject
from .queue_actions import DISMISS
from .selectors_bans import ban_hashes, ip_ban_hashes

if TYPE_CHECKING:
    from .selectors_queue import QueueItem

S = CommentStatus
NOTES_SHOWN = 20


@dataclass
class StateCounts:
    """How many comments came from one identity or address, by state, and since when."""

    published: int = 0
    held: int = 0
    spam: int = 0
    removed: int = 0
    first_seen: datetime | None = None

    def add(self, status: str, count: int, first: datetime) -> None:
        if status in (S.PUBLISHED, S.HELD, S.SPAM, S.REMOVED):
            setattr(self, status, getattr(self, status) + count)
        if self.first_seen is None or first < self.first_seen:
            self.first_seen = first


@dataclass
class Commenter:
    """The commenter behind one queue item, as far as it can be known."""

    proven: bool
    note_key: str  # where a new note on them is kept ("" if nothing identifies them)
    history: StateCounts | None = None  # the proven identity's comments
    by_email: StateCounts | None = None  # an unproven guest's: comments from the same email
    by_ip: StateCounts | None = None  # ... and from the same IP address
    bans: list[Ban] = field(default_factory=list)
    notes: list[CommenterNote] = field(default_factory=list)

    @property
    def subject(self) -> str:
        return note_subject(self.note_key)


def guest_email_key(email: str) -> str:
    return GUEST_EMAIL + keyed_hash("commenter.email", email.strip().lower())[:40]


def guest_ip_key(ip_address: str) -> str:
    return GUEST_IP + keyed_hash("commenter.ip", ip_address)[:40]


def commenter_keys(comment: Comment) -> list[str]:
    """The keys the notes on this comment's author are kept under, the one for a new note
    first: the proven identity, or an unproven guest's email address, then IP address."""
    if comment.author_key:
        return [comment.author_key]
    keys = []
    if comment.user_email:
        keys.append(guest_email_key(comment.user_email))
    if comment.ip_address:
        keys.append(guest_ip_key(comment.ip_address))
    return keys


def queue_items_annotate(items: list["QueueItem"]) -> list["QueueItem"]:
    """Give each queue item its commenter (history, bans, notes) and its oldest open report,
    and offer "Dismiss reports" where reports are open on a published or held comment:
    three queries for the page."""
    comments = [item.comment for item in items]
    commenters = commenters_for(comments)
    for item in items:
        item.commenter = commenters[item.comment.pk]
        item.oldest_report = min((r.created_at for r in item.reports), default=None)
        # Reports are dismissed on what readers see or may see again (reports_dismiss): a
        # spam or removed comment's go with the moderator's next decision on it.
        dismissable = item.comment.status in (CommentStatus.PUBLISHED, CommentStatus.HELD)
        if item.reports and dismissable and DISMISS not in item.actions:
            item.actions.insert(0, DISMISS)
    return items


def commenters_for(comments: list[Comment]) -> dict[int, Commenter]:
    """The commenter behind each comment, by comment id, in three queries at most."""
    commenters = {
        c.pk: Commenter(proven=bool(c.author_key), note_key=next(iter(commenter_keys(c)), ""))
        for c in comments
    }
    if not comments:
        return commenters
    counts = _state_counts(comments)
    for c in comments:
        commenter = commenters[c.pk]
        if c.author_key:
            commenter.history = counts.get(("author_key", c.author_key), StateCounts())
        else:
            if c.user_email:
                commenter.by_email = counts.get(("user_email", c.user_email), StateCounts())
            if c.ip_address:
                commenter.by_ip = counts.get(("ip_address", c.ip_address), StateCounts())
    for c, bans in zip(comments, _bans_in_force(comments), strict=True):
        commenters[c.pk].bans = bans
    notes = _notes(comments)
    for c in comments:
        found = [note for key in commenter_keys(c) for note in notes.get(key, [])]
        found.sort(key=lambda note: (note.created_at, note.pk), reverse=True)
        commenters[c.pk].notes = found[:NOTES_SHOWN]
    return commenters


def _state_counts(comments: list[Comment]) -> dict[tuple[str, str], StateCounts]:
    """Comments per (field, value) and state: by proven identity, and for unproven guests by
    email and by IP address, in one grouped query."""
    wanted = {
        "author_key": {c.author_key for c in comments if c.author_key},
        "user_email": {c.user_email for c in comments if not c.author_key and c.user_email},
        "ip_address": {c.ip_address for c in comments if not c.author_key and c.ip_address},
    }
    matches = [Q(**{f"{name}__in": values}) for name, values in wanted.items() if values]
    if not matches:
        return {}
    rows = (
        Comment.objects.filter(reduce(operator.or_, matches))
        .values(*wanted, "status")
        .annotate(count=Count("pk"), first=Min("submit_date"))
        .order_by()
    )
    counts: dict[tuple[str, str], StateCounts] = {}
    for row in rows:
        for name, values in wanted.items():
            if row[name] in values:
                counts.setdefault((name, row[name]), StateCounts()).add(
                    row["status"], row["count"], row["first"]
                )
    return counts


def _bans_in_force(comments: list[Comment]) -> list[list[Ban]]:
    """The bans in force against each comment's account, email and IP address (one query)."""
    targets = [
        (
            c.user_id,
            ban_hashes(Ban.Kind.EMAIL, c.user_email) if c.user_email else set(),
            ip_ban_hashes(c.ip_address) if c.ip_address else set(),
        )
        for c in comments
    ]
    user_ids = {user_id for user_id, _, _ in targets if user_id}
    hashes = {h for _, email, ip in targets for h in email | ip}
    if not user_ids and not hashes:
        return [[] for _ in comments]
    bans = list(
        Ban.objects.in_force()
        .filter(
            Q(kind=Ban.Kind.ACCOUNT, user_id__in=user_ids)
            | Q(kind__in=[Ban.Kind.EMAIL, Ban.Kind.IP], value_hash__in=hashes)
        )
        .order_by("kind", "-pk")
    )
    return [
        [
            ban
            for ban in bans
            if (ban.kind == Ban.Kind.ACCOUNT and user_id and ban.user_id == user_id)
            or (ban.kind == Ban.Kind.EMAIL and ban.value_hash in email)
            or (ban.kind == Ban.Kind.IP and ban.value_hash in ip)
        ]
        for user_id, email, ip in targets
    ]


def _notes(comments: list[Comment]) -> dict[str, list[CommenterNote]]:
    """The notes on the comments' commenters, newest first, by key (one query)."""
    keys = {key for c in comments for key in commenter_keys(c)}
    notes: dict[str, list[CommenterNote]] = {}
    if not keys:
        return notes
    for note in CommenterNote.objects.filter(subject_key__in=keys).order_by("-created_at", "-pk"):
        notes.setdefault(note.subject_key, []).append(note)
    return notes
