"""Error pages rendered with the site's layout."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    reason = ""
    if isinstance(exception, RequestDataTooBig):
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        reason = _(
            "What was sent is larger than this site accepts (%(limit)s); none of it was read."
        ) % {"limit": limit}
    elif isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        reason = _(
            "What was sent has more fields or files than any form here; none of it was read."
        )
    return render(request, "errors/400.html", {"reason": reason}, status=400)


def _sent_text(request: HttpRequest) -> dict[str, str]:
    """The text a refused or failed POST carried, to hand back so that nothing its writer
    wrote is lost: a reader's comment (an edit sent after signing out in another tab, say)
    or an author's article, update or correction (sent after losing the role or the
    article meanwhile); `kept_kind` names which, for the box's label."""
    try:
        sent = request.POST if request.method == "POST" else {}
        if sent.get("comment"):
            return {"text": sent["comment"], "kept_kind": "comment"}
        return {"text": sent.get("body", ""), "kept_kind": "body"}
    except Exception:  # a body that cannot be read is not worth a second error
        return {"text": ""}


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    context = {"reason": str(exception or ""), **_sent_text(request)}
    return render(request, "errors/403.html", context, status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", _sent_text(request), status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors or database here: the error may be the database itself. What a
    # reader was sending is handed back, so nothing they wrote is lost.
    context = _sent_text(request)
    return HttpResponse(loader.get_template("errors/500.html").render(context), status=500)
