"""The audit log: every moderation decision, narrowed by who, what and which comment, and
every staff edit of settings in the admin."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors_audit, selectors_queue
from .forms_audit import AuditFilterForm
from .views import moderator_required


@require_GET
@moderator_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Every status change: who (or "scorer"), when, from → to, and why; or, under
    ?show=edits, every staff edit in the admin with its fields before and after."""
    page_number = request.GET.get("page") or 1
    if request.GET.get("show") == "edits":
        page = selectors_audit.staff_edits_page(page_number)
        return render(request, "moderation/log.html", {"page": page, "show": "edits"})
    form = AuditFilterForm(request.GET)
    # An unusable filter narrows nothing: the whole log is listed under what was wrong.
    wanted = form.audit_filter() if form.is_valid() else None
    page = selectors_queue.audit_page(page_number, wanted=wanted)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "moderation/log.html",
        {
            "page": page,
            "undo_deadline": selectors_queue.undo_deadline(),
            "filter_form": form,
            "filtered": wanted is not None and not wanted.is_empty,
            "page_query": f"{query.urlencode()}&" if query else "",
        },
        status=200 if form.is_valid() else 400,
    )
