"""Moderation entry points: the queue, bulk actions, undo, the scorer's report on itself,
bans (the audit log is views_audit.py, readers' reports views_reports.py)."""

from urllib.parse import parse_qs, urlsplit

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comments.models import Comment, CommentStatus
from comments.moderating import comment_bannable, moderation_notice_add
from core.http import messages_tagged, safe_next
from core.ids import parse_id, parse_ids
from core.kept_post import post_kept_over_login, post_kept_take
from core.roles import is_moderator, role_required

from . import selectors_audit, selectors_queue, selectors_scorer, services
from .chart import chart_build
from .forms import BanForm
from .forms_search import CommentSearchForm
from .models import Ban
from .outcomes import decision_outcome
from .queue_actions import actions_for_statuses, actions_for_tab
from .selectors_search import search_page

moderator_required = role_required(is_moderator, gettext_lazy("Only moderators can do that."))
# What was done to a queue item's commenter (a note added or deleted) is said inside that
# item, where the answer's "#item-<id>" lands, not at the top of a long queue, out of view.
ITEM_NOTE_TAG = "queue-item-note"


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
            **_item_notes(request, items),
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
            **_item_notes(request, items),
        )
    refused = form.is_bound and (not form.is_valid() or wanted is None or wanted.is_empty)
    return render(request, "moderation/queue.html", context, status=400 if refused else 200)


def _item_notes(request: HttpRequest, items: list) -> dict:
    """The queued lines about listed items, each to show inside its item, and those about
    items no longer listed (another moderator decided meanwhile), for the top of the page."""
    listed = {item.comment.pk for item in items}
    notes = messages_tagged(request, tag=ITEM_NOTE_TAG, prefix="c")
    return {
        "item_notes": [(pk, note) for pk, note in notes if pk in listed],
        "stray_item_notes": [note for pk, note in notes if pk not in listed],
    }


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
    # The reports the page showed; a page that names none (an older one) meant them all.
    seen_reports = (
        {n for n in map(parse_id, request.POST.getlist("report_seen")[:5000]) if n is not None}
        if "report_seen" in request.POST
        else None
    )
    event_ids = services.comments_moderate(
        comment_ids=ids, action=action, actor=request.user, seen=seen, seen_reports=seen_reports
    )
    summary = services.action_summary(
        action=action, event_ids=event_ids, selected=len(ids), comment_ids=ids
    )
    if single and not event_ids and action != "dismiss":
        # One comment's own button: say what became of it, as its article page would.
        now = Comment.objects.filter(pk=ids[0]).values_list("user_name", "status").first()
        if now is not None:
            target = services.ACTIONS[action]
            summary = (
                decision_outcome(
                    name=now[0],
                    target=target,
                    status=now[1],
                    seen=seen.get(ids[0], ""),
                    changed=False,
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
    seen = {}
    for value in request.POST.getlist("seen"):
        raw_id, _colon, status = value.partition(":")
        number = parse_id(raw_id)
        if number is not None and status in CommentStatus.values:
            seen[number] = status
    return seen


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


@require_http_methods(["GET", "POST"])
@moderator_required
@post_kept_over_login
def ban_author(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Ban (or shadow-ban) the account, email or IP behind a comment, for a while or for good."""
    comment = get_object_or_404(Comment.objects.select_related("user", "article"), pk=comment_id)
    if not comment_bannable(comment):
        # Offering the form would only end in "choose what to ban" with nothing to choose
        # (a guest's IP address goes after the retention period; a deleted comment keeps
        # neither): the links that lead here are not offered then either.
        return render(
            request,
            "moderation/ban.html",
            {"comment": comment, "nothing_to_ban": True},
            status=400 if request.method == "POST" else 200,
        )
    data = request.POST if request.method == "POST" else post_kept_take(request)
    form = BanForm(data or None, comment=comment)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        options = {
            "actor": request.user,
            "reason": data["reason"],
            "days": int(data["duration"]) if data["duration"] else None,
            "shadow": data["shadow"],
        }
        made = []
        if data.get("ban_account"):
            made.append(services.ban_create(kind=Ban.Kind.ACCOUNT, user=comment.user, **options))
        if data.get("ban_email"):
            made.append(
                services.ban_create(kind=Ban.Kind.EMAIL, value=comment.user_email, **options)
            )
        if data.get("ban_ip"):
            made.append(services.ban_create(kind=Ban.Kind.IP, value=comment.ip_address, **options))
        done = [
            str(ban) + (" " + _("(in place of the ban in force)") if ban.replaced else "")
            for ban in made
        ]
        text = "; ".join(done) + "."
        target = safe_next(request, reverse("moderation:bans"))
        if _comment_on_moderators_page(target, comment.pk):
            # Back to the comment far down its article page: said there, in view, as the
            # page's own buttons say what they did.
            moderation_notice_add(request, comment_id=comment.pk, text=text, done=True)
        else:
            messages.success(request, text)
        return HttpResponseRedirect(target)
    # Cancel goes back where the moderator came from (the comment on its article's page).
    cancel_url = safe_next(request, reverse("moderation:queue"))
    return render(
        request,
        "moderation/ban.html",
        {"comment": comment, "form": form, "cancel_url": cancel_url},
        status=400 if request.method == "POST" else 200,
    )


def _comment_on_moderators_page(url: str, comment_id: int) -> bool:
    """Whether `url` is the moderators' view of an article page at this comment."""
    parts = urlsplit(url)
    return parts.fragment == f"c{comment_id}" and parse_qs(parts.query).get("moderate") == ["1"]


@require_GET
@moderator_required
def bans(request: HttpRequest) -> HttpResponse:
    """Bans in force and past ones, with a button to lift each."""
    page = selectors_audit.bans_page(request.GET.get("page"))
    return render(request, "moderation/bans.html", {"page": page, "now": timezone.now()})


@require_POST
@moderator_required
def ban_lift(request: HttpRequest, ban_id: int) -> HttpResponse:
    """Lift a ban now."""
    if services.ban_lift(ban_id=ban_id, actor=request.user):
        messages.success(request, _("Ban lifted."))
    elif (ban := Ban.objects.filter(pk=ban_id).first()) is None:
        messages.error(request, _("There is no such ban."))
    elif ban.lifted_at is None:
        # It ran out between the page showing its Lift button and the click.
        messages.info(
            request,
            _("That ban had already ended on %(date)s: there was nothing to lift.")
            % {"date": date_format(timezone.localtime(ban.expires_at), "DATETIME_FORMAT")},
        )
    else:
        messages.info(request, _("That ban had already been lifted."))
    # Back to the page of bans the moderator was on, where the row now says "lifted".
    return HttpResponseRedirect(safe_next(request, reverse("moderation:bans")))
