"""The comment section as the page shows it: render nodes built from the selectors' rows,
and the poster's notices placed in their comments (the template's whole context is built
in comments.presenters_section).

Reads live in comments.selectors; wording and layout decisions live here, so the template
tag and the views both ask one function for the whole section.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.core.paginator import Page
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import mark_safe

from articles.models import Article
from core.roles import is_moderator

from .models import AWAITING_STATES, Comment, CommentStatus
from .moderating import comment_bannable, moderation_allowed, words_version
from .notices import PUBLISHED, notice_text, status_seen_by_poster
from .owner import own_comment_ids
from .screening import comment_author_screen
from .selectors import MODERATED_STATES, SectionRow, Viewer, comment_for_permalink, comment_page
from .thread_words import ThreadWords, thread_words


@dataclass
class CommentNode:
    """One entry of a rendered thread; a placeholder keeps a hidden comment's replies whole."""

    pk: int
    thread_id: int
    depth: int
    submitted_at: datetime
    # Display strings are made here, once: template filters and int localization cost more
    # than the rest of a comment's rendering.
    id: str = ""
    date_iso: str = ""
    date_text: str = ""  # HTML: escaped, in the active language
    name: str = ""
    url: str = ""
    html: str = ""  # SafeString once set: sanitized by nh3 when the comment was stored
    placeholder: str = ""
    awaiting: bool = False
    status_seen: str = ""  # for the poster's own comments: pending, published or held
    notice: str = ""  # what the poster is told about their own comment, if anything
    notice_kind: str = ""  # "posted" or "edited" when it confirms what they just did
    badges: tuple[str, ...] = ()
    moderation_status: str = ""  # on a moderator's page: the comment's status, for its form
    words_version: str = ""  # on a moderator's page: which of its words it shows, for its form
    moderation_note: str = ""  # what the moderator's last action on it did
    bannable: bool = False  # on a moderator's page: its author can be banned by something
    hidden_replies: int = 0  # published replies not shown: the thread is collapsed
    edited: bool = False
    is_own: bool = False
    editable: bool = False
    pickable: bool = False  # published: may become an Editor's pick
    picked: bool = False  # one of the Editor's picks shown above the threads
    up: int = 0  # readers' votes, shown on published comments
    down: int = 0
    votable: bool = False  # published and not the viewer's own: vote buttons
    my_vote: int = 0  # the viewer's vote on it: 1, -1 or 0
    opens: bool = False
    closes: range = field(default_factory=lambda: range(0))


@dataclass
class CommentSection:
    nodes: list[CommentNode]
    trailing_closes: range
    page: Page
    order: str
    published_total: int
    thread_id: int | None = None
    context_id: int | None = None  # one comment in its conversation (thread_id's)
    thread_published: int = 0  # with thread_id: its published comments, shown or not
    picks: list[SectionRow] = field(default_factory=list)


def viewer_for(request: HttpRequest) -> Viewer:
    """The viewer of a comment section: their account, role and own comments."""
    user = request.user
    return Viewer(
        user_id=user.pk if user.is_authenticated else None,
        own_ids=own_comment_ids(request),
        can_moderate=is_moderator(user),
        user=user if user.is_authenticated else None,
    )


def permalink_followed(request: HttpRequest, comment_id: int) -> tuple[Comment | None, Viewer]:
    """The comment a permalink names, if this viewer may follow it, and the viewer to find
    its page as: an article's author who moderates its comments (the site's rule) follows
    its held and spam comments as a moderator does, to the moderators' view."""
    viewer = viewer_for(request)
    comment = comment_for_permalink(comment_id=comment_id, viewer=viewer)
    if comment is None and viewer.user_id is not None and not viewer.can_moderate:
        as_moderator = replace(viewer, can_moderate=True)
        found = comment_for_permalink(comment_id=comment_id, viewer=as_moderator)
        if found is not None and moderation_allowed(user=request.user, article=found.article):
            return found, as_moderator
    return comment, viewer


def comment_section(
    *,
    article: Article,
    viewer: Viewer,
    page_number: int | str = 1,
    order: str = "oldest",
    thread_id: int | None = None,
    context_id: int | None = None,
    moderating: bool = False,
) -> CommentSection:
    """One page of an article's comment section, as flat render nodes; `moderating`, with
    its held and spam comments in place."""
    data = comment_page(
        article=article,
        viewer=viewer,
        page_number=page_number,
        order=order,
        per_page=settings.PARLEY_THREADS_PER_PAGE,
        comment_budget=settings.PARLEY_COMMENTS_PER_PAGE,
        thread_id=thread_id,
        context_id=context_id,
        moderating=moderating,
    )
    nodes = build_nodes(
        data.rows,
        root_ids=data.root_ids,
        viewer=viewer,
        author_ids=frozenset(author.pk for author in article.authors.all()),
        moderator_ids=data.moderator_ids,
        editable_since=timezone.now() - timedelta(minutes=settings.PARLEY_EDIT_MINUTES),
        moderating=moderating,
    )
    edits_screen(nodes, data.rows, viewer=viewer)
    threads = data.page.object_list
    for node in nodes:
        if node.pk in data.collapsed:
            node.hidden_replies = data.collapsed[node.pk]
    return CommentSection(
        nodes=nodes,
        trailing_closes=_link_nodes(nodes),
        page=data.page,
        order=data.order,
        published_total=article.comment_count,
        thread_id=data.thread_id,
        context_id=data.context_id,
        # (root id, published count, replies): the one thread a thread's page lists.
        thread_published=threads[0][1] if data.thread_id and threads else 0,
        picks=data.picks,
    )


def build_nodes(
    rows: list[SectionRow] | list[Comment],
    *,
    root_ids: list[int],
    viewer: Viewer,
    author_ids: frozenset[int] = frozenset(),
    moderator_ids: frozenset[int] = frozenset(),
    editable_since: datetime | None = None,
    moderating: bool = False,
) -> list[CommentNode]:
    """Turn thread rows (ordered by thread, then pre-order position) into render nodes.

    Threads follow `root_ids`. A comment the viewer may not see becomes a placeholder when
    published replies hang under it. A reply whose parent was filtered out attaches to its
    nearest present ancestor: in pre-order, that is the last earlier row of lower level.
    `moderating` shows held and spam comments too, each marked with its status.
    """
    # Words and the date's format in the active language, made once per language and kept.
    words = thread_words()
    by_thread: dict[int, list[SectionRow | Comment]] = {}
    for row in rows:
        by_thread.setdefault(row.thread_id, []).append(row)
    nodes: list[CommentNode] = []
    for root_id in root_ids:
        levels: list[int] = []  # xtd levels of the present ancestors of the current row
        for row in by_thread.get(root_id, []):
            while levels and levels[-1] >= row.level:
                levels.pop()
            node = CommentNode(
                pk=row.pk,
                thread_id=row.thread_id,
                depth=len(levels),
                submitted_at=row.submit_date,
                id=str(row.pk),
            )
            levels.append(row.level)
            is_own = viewer.owns(comment_id=row.pk, user_id=row.user_id)
            moderated = moderating and row.status in MODERATED_STATES
            if (
                row.status == CommentStatus.PUBLISHED
                or (is_own and row.status in AWAITING_STATES)
                or moderated
            ):
                _show(node, row, is_own=is_own, words=words, editable_since=editable_since)
                node.pickable = row.status == CommentStatus.PUBLISHED
                if node.pickable:
                    node.up, node.down, node.votable = row.upvotes, row.downvotes, not is_own
                if moderating:
                    node.moderation_status = row.status
                    node.words_version = words_version(row)
                    node.bannable = comment_bannable(row)
                if row.user_id:
                    # Every account's comment is marked, the same for every viewer: a guest
                    # may not post under an account's name (comments.forms), but names typed
                    # before that, or imported, still read as one.
                    node.badges = tuple(
                        badge
                        for badge, ids in (
                            (words.author_badge, author_ids),
                            (words.moderator_badge, moderator_ids),
                        )
                        if row.user_id in ids
                    ) or (words.member_badge,)
            elif row.status in (CommentStatus.PENDING, CommentStatus.HELD):
                node.placeholder = words.placeholders["awaiting"]
            elif row.status == CommentStatus.DELETED:
                node.placeholder = words.placeholders["deleted"]
            else:
                node.placeholder = words.placeholders["removed"]
            nodes.append(node)
    return nodes


def edits_screen(
    nodes: list[CommentNode], rows: list[SectionRow] | list[Comment], *, viewer: Viewer
) -> None:
    """Take the Edit link off the viewer's comments whose edit would be refused because their
    author is banned since posting (readers.selectors.comment_edit_refusal asks the same
    hook). No query: the rows carry the author's address and the bans are cached."""
    rows_by_pk = {row.pk: row for row in rows}
    for node in nodes:
        row = rows_by_pk[node.pk]
        # A comment of another account than the viewer's is refused as not theirs anyway.
        if node.editable and row.user_id in (None, viewer.user_id):
            node.editable = not comment_author_screen(row, user=viewer.user).refused


def _show(
    node: CommentNode,
    row: SectionRow | Comment,
    *,
    is_own: bool,
    words: ThreadWords,
    editable_since: datetime | None,
) -> None:
    """Fill a node with what its comment shows (it is published, or the viewer's own)."""
    node.name = row.user_name
    node.url = row.user_url if row.user_url.startswith(("http://", "https://")) else ""
    node.html = mark_safe(row.comment_html)  # noqa: S308 - sanitized by nh3 on write
    if is_own:
        # A shadow-banned poster sees their comment as if it were published.
        shadow = bool(row.submission_meta.get("shadow"))
        node.status_seen = status_seen_by_poster(row.status, shadow=shadow)
        node.notice = notice_text("", node.status_seen)
    node.awaiting = is_own and node.status_seen != PUBLISHED
    node.edited = row.edited_at is not None
    node.is_own = is_own
    node.editable = is_own and editable_since is not None and row.submit_date > editable_since
    local = timezone.localtime(row.submit_date)  # the site's time zone
    node.date_iso, node.date_text = local.isoformat(), words.date_text(local)


def _link_nodes(nodes: list[CommentNode]) -> range:
    """Mark where nested lists open and close; return the closes needed after the last node."""
    previous = 0
    for index, node in enumerate(nodes):
        node.opens = index > 0 and node.depth > previous
        node.closes = range(0 if node.opens else max(previous - node.depth, 0))
        previous = node.depth
    return range(previous)
