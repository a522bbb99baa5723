"""Moderation entry points: the queue, bulk actions, undo, the scorer's report on itself,
bans (the audit log is views_audit.py, readers' reports views_reports.py)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from comments.models import Comment, CommentStatus
from comments.moderating import comment_words_changed
from core.http import safe_next
from core.ids import parse_id, parse_ids
from core.roles import is_moderator, role_required

from . import selectors_queue, selectors_scorer, services
from .chart import chart_build
from .forms_search import CommentSearchForm
from .outcomes import decision_outcome, moved_outcome
from .queue_actions import actions_for_statuses, actions_for_tab
from .selectors_search import search_page
from .typed_notes import item_notes_split, typed_notes_keep

moderator_required = role_required(is_moderator, gettext_lazy("Only moderators can do that."))


@require_GET
@moderator_required
def queue(request: HttpRequest, tab: str = "held") -> HttpResponse:
    """A tab of the moderators' queue with its counts, items, scores and reasons."""
    if tab not in selectors_queue.TABS:
        raise Http404("No such tab.")
    page, items = selectors_queue.queue_page(tab, request.GET.get("page") or 1)
    return render(
        request,
        "moderation/queue.html",
        {
            **_list_context(request),
            "tab": tab,
            "page": page,
            "items": items,
            "actions": actions_for_tab(tab),
            **item_notes_split(request, items),
        },
    )


@require_GET
@moderator_required
def search(request: HttpRequest) -> HttpResponse:
    """Any comment, old and published ones too, by words, author, address, article, status
    or date, listed and acted on as in the queue."""
    form = CommentSearchForm(request.GET or None)
    context = {**_list_context(request), "tab": "search", "search_form": form, "items": []}
    wanted = form.search() if form.is_valid() else None
    if wanted is not None and wanted.is_empty and wanted.text:
        # Searched by words only, and none of them a word ("😀", "!!!").
        form.add_error("q", _("Type a word of letters or digits: search looks for words."))
    elif wanted is not None and wanted.is_empty:
        form.add_error(None, _("Fill in at least one field to search."))
    elif wanted is not None:
        page, items = search_page(search=wanted, page_number=request.GET.get("page") or 1)
        context.update(
            page=page,
            items=items,
            searched=True,
            actions=actions_for_statuses(item.comment.status for item in items),
            **item_notes_split(request, items),
        )
    refused = form.is_bound and (not form.is_valid() or wanted is None or wanted.is_empty)
    return render(request, "moderation/queue.html", context, status=400 if refused else 200)


def _list_context(request: HttpRequest) -> dict:
    """What every list of queue items needs: the tabs, the undo bar, the address that
    actions return to and the query that page links keep (both without the undo)."""
    undo_ids = parse_ids(request.GET.get("undo", "").split(","), limit=200)
    query = request.GET.copy()
    query.pop("undo", None)
    here = f"{request.path}?{query.urlencode()}" if query else request.path
    query.pop("page", None)
    return {
        "tabs": selectors_queue.tab_summaries(),
        "undo_ids": ",".join(map(str, undo_ids)),
        "here": here,
        "page_query": f"{query.urlencode()}&" if query else "",
    }


@require_POST
@moderator_required
def act(request: HttpRequest) -> HttpResponse:
    """Approve, spam, not-spam, hold or remove one comment or a selection of them."""
    typed_notes_keep(request)
    fallback = reverse("moderation:queue")
    single = request.POST.get("item_action", "")
    if single:
        action, _colon, raw_id = single.partition(":")
        raw_ids = [raw_id]
    else:
        action = request.POST.get("action", "")
        raw_ids = request.POST.getlist("ids")
    ids = parse_ids(raw_ids, limit=500)
    if action not in services.ACTIONS:
        messages.error(request, _("Choose an action."))
        return HttpResponseRedirect(safe_next(request, fallback))
    if not ids:
        messages.error(request, _("Select at least one comment."))
        return HttpResponseRedirect(safe_next(request, fallback))
    seen = _seen(request)
    words_seen = _page_values(request, "words_seen")
    event_ids = services.comments_moderate(
        comment_ids=ids,
        action=action,
        actor=request.user,
        seen=seen,
        seen_reports=_reports_seen(request),
        words_seen=words_seen,
    )
    summary = services.action_summary(
        action=action, event_ids=event_ids, selected=len(ids), comment_ids=ids
    )
    now = None
    if single and not event_ids:
        now = Comment.objects.only("user_name", "status", "edited_at").filter(pk=ids[0]).first()
    if now is not None and action == "dismiss":
        # Moved on since the page showed it (marked spam, removed): why nothing was dismissed.
        summary = (
            moved_outcome(name=now.user_name, status=now.status, seen=seen.get(ids[0], now.status))
            or summary
        )
    elif now is not None:
        # One comment's own button: say what became of it, as its article page would.
        summary = (
            decision_outcome(
                name=now.user_name,
                target=services.ACTIONS[action],
                status=now.status,
                seen=seen.get(ids[0], ""),
                changed=False,
                edited=comment_words_changed(now, words_seen.get(ids[0])),
            )
            or summary
        )
    (messages.success if event_ids else messages.info)(request, summary)
    target = safe_next(request, fallback)
    if event_ids:
        separator = "&" if "?" in target else "?"
        target = f"{target}{separator}undo={','.join(map(str, event_ids))}"
    return HttpResponseRedirect(target)


def _seen(request: HttpRequest) -> dict[int, str]:
    """Each listed comment's status as the moderator's page showed it ("id:status" fields)."""
    shown = _page_values(request, "seen")
    return {number: status for number, status in shown.items() if status in CommentStatus.values}


def _page_values(request: HttpRequest, name: str) -> dict[int, str]:
    """What the moderator's page said of each listed comment in its "id:value" fields `name`
    (the status, the version of the words it showed)."""
    values = {}
    for field in request.POST.getlist(name):
        raw_id, _colon, value = field.partition(":")
        number = parse_id(raw_id)
        if number is not None:
            values[number] = value
    return values


def _reports_seen(request: HttpRequest) -> set[int] | None:
    """The open reports the moderator's page showed, or None for a form that does not say
    (not the queue's), which judged every report.

    The queue's form sends one "reports_shown" field per listed comment, its reports' ids
    comma-separated and empty when it showed none: without that field, a page that showed
    no report could not be told from one that says nothing, and approving from it settled
    reports sent after it was loaded. A page loaded before that field named each report in
    a "report_seen" field of its own."""
    shown = request.POST.getlist("reports_shown")
    if not shown and "report_seen" not in request.POST:
        return None
    raw = [part for field in shown[:500] for part in field.split(",", 5000)]
    raw += request.POST.getlist("report_seen")
    return {number for number in map(parse_id, raw[:5000]) if number is not None}


@require_POST
@moderator_required
def undo(request: HttpRequest) -> HttpResponse:
    """Undo recent decisions (by event id) through the same transition service."""
    raw = request.POST.getlist("events") or request.POST.get("events_csv", "").split(",")
    event_ids = parse_ids(raw, limit=500)
    undone, refused = services.events_undo(event_ids=event_ids, actor=request.user)
    if not event_ids:
        messages.error(request, _("Nothing was undone: no decision was named."))
    elif not undone and not refused:
        # Another moderator's undo (or decision) got there first.
        messages.info(
            request, _("Nothing was undone: its comment changed meanwhile, or it was undone.")
        )
    if undone:
        messages.success(
            request,
            ngettext("Undid %(count)s decision.", "Undid %(count)s decisions.", undone)
            % {"count": undone},
        )
    for reason in sorted(set(refused)):
        messages.warning(request, reason)
    return HttpResponseRedirect(safe_next(request, reverse("moderation:log")))


@require_GET
@moderator_required
def scorer_report(request: HttpRequest) -> HttpResponse:
    """How the scorer's automatic decisions fared with moderators, its speed, its models."""
    days = selectors_scorer.daily_verdicts()
    return render(
        request,
        "moderation/scorer.html",
        {
            "windows": selectors_scorer.window_figures(),
            "days": days,
            "chart": chart_build(days),
            "models": selectors_scorer.model_figures(),
        },
    )
