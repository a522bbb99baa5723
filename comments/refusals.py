"""What a poster is told when their comment was not posted, in their language: the
entry points in comments/views.py choose the reason, the wording lives here."""

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy, ngettext

from .dates import day_html
from .services import CommentRefused

SECURITY_REASONS = {
    "honeypot": gettext_lazy(
        "The comment was refused because a field meant to stay empty (hidden from people, "
        "filled in by spam robots) was filled in, and the form had other errors too. Reload "
        "the article and post again without an autofill tool."
    ),
    "forged": gettext_lazy(
        "The comment form failed its security check: it was altered or not sent from this "
        "site. Reload the article and try again."
    ),
}
NOT_STORED_REASON = gettext_lazy(
    "Your comment was not posted: the database did not answer. Nothing was saved; post it "
    "again in a moment."
)
NOT_CONFIRMED_REASON = gettext_lazy(
    "The database stopped answering while your comment was being saved, so we cannot tell "
    "whether it was. Look for it on the article in a moment before posting it again."
)
NOT_CONFIRMED_HEADING = gettext_lazy("We cannot tell yet whether your comment was posted")
HONEYPOT_REASON = gettext_lazy(
    "Your comment was not published: a field meant to stay empty (hidden from people, filled "
    "in by spam robots) was filled in, perhaps by an autofill tool. It has been kept for a "
    "moderator to review."
)
NOT_ATTACHED_REASON = gettext_lazy("This comment is not attached to a published article.")
TOO_FAST = gettext_lazy(
    "You are posting faster than this site allows. Wait a minute and send it again."
)
# After "The comment you are replying to is not available." (it was held, removed or deleted
# while the reply was written): the form comes back as a new comment, not a reply.
REPLY_GONE_NEXT = gettext_lazy(
    "Press Post Comment again to post yours as a new comment instead of a reply."
)
NO_TOKEN_NOTICE = gettext_lazy(
    "It was sent without this site's security token, so nothing was posted. Check it and "
    "press Post Comment again."
)
# The form carried a token this browser no longer holds: signing in (in another tab or
# window) replaced it. "Sent without a token" and "a script did not run" would be untrue.
STALE_TOKEN_NOTICE = gettext_lazy(
    "Its security token was out of date (signing in, in another tab or window, replaces it), "
    "so nothing was posted. Check it and press Post Comment again."
)
# The same refusals of the form's "Forget my details in this browser" button: it posts
# nothing, so "nothing was posted, press Post Comment" would send the reader the wrong way.
NO_TOKEN_FORGET_NOTICE = gettext_lazy(
    "It was sent without this site's security token, so nothing was forgotten. Press "
    "“Forget my details in this browser” again."
)
STALE_TOKEN_FORGET_NOTICE = gettext_lazy(
    "Its security token was out of date (signing in, in another tab or window, replaces it), "
    "so nothing was forgotten. Press “Forget my details in this browser” again."
)
# The same, for a browser that saved no details and offers to forget only its own comments.
NO_TOKEN_FORGET_OWN_NOTICE = gettext_lazy(
    "It was sent without this site's security token, so nothing was forgotten. Press "
    "“Forget which comments this browser posted” again."
)
STALE_TOKEN_FORGET_OWN_NOTICE = gettext_lazy(
    "Its security token was out of date (signing in, in another tab or window, replaces it), "
    "so nothing was forgotten. Press “Forget which comments this browser posted” again."
)


def expired_notice() -> str:
    """Why a form left open too long was sent back, its text kept."""
    hours = settings.COMMENTS_TIMEOUT // 3600
    return ngettext(
        "Your comment was not posted because this page was open for more than %(count)s "
        "hour. It is kept below: check it and post it again.",
        "Your comment was not posted because this page was open for more than %(count)s "
        "hours. It is kept below: check it and post it again.",
        hours,
    ) % {"count": hours}


def refusal_text(refusal: CommentRefused) -> str:
    """Why a banned poster cannot comment: HTML when the ban ends, the day in a <time>."""
    if refusal.until is None:
        return gettext("You cannot comment on this site.")
    sentence = escape(gettext("You cannot comment on this site until %(day)s."))
    return mark_safe(sentence % {"day": day_html(refusal.until)})  # noqa: S308 - escaped parts
