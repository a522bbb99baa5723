"""The per-page parts of the links and forms each comment in the thread carries, computed
once per page so that comments/thread_html.py's loop only joins strings."""

from dataclasses import dataclass
from urllib.parse import quote

from django.utils.html import escape

from core.urls import url_reversed

# A comment id in a URL pattern that the page's code replaces (here, and the live thread's
# scripts, static/js/live_page.js).
ID_PLACEHOLDER = 987654321


def _around_id(name: str) -> tuple[str, str]:
    """A named URL's path before and after its comment id, escaped."""
    before, _, after = url_reversed(name, ID_PLACEHOLDER).partition(str(ID_PLACEHOLDER))
    return escape(before), escape(after)


@dataclass(frozen=True)
class InPlaceModeration:
    """Per-page parts of each comment's moderation form on a moderator's page (?moderate=1):
    it posts to moderation's in-place view, which comes back to this page."""

    action: tuple[str, str]
    ban: tuple[str, str] | None  # None: this moderator may not ban (an article's author)
    csrf_token: str
    page_url: str  # the form's `next`
    ban_next: str  # "?next=" and this page, quoted up to the anchor: the comment's id follows

    @classmethod
    def build(cls, *, csrf_token: str, page_url: str, can_ban: bool) -> "InPlaceModeration":
        return cls(
            action=_around_id("moderation:inplace"),
            ban=_around_id("moderation:ban") if can_ban else None,
            csrf_token=escape(csrf_token),
            page_url=escape(page_url),
            ban_next=escape(f"?next={quote(page_url + '#c', safe='/')}"),
        )


@dataclass(frozen=True)
class VoteForms:
    """Per-page parts of each comment's vote buttons. With this viewer's CSRF token they post
    the vote; on the page shared by anonymous readers (no token) they ask for the vote page
    (GET), whose form carries one; static/js/votes.js posts either in place."""

    action: tuple[str, str] = ("", "")
    csrf_token: str = ""
    down_votes: bool = True

    @classmethod
    def build(cls, *, csrf_token: str, down_votes: bool) -> "VoteForms":
        return cls(_around_id("comments:vote"), escape(csrf_token), down_votes)


@dataclass(frozen=True)
class ThreadLinks:
    """Per-page parts of the links each comment carries, computed once per page."""

    reply_query: str  # "?cpage=2&replyto=" (the id follows)
    thread_query: str  # "?thread=" (the root's id follows)
    comments_open: bool
    can_moderate: bool
    report: tuple[str, str]
    edit: tuple[str, str]
    delete: tuple[str, str]
    moderate: tuple[str, str]  # "Moderate": this page as a moderator's, at the comment
    status: tuple[str, str]
    moderation: InPlaceModeration | None = None  # on a moderator's page: the forms' parts
    # Editor's picks: the Pick/Unpick buttons' forms carry this viewer's CSRF token, so they
    # are only built for a picker's own page, never for the page shared by anonymous readers.
    can_pick: bool = False
    csrf_token: str = ""
    pick: tuple[str, str] = ("", "")
    unpick: tuple[str, str] = ("", "")
    votes: VoteForms | None = None  # None: no vote buttons (the score still shows)

    @classmethod
    def build(
        cls,
        *,
        reply_query: str,
        comments_open: bool,
        can_moderate: bool,
        thread_query: str = "?thread=",
        moderate_query: str = "?moderate=1#c",
        moderation: InPlaceModeration | None = None,
        can_pick: bool = False,
        csrf_token: str = "",
        votes: VoteForms | None = None,
    ) -> "ThreadLinks":
        around_id = _around_id

        return cls(
            reply_query=escape(reply_query),
            thread_query=escape(thread_query),
            comments_open=comments_open,
            can_moderate=can_moderate,
            report=around_id("moderation:report"),
            edit=around_id("readers:comment_edit"),
            delete=around_id("readers:comment_delete"),
            moderate=(escape(moderate_query), ""),
            moderation=moderation,
            status=around_id("comments:status"),
            can_pick=can_pick,
            csrf_token=escape(csrf_token),
            pick=around_id("comments:pick"),
            unpick=around_id("comments:unpick"),
            votes=votes,
        )
