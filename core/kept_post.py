"""What a writer sent after their session ended: kept over the login it leads to.

An author or moderator whose session ended while they wrote (or who was never signed in)
is sent to log in. Their POST is refused, but the text in it is not theirs to lose: views
that show a form (marked with `post_kept_over_login`) have what was sent kept in the new
anonymous session, which survives the login (Django keeps the data when an anonymous session
becomes a signed-in one), and bind it to their form when the page comes back.
"""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

SESSION_KEY = "parley-kept-post"
# An article's body is the longest text sent; more than this is not a form of ours.
MAX_KEPT_CHARS = 200_000
ATTRIBUTE = "post_kept_over_login"


def post_kept_over_login(view: Callable) -> Callable:
    """Mark a view whose form gives back what a signed-out POST sent (core.roles reads it)."""
    setattr(view, ATTRIBUTE, True)
    return view


def post_keeps(view: Callable) -> bool:
    """Whether `view` gives back what a signed-out POST to it sent."""
    return bool(getattr(view, ATTRIBUTE, False))


def post_keep(request: HttpRequest) -> bool:
    """Keep the fields of this POST for its address; whether anything was kept."""
    fields = {
        name: values for name, values in request.POST.lists() if name != "csrfmiddlewaretoken"
    }
    written = [value for values in fields.values() for value in values]
    if not any(value.strip() for value in written):
        return False
    if sum(len(name) + sum(map(len, values)) for name, values in fields.items()) > MAX_KEPT_CHARS:
        return False
    request.session[SESSION_KEY] = {"path": request.path, "fields": fields}
    return True


def post_kept_take(request: HttpRequest, path: str | None = None) -> QueryDict | None:
    """What was kept from a POST to `path` (this request's own by default), as form data for
    the form on this page, which is told that it is back and not saved yet; forgotten once
    taken. None when nothing was kept."""
    kept = request.session.get(SESSION_KEY)
    if not isinstance(kept, dict) or kept.get("path") != (path or request.path):
        return None
    del request.session[SESSION_KEY]
    data = QueryDict(mutable=True)
    for name, values in kept.get("fields", {}).items():
        data.setlist(name, values)
    messages.info(
        request, _("What you wrote before logging in is back in the form. It is not saved yet.")
    )
    return data
