"""What every importer reads out of its file, whatever the format: plain records that the
writer (transfer.services.writer) stores. A reader yields AuthorRecord and ArticleGroup
objects in file order; a group holds one article and all of its comments in the file, so
the writer can place a whole thread at once and memory follows the largest article, not
the file."""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class AuthorRecord:
    """An author of articles in the source site (WordPress's <wp:author>, a JSON user)."""

    source_id: str  # the id in the source (WordPress author_id; a JSON export's user id)
    login: str  # the username there, kept as the username here when it is free
    email: str = ""
    # Only the JSON backup says: the address was verified on the site it comes from.
    email_verified: bool = False
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    # Only the JSON backup carries roles: the Parley groups the user belonged to (None: the
    # source does not say, and a WordPress author becomes an Author here).
    groups: tuple[str, ...] | None = None
    is_active: bool = True
    date_joined: datetime | None = None


@dataclass(slots=True)
class FollowRecord:
    """A reader following an article for its updates (JSON backups only)."""

    email: str
    user_source_id: str = ""
    confirmed_at: datetime | None = None  # None: the address was never confirmed
    created_at: datetime | None = None
    language: str = ""


@dataclass(slots=True)
class VoteRecord:
    """A reader's vote on a comment (JSON backups only), its voter key kept as it was."""

    voter_key: str
    value: int  # comments.models_votes.UP or DOWN
    # A guest's address, keyed (comments.models_votes.Vote.address_key): the per-address cap
    # on a comment's guest votes counts restored votes too.
    address_key: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(slots=True)
class ArticleRecord:
    source_id: str  # WordPress post_id, Disqus thread dsq:id, a JSON export's article id
    title: str
    url: str = ""  # the original permalink: how an article is found again across sources
    # A Disqus thread's <id>, the page's identifier on its site: the WordPress plugin's is
    # "<post id> <guid>", which finds the article a WordPress import made of that post.
    identifier: str = ""
    slug: str = ""  # WordPress post_name; empty lets the writer make one from the title
    body_html: str = ""  # HTML (WordPress, Disqus); sanitised by the writer
    body_markdown: str | None = None  # Parley's own Markdown (JSON backups) instead of HTML
    standfirst: str = ""
    author_source_ids: tuple[str, ...] = ()  # AuthorRecord.source_id values
    author_logins: tuple[str, ...] = ()  # when the source names authors by login only
    published_at: datetime | None = None  # aware
    status: str = "published"  # articles.models.Article.Status value
    comments_open: bool = True
    comments_close_after_days: int | None = None  # JSON backups only
    language: str = ""  # a settings.LANGUAGES code, or "" for the site's (JSON backups only)
    follows: tuple[FollowRecord, ...] = ()  # JSON backups only


@dataclass(slots=True)
class UpdateRecord:
    """A dated follow-up on an article (JSON backups only: other formats have none)."""

    source_id: str
    body_markdown: str
    published_at: datetime
    author_source_id: str = ""
    corrected_at: datetime | None = None
    withdrawn_at: datetime | None = None


@dataclass(slots=True)
class CommentRecord:
    source_id: str
    parent_source_id: str = ""  # "" for a top-level comment
    author_name: str = ""
    author_email: str = ""
    author_url: str = ""
    ip_address: str | None = None
    submitted_at: datetime | None = None  # aware; the writer refuses a comment without one
    html: str = ""  # the comment as the source stores it (HTML, or plain text with newlines)
    markdown: str | None = None  # Parley's own text (JSON backups) instead of HTML
    status: str = "published"  # comments.models.CommentStatus value, already mapped
    user_source_id: str = ""  # an AuthorRecord.source_id when an account wrote it
    user_agent: str = ""
    edited_at: datetime | None = None  # JSON backups only
    # JSON backups only: "notify me of replies", the editor's pick, and readers' votes with
    # the counts and score kept beside them.
    followup: bool = False
    email_proven: bool = False  # the guest proved author_email for this comment
    picked_at: datetime | None = None
    picked_by_source_id: str = ""
    upvotes: int = 0
    downvotes: int = 0
    best_score: float = 0.0
    votes: tuple[VoteRecord, ...] = ()
    # The stored forms of the words, when the reading thread made them ahead of the writer.
    text_fields: dict | None = None
    line: int = 0  # where it starts in the file, for warnings


@dataclass(slots=True)
class ArticleGroup:
    article: ArticleRecord
    comments: list[CommentRecord] = field(default_factory=list)
    updates: list[UpdateRecord] = field(default_factory=list)
    line: int = 0


@dataclass
class ReadStats:
    """What a reader passed over, reported with the import's own counts."""

    skipped: dict[str, int] = field(default_factory=dict)  # "pingback": 3, "page": 2, ...
    warnings: list[str] = field(default_factory=list)

    def skip(self, what: str, n: int = 1) -> None:
        self.skipped[what] = self.skipped.get(what, 0) + n

    def warn(self, message: str) -> None:
        self.warnings.append(message)


class SourceFileError(Exception):
    """The file cannot be read as the format it claims: `line` says where (0 if unknown).
    Nothing from it is stored."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line
        self.message = message

    def __reduce__(self):
        # Made again from what it was made of when it comes from the reading process.
        return type(self), (self.message, self.line)
