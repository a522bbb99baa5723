"""What one moderator's decision on one comment came to, said as the moderator should read it:
done, already so, or overtaken by someone else's decision since their page was loaded."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comments.models import CommentStatus

S = CommentStatus
DONE = {
    S.PUBLISHED: gettext_lazy("Approved: the comment by %(name)s is published."),
    S.SPAM: gettext_lazy("Marked spam: the comment by %(name)s is hidden from readers."),
    S.REMOVED: gettext_lazy("Removed: the comment by %(name)s is hidden from readers."),
}
ALREADY = {
    S.PUBLISHED: gettext_lazy("Nothing changed: the comment by %(name)s was already published."),
    S.SPAM: gettext_lazy("Nothing changed: the comment by %(name)s was already marked spam."),
    S.REMOVED: gettext_lazy("Nothing changed: the comment by %(name)s was already removed."),
}
# Its status is the one the page showed, but not its words: the moderator never read them.
# Not "by its author": staff correcting the words in the admin make a new version too.
EDITED = gettext_lazy(
    "Nothing changed: the comment by %(name)s was edited after this page was loaded."
)
# A comment that moved on after the page showed it: the moderator decided on what they saw.
MOVED = {
    S.PUBLISHED: gettext_lazy(
        "Nothing changed: the comment by %(name)s was published after this page was loaded."
    ),
    S.HELD: gettext_lazy(
        "Nothing changed: the comment by %(name)s was held after this page was loaded."
    ),
    S.SPAM: gettext_lazy(
        "Nothing changed: the comment by %(name)s was marked spam after this page was loaded."
    ),
    S.REMOVED: gettext_lazy(
        "Nothing changed: the comment by %(name)s was removed after this page was loaded."
    ),
}


def decision_outcome(
    *, name: str, target: str, status: str, seen: str, changed: bool, edited: bool = False
) -> str:
    """The sentence for a decision meant to move the comment by `name` to `target`, which
    is now at `status` and was at `seen` on the moderator's page (`edited`: its words were
    edited since, by its author or by staff); "" when there is none for that target (the
    caller says it its own way)."""
    who = {"name": name}
    if changed:
        return DONE[target] % who if target in DONE else ""
    if status == target:
        return ALREADY[target] % who if target in ALREADY else ""
    if status == S.DELETED and not name:
        # Deleting erased the name with the words (readers.services.comment_delete).
        return _("Nothing changed: the comment was deleted by its author.")
    if status == S.DELETED:
        return _("Nothing changed: the comment by %(name)s was deleted by its author.") % who
    if moved := moved_outcome(name=name, status=status, seen=seen):
        return moved
    if edited:
        return EDITED % who
    return (
        _("Nothing changed: the comment by %(name)s could not be moderated; reload the page.") % who
    )


def moved_outcome(*, name: str, status: str, seen: str) -> str:
    """The sentence for a decision left undone because the comment by `name` moved from
    `seen`, as the moderator's page showed it, to `status` since; "" if it did not."""
    return MOVED[status] % {"name": name} if status in MOVED and status != seen else ""
