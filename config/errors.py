"""Error pages rendered with the site's layout."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.http import posted_text


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


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    context = {"reason": str(exception or ""), **posted_text(request)}
    return render(request, "errors/403.html", context, status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", posted_text(request), status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors or database here: the error may be the database itself. What a
    # reader was sending is handed back, so nothing they wrote is lost.
    context = posted_text(request)
    return HttpResponse(loader.get_template("errors/500.html").render(context), status=500)
