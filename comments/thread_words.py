"""The words of a rendered thread, in the active language, made once per language.

Every comment of a page carries the same labels ("Reply", "Report", the vote buttons, the
date's "at"), and comments/thread_html.py writes hundreds of comments a page with plain
string joins. So the labels are translated and escaped here once per language and kept by
language code: a page does no translating per comment, and a page in one language never
takes another language's words.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.html import escape
from django.utils.translation import (
    get_language,
    gettext,
    gettext_lazy,
    ngettext,
    override,
    pgettext,
    pgettext_lazy,
)

from .dates import day_formatter

# A moderator's buttons on their page: (action, the status it leads to, label, what a
# screen reader says, with the commenter's name as %(name)s).
MODERATION_BUTTONS = (
    ("approve", "published", gettext_lazy("Approve"),
     gettext_lazy("Approve the comment by %(name)s")),
    ("spam", "spam", pgettext_lazy("moderation action", "Spam"),
     gettext_lazy("Mark the comment by %(name)s as spam")),
    ("remove", "removed", gettext_lazy("Remove"),
     gettext_lazy("Remove the comment by %(name)s")),
)  # fmt: skip
# How a moderator's page labels a comment readers do not see.
MODERATION_LABELS = {
    "pending": gettext_lazy("Being checked"),
    "held": gettext_lazy("Held"),
    "spam": pgettext_lazy("comment state", "Spam"),
    "removed": gettext_lazy("Removed"),
    "deleted": gettext_lazy("Deleted by its author"),
}


@dataclass(frozen=True)
class ThreadWords:
    """A thread's labels in one language, escaped for HTML; "%(name)s" takes the commenter's
    escaped name. `placeholders` and `badges` are plain text: they become node values, which
    comments/thread_html.py escapes with the others."""

    language: str | None
    reply: str
    reply_to: str
    report: str
    report_spoken: str
    edit: str
    edit_spoken: str
    delete: str
    delete_spoken: str
    moderate: str
    ban: str
    ban_spoken: str
    pick: str
    pick_spoken: str
    unpick: str
    unpick_spoken: str
    editors_pick: str
    edited: str
    moderation_buttons: tuple[tuple[str, str, str, str], ...]
    moderation_labels: dict[str, str]
    vote_up: str
    vote_up_spoken: str
    vote_down: str
    vote_down_spoken: str
    score: str
    score_title: str  # "%(up)s up, %(down)s down"
    placeholders: dict[str, str]  # by what hides the comment: awaiting, deleted, removed
    author_badge: str
    moderator_badge: str
    member_badge: str
    at: str  # "%(date)s at %(time)s"
    day: Callable[[datetime], str]  # escaped
    _more: dict[int, str] = field(default_factory=dict, compare=False, repr=False)

    def more(self, count: int) -> str:
        """The link to a collapsed thread's `count` hidden replies (kept per count)."""
        text = self._more.get(count)
        if text is None:
            with override(self.language):
                text = ngettext("Show %(count)s reply", "Show %(count)s replies", count)
            text = self._more[count] = escape(text % {"count": count})
        return text

    def date_text(self, local: datetime) -> str:
        """When a comment was posted, "27 November 2026 at 14:05" in English: escaped, as
        its parts are."""
        return self.at % {"date": self.day(local), "time": f"{local:%H:%M}"}


def thread_words() -> ThreadWords:
    """The thread's words in the active language (made on first use, then kept)."""
    return _words_for(get_language())


@functools.lru_cache(maxsize=32)
def _words_for(language: str | None) -> ThreadWords:
    with override(language):
        return ThreadWords(
            language=language,
            reply=escape(gettext("Reply")),
            reply_to=escape(gettext("Reply to %(name)s")),
            report=escape(gettext("Report")),
            report_spoken=escape(gettext("Report the comment by %(name)s")),
            edit=escape(gettext("Edit")),
            edit_spoken=escape(gettext("Edit your comment of %(date)s")),
            delete=escape(gettext("Delete")),
            delete_spoken=escape(gettext("Delete your comment of %(date)s")),
            moderate=escape(gettext("Moderate")),
            ban=escape(gettext("Ban")),
            ban_spoken=escape(gettext("Ban the author of the comment by %(name)s")),
            pick=escape(gettext("Pick")),
            pick_spoken=escape(gettext("Pick the comment by %(name)s")),
            unpick=escape(gettext("Unpick")),
            unpick_spoken=escape(gettext("Unpick the comment by %(name)s")),
            # Translators: HTML, as in the templates: keep or replace the &rsquo; entity.
            editors_pick=gettext("Editor&rsquo;s pick"),
            edited=escape(gettext("edited")),
            moderation_buttons=tuple(
                (action, to, escape(label), escape(spoken))
                for action, to, label, spoken in MODERATION_BUTTONS
            ),
            moderation_labels={
                status: escape(label) for status, label in MODERATION_LABELS.items()
            },
            vote_up=escape(pgettext("vote", "Up")),
            vote_up_spoken=escape(gettext("Vote up the comment by %(name)s")),
            vote_down=escape(pgettext("vote", "Down")),
            vote_down_spoken=escape(gettext("Vote down the comment by %(name)s")),
            score=escape(gettext("Score:")),
            score_title=escape(gettext("%(up)s up, %(down)s down")),
            placeholders={
                "awaiting": gettext("[awaiting moderation]"),
                "deleted": gettext("[deleted]"),
                "removed": gettext("[removed]"),
            },
            author_badge=gettext("Author"),
            moderator_badge=gettext("Moderator"),
            # Translators: a comment's badge: posted from a registered account, not by a guest.
            member_badge=gettext("Member"),
            # Translators: when a comment was posted: "27 November 2026 at 14:05".
            at=escape(gettext("%(date)s at %(time)s")),
            day=day_formatter(html=True),
        )
