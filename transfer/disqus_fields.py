"""The names in a Disqus export, and what its <thread> and <post> fields say as records:
Disqus's flags and our exporter's statuses in Parley's terms, dates and IP addresses."""

from datetime import datetime, tzinfo

from articles.models import Article
from comments.models import CommentStatus
from core.http import ip_address_normalised
from transfer.reading import moment_in_range
from transfer.records import ArticleRecord, CommentRecord, ReadStats

DISQUS_NS = "http://disqus.com"
INTERNALS_NS = "http://disqus.com/disqus-internals"
# Written by our exporter so a round trip keeps statuses Disqus has no word for.
PARLEY_NS = "https://parley.invalid/disqus-extension"

# Element names as expat reports them with namespaces on: "uri}local".
ROOT, THREAD, POST, PARENT = (f"{DISQUS_NS}}}{n}" for n in ("disqus", "thread", "post", "parent"))
FORUM, TITLE, LINK, IDENTIFIER = (f"{DISQUS_NS}}}{n}" for n in ("forum", "title", "link", "id"))
MESSAGE, CREATED_AT, NAME, EMAIL, USERNAME, IP_ADDRESS = (
    f"{DISQUS_NS}}}{n}" for n in ("message", "createdAt", "name", "email", "username", "ipAddress")
)
IS_CLOSED, IS_DELETED, IS_SPAM, IS_APPROVED = (
    f"{DISQUS_NS}}}{n}" for n in ("isClosed", "isDeleted", "isSpam", "isApproved")
)
DSQ_ID = f"{INTERNALS_NS}}}id"
PARLEY_STATUS = f"{PARLEY_NS}}}status"

STATUSES = frozenset(CommentStatus.values)
ARTICLE_STATUSES = frozenset(Article.Status.values)


class DisqusRecords:
    """Records from the fields of one <thread> or <post> (its children's text by tag),
    warning in `stats` of what they cannot say; dates without a zone are the site's."""

    def __init__(self, *, stats: ReadStats, site_timezone: tzinfo):
        self.stats = stats
        self.site_timezone = site_timezone

    def article(self, fields: dict[str, str], thread_id: str) -> ArticleRecord:
        if _true(fields.get(IS_DELETED)):
            self.stats.warn(f"thread {thread_id}: deleted in Disqus; its comments are imported")
        return ArticleRecord(
            source_id=thread_id,
            title=fields.get(TITLE, "").strip(),
            url=fields.get(LINK, "").strip(),
            identifier=fields.get(IDENTIFIER, "").strip(),
            published_at=self.date(fields.get(CREATED_AT), f"thread {thread_id}"),
            comments_open=not _true(fields.get(IS_CLOSED)),
            status=self.article_status(fields, thread_id),
        )

    def comment(
        self, fields: dict[str, str], post_id: str, parent_id: str, line: int
    ) -> CommentRecord:
        ip_text = fields.get(IP_ADDRESS, "").strip()
        ip = ip_address_normalised(ip_text) if ip_text else None
        if ip_text and ip is None:
            self.stats.warn(f"post {post_id}: ipAddress {ip_text!r} is not an IP address")
        return CommentRecord(
            source_id=post_id,
            parent_source_id=parent_id,
            author_name=(
                fields.get(NAME, "").strip() or fields.get(USERNAME, "").strip() or "Anonymous"
            ),
            author_email=fields.get(EMAIL, "").strip(),
            ip_address=ip,
            submitted_at=self.date(fields.get(CREATED_AT), f"post {post_id}"),
            html=fields.get(MESSAGE, "").strip(),
            status=self.status(fields, post_id),
            line=line,
        )

    def article_status(self, fields: dict[str, str], thread_id: str) -> str:
        """Disqus threads are public pages; our exporter names drafts and scheduled ones."""
        ours = fields.get(PARLEY_STATUS, Article.Status.PUBLISHED).strip()
        if ours in ARTICLE_STATUSES:
            return ours
        self.stats.warn(f"thread {thread_id}: unknown parley:status {ours!r}; published")
        return Article.Status.PUBLISHED

    def status(self, fields: dict[str, str], post_id: str) -> str:
        ours = fields.get(PARLEY_STATUS)
        if ours is not None:
            ours = ours.strip()
            if ours == CommentStatus.PENDING:
                # Imported comments are never scored, so one left pending would wait forever.
                return CommentStatus.HELD
            if ours in STATUSES:
                return ours
            self.stats.warn(f"post {post_id}: unknown parley:status {ours!r}; Disqus's flags used")
        if _true(fields.get(IS_SPAM)):
            return CommentStatus.SPAM
        if _true(fields.get(IS_DELETED)):
            return CommentStatus.REMOVED
        if fields.get(IS_APPROVED, "").strip().lower() == "false":
            return CommentStatus.HELD
        return CommentStatus.PUBLISHED

    def date(self, text: str | None, what: str) -> datetime | None:
        """An aware datetime from ISO 8601 text; the site's zone when it names none."""
        text = (text or "").strip()
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            self.stats.warn(f"{what}: createdAt {text!r} is not an ISO 8601 date")
            return None
        value = value if value.tzinfo else value.replace(tzinfo=self.site_timezone)
        if not moment_in_range(value):
            self.stats.warn(f"{what}: createdAt {text!r} is out of range")
            return None
        return value


def _true(text: str | None) -> bool:
    return text is not None and text.strip().lower() in ("true", "1")
