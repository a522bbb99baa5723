"""The moderator's buttons a queue item offers, from its comment's status.

Each status offers only the moves that change it (services.ACTIONS), so a button never
reports "0 comments approved" for a comment that was already published.
"""

from collections.abc import Iterable
from typing import NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comments.models import CommentStatus

S = CommentStatus


class Action(NamedTuple):
    action: str
    label: str | Promise  # an item's button
    key: str  # its keyboard shortcut
    bulk_label: str | Promise  # the button acting on the comments selected


# Buttons that do something to a comment: "Spam" marks it spam, "Hold" holds it.
APPROVE = Action(
    "approve", pgettext_lazy("moderation action", "Approve"), "a", _("Approve selected")
)
NOT_SPAM = Action(
    "not_spam", pgettext_lazy("moderation action", "Not spam"), "a", _("Not spam selected")
)
HOLD = Action("hold", pgettext_lazy("moderation action", "Hold"), "h", _("Hold selected"))
SPAM = Action("spam", pgettext_lazy("moderation action", "Spam"), "s", _("Spam selected"))
REMOVE = Action("remove", pgettext_lazy("moderation action", "Remove"), "r", _("Remove selected"))
# Closes the reports, not a status move.
DISMISS = Action("dismiss", _("Dismiss reports"), "d", _("Dismiss reports selected"))
ORDER = (APPROVE, NOT_SPAM, HOLD, SPAM, REMOVE)

STATUS_ACTIONS: dict[str, tuple[Action, ...]] = {
    S.PENDING: (APPROVE, SPAM, REMOVE),
    S.HELD: (APPROVE, SPAM, REMOVE),
    S.PUBLISHED: (HOLD, SPAM, REMOVE),
    S.SPAM: (NOT_SPAM, REMOVE),
    S.REMOVED: (APPROVE, SPAM),
    S.DELETED: (),  # its author's deletion is final
}


def actions_for_status(status: str) -> list[Action]:
    """The actions that move a comment out of `status`."""
    return list(STATUS_ACTIONS.get(status, ()))


def actions_for_statuses(statuses: Iterable[str]) -> list[Action]:
    """Every action some comment in these statuses takes, in the buttons' usual order."""
    offered = {action for status in set(statuses) for action in STATUS_ACTIONS.get(status, ())}
    return [action for action in ORDER if action in offered]


def actions_for_tab(tab: str) -> list[Action]:
    """The bulk actions a queue tab offers: those of the status it lists (Reported: its
    comments are published or held, and its reports can be dismissed)."""
    if tab == "reported":
        return [DISMISS, HOLD, SPAM, REMOVE]
    status = {"held": S.HELD, "spam": S.SPAM, "published": S.PUBLISHED}[tab]
    return actions_for_status(status)
