"""Turn the fields transfer.wxr_reader collects from a WordPress export into records:
WordPress's statuses, comment types and dates in Parley's terms."""

import datetime
from html import unescape

from django.utils.html import strip_tags

from articles.models import Article
from comments.models import CommentStatus
from transfer.reading import moment_in_range
from transfer.records import ArticleGroup, ArticleRecord, AuthorRecord, CommentRecord, ReadStats

UTC = datetime.UTC
ZERO_DATE = "0000-00-00 00:00:00"  # WordPress's date that was never set
# Keys stored beside a record's fields: "@" starts no XML name, so no field overwrites them.
KIND, LINE, COMMENTS, RESTORED = "@kind", "@line", "@comments", "@parley_status"

ARTICLE_STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.SCHEDULED,
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.DRAFT,
    "private": Article.Status.DRAFT,
}
SKIPPED_POST_STATUSES = {"trash": "trashed post", "auto-draft": "auto-draft"}
COMMENT_STATUSES = {
    "1": CommentStatus.PUBLISHED,
    "0": CommentStatus.HELD,
    "spam": CommentStatus.SPAM,
    "trash": CommentStatus.REMOVED,
    "post-trashed": CommentStatus.REMOVED,
}
COMMENT_TYPES = frozenset({"", "comment", "review"})
# Imported comments are never scored, so one exported while pending waits for a moderator.
RESTORED_STATUSES = {status.value: status.value for status in CommentStatus} | {
    CommentStatus.PENDING.value: CommentStatus.HELD.value
}


class WxrRecords:
    """Records from the fields of one <wp:author> or <item>, counting in `stats` what is
    passed over; dates without a zone are taken in the site's."""

    def __init__(self, *, stats: ReadStats, site_timezone: datetime.tzinfo):
        self.stats = stats
        self.site_timezone = site_timezone

    def author(self, fields: dict) -> AuthorRecord:
        login = fields.get("author_login", "").strip()
        return AuthorRecord(
            source_id=fields.get("author_id", "").strip() or login,
            login=login,
            email=fields.get("author_email", "").strip(),
            display_name=fields.get("author_display_name", "").strip(),
            first_name=fields.get("author_first_name", "").strip(),
            last_name=fields.get("author_last_name", "").strip(),
        )

    def article_group(self, fields: dict) -> ArticleGroup | None:
        """The post with its comments, or None (counted) for an item that is not a post."""
        post_type = fields.get("post_type", "").strip()
        if post_type != "post":
            self.stats.skip(post_type or "item without a post type")
            return None
        post_status = fields.get("status", "").strip()
        if post_status in SKIPPED_POST_STATUSES:
            self.stats.skip(SKIPPED_POST_STATUSES[post_status])
            return None
        article = self._article(fields, post_status)
        post_id, comments = article.source_id, fields.get(COMMENTS, ())
        records = [self._comment(comment, post_id) for comment in comments]
        return ArticleGroup(
            article=article,
            comments=[record for record in records if record is not None],
            line=fields[LINE],
        )

    def _article(self, fields: dict, post_status: str) -> ArticleRecord:
        post_id = fields.get("post_id", "").strip()
        status = ARTICLE_STATUSES.get(post_status)
        if status is None:
            self.stats.warn(f"post {post_id}: unknown status {post_status!r}, read as a draft")
            status = Article.Status.DRAFT
        gmt = fields.get("post_date_gmt")
        published_at = self._date(gmt, fields.get("post_date"), f"post {post_id}")
        if status == Article.Status.DRAFT and _is_unset(gmt):
            # WordPress fixes a draft's GMT date only once a date is chosen; until then its
            # local date is merely when it was last saved.
            published_at = None
        creator = fields.get("creator", "").strip()
        return ArticleRecord(
            source_id=post_id,
            title=fields.get("title", "").strip(),
            url=fields.get("link", "").strip(),
            slug=fields.get("post_name", "").strip(),
            body_html=fields.get("content", ""),
            standfirst=" ".join(unescape(strip_tags(fields.get("excerpt", ""))).split()),
            author_logins=(creator,) if creator else (),
            published_at=published_at,
            status=status,
            comments_open=fields.get("comment_status", "").strip() == "open",
        )

    def _comment(self, fields: dict, post_id: str) -> CommentRecord | None:
        get = fields.get
        comment_type = get("comment_type", "").strip()
        if comment_type not in COMMENT_TYPES:
            self.stats.skip(comment_type)  # pingback, trackback, or a plugin's own type
            return None
        comment_id = get("comment_id", "").strip()
        if not comment_id:
            self.stats.warn(f"post {post_id}: a comment without wp:comment_id, skipped")
            return None
        approved = get("comment_approved", "").strip()
        status = COMMENT_STATUSES.get(approved)
        if status is None:
            self.stats.warn(f"comment {comment_id}: unknown comment_approved {approved!r}, held")
            status = CommentStatus.HELD
        restored = get(RESTORED)
        if restored is not None:
            status = RESTORED_STATUSES.get(restored.strip(), status)
            if restored.strip() not in RESTORED_STATUSES:
                self.stats.warn(f"comment {comment_id}: unknown Parley status {restored!r}")
        parent = get("comment_parent", "").strip()
        user = get("comment_user_id", "").strip()
        return CommentRecord(
            source_id=comment_id,
            parent_source_id="" if parent == "0" else parent,
            author_name=get("comment_author", "").strip(),
            author_email=get("comment_author_email", "").strip(),
            author_url=get("comment_author_url", "").strip(),
            ip_address=get("comment_author_IP", "").strip() or None,
            submitted_at=self._date(
                get("comment_date_gmt"), get("comment_date"), f"comment {comment_id}"
            ),
            html=get("comment_content", ""),
            status=status,
            user_source_id="" if user == "0" else user,
            line=fields[LINE],
        )

    def _date(self, gmt: str | None, local: str | None, what: str) -> datetime.datetime | None:
        """The GMT date when it is set, else the local one in the site's time zone."""
        for value, zone in ((gmt, UTC), (local, self.site_timezone)):
            value = (value or "").strip()
            if value in ("", ZERO_DATE):
                continue
            try:
                moment = datetime.datetime.fromisoformat(value)
            except ValueError:
                self.stats.warn(f"{what}: unreadable date {value!r}")
                continue
            if moment.tzinfo is None and zone is UTC:
                return moment.replace(tzinfo=UTC)  # a GMT date: already what is stored
            moment = moment if moment.tzinfo else moment.replace(tzinfo=zone)
            if not moment_in_range(moment):
                self.stats.warn(f"{what}: date {value!r} is out of range")
                continue
            return moment.astimezone(UTC)
        return None


def _is_unset(value: str | None) -> bool:
    return (value or "").strip() in ("", ZERO_DATE)
