"""The moderators' queue: its tabs, their counts, and each item with its context."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Min, QuerySet
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from comments.models import Comment, CommentStatus
from comments.moderating import comment_bannable, words_version

from .models import ModerationEvent, Report, SpamVerdict
from .queue_actions import Action, actions_for_status
from .selectors_commenters import queue_items_annotate
from .selectors_thread import ThreadContext, thread_contexts

S = CommentStatus
RECENT_WINDOW = timedelta(days=7)
TABS = ("held", "reported", "spam", "published")
TAB_TITLES = {
    "held": pgettext_lazy("queue tab", "Held"),
    "reported": pgettext_lazy("queue tab", "Reported"),
    "spam": pgettext_lazy("queue tab", "Spam"),
    "published": pgettext_lazy("queue tab", "Recently published"),
}


def _open_reports() -> QuerySet[Report]:
    return Report.objects.filter(resolved_at__isnull=True)


def open_reports_count(*, comment_id: int) -> int:
    """How many reports on a comment await a moderator."""
    return _open_reports().filter(comment_id=comment_id).count()


def tab_queryset(tab: str) -> QuerySet[Comment]:
    """The comments a queue tab lists, oldest waiting first (newest first for published)."""
    comments = Comment.objects.all()
    if tab == "held":
        return comments.filter(status=S.HELD).order_by("status_changed_at", "pk")
    if tab == "spam":
        return comments.filter(status=S.SPAM).order_by("-status_changed_at", "-pk")
    if tab == "reported":
        reported = _open_reports().values("comment_id")
        return comments.filter(pk__in=reported, status__in=[S.PUBLISHED, S.HELD]).order_by(
            "submit_date", "pk"
        )
    since = timezone.now() - RECENT_WINDOW
    return comments.filter(status=S.PUBLISHED, status_changed_at__gte=since).order_by(
        "-status_changed_at", "-pk"
    )


@dataclass
class TabSummary:
    key: str
    title: str  # lazy: said in the reader's language
    count: int
    oldest: datetime | None


def tab_summaries() -> list[TabSummary]:
    """Each tab with its count and how long its oldest item has waited (one query per tab):
    for Reported, since the oldest open report, whatever the comment's own age."""
    summaries = []
    for key in TABS:
        if key == "reported":
            numbers = (
                _open_reports()
                .filter(comment__status__in=[S.PUBLISHED, S.HELD])
                .aggregate(n=Count("comment_id", distinct=True), oldest=Min("created_at"))
            )
        else:
            numbers = (
                tab_queryset(key)
                .order_by()
                .aggregate(n=Count("pk"), oldest=Min("status_changed_at"))
            )
        summaries.append(TabSummary(key, TAB_TITLES[key], numbers["n"], numbers["oldest"]))
    return summaries


@dataclass
class QueueItem:
    comment: Comment
    parent: Comment | None
    verdict: SpamVerdict | None
    reports: list[Report]
    thread: ThreadContext = field(default_factory=ThreadContext)
    actions: list[Action] = field(default_factory=list)
    bannable: bool = False  # anything kept to ban its author by

    @property
    def words_version(self) -> str:
        return words_version(self.comment)


def queue_page(tab: str, page_number, per_page: int = 25) -> tuple[Page, list[QueueItem]]:
    """One page of a tab with context for each comment, in a fixed number of queries."""
    comments = tab_queryset(tab).select_related("article", "user")
    page = Paginator(comments, per_page).get_page(page_number)
    return page, queue_items(list(page.object_list))


def queue_items(rows: list[Comment]) -> list[QueueItem]:
    """The queue's items for these comments (a tab's page or search results), with their
    thread, verdict, reports, author history and actions, in a fixed number of queries."""
    ids = [c.pk for c in rows]
    verdicts: dict[int, SpamVerdict] = {}
    for verdict in SpamVerdict.objects.filter(comment_id__in=ids).order_by("comment_id", "-pk"):
        verdicts.setdefault(verdict.comment_id, verdict)
    reports: dict[int, list[Report]] = {}
    for report in Report.objects.filter(comment_id__in=ids, resolved_at__isnull=True):
        reports.setdefault(report.comment_id, []).append(report)
    threads = thread_contexts(rows)
    items = [
        QueueItem(
            comment=c,
            parent=threads[c.pk].parent,
            verdict=verdicts.get(c.pk),
            reports=reports.get(c.pk, []),
            thread=threads[c.pk],
            actions=actions_for_status(c.status),
            bannable=comment_bannable(c),
        )
        for c in rows
    ]
    return queue_items_annotate(items)  # commenters' history, bans and notes; dismissal


@dataclass(frozen=True)
class AuditFilter:
    """What the audit log is narrowed to; empty fields narrow nothing."""

    who: str = ""  # an actor label, as recorded: a username, "scorer", "readers"...
    change: str = ""  # a status moved to, "ban" or "unban"
    comment_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.who or self.change or self.comment_id)


def audit_page(page_number, per_page: int = 50, *, wanted: AuditFilter | None = None) -> Page:
    """The audit log, newest first, with each event's comment and article, narrowed to what
    is `wanted`."""
    events = ModerationEvent.objects.select_related("comment__article", "actor", "ban")
    wanted = wanted or AuditFilter()
    if wanted.who:
        events = events.filter(actor_label=wanted.who)
    if wanted.change in ("ban", "unban"):
        events = events.filter(ban__isnull=False, reasons__0__code=wanted.change)
    elif wanted.change:
        events = events.filter(comment__isnull=False, to_status=wanted.change)
    if wanted.comment_id:
        events = events.filter(comment_id=wanted.comment_id)
    return Paginator(events.order_by("-created_at", "-pk"), per_page).get_page(page_number)


def audit_actor_labels() -> list[str]:
    """Everyone the audit log names as having decided, in order (one query)."""
    labels = ModerationEvent.objects.order_by("actor_label").values_list("actor_label", flat=True)
    return [label for label in labels.distinct() if label]


def undo_deadline() -> datetime:
    """Decisions made after this moment can still be undone."""
    return timezone.now() - timedelta(minutes=settings.PARLEY_UNDO_MINUTES)
