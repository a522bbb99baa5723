"""The webhooks page: moderators add, switch and delete webhooks and read their deliveries."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.http import messages_tagged
from core.roles import is_moderator, role_required

from . import selectors_webhooks, services
from .forms_webhooks import WebhookForm
from .models.webhooks import EVENT_WORDS

moderator_required = role_required(
    is_moderator, gettext_lazy("Only moderators can manage webhooks.")
)

# What was done to a webhook is said in its row, where the redirect lands, and what was done
# to one no longer listed (deleted) above the list: not at the top of the page, out of view.
WEBHOOK_NOTE_TAG = "webhook-note"
LIST_ANCHOR = "webhooks-list"


def _webhook_note_add(
    request: HttpRequest, text: str, *, webhook_id: int = 0, level=messages.SUCCESS
) -> str:
    """Queue a line about a webhook for its row (or for the list, without one); return
    where to send the moderator to read it."""
    messages.add_message(request, level, text, extra_tags=f"{WEBHOOK_NOTE_TAG} w{webhook_id}")
    anchor = f"webhook-{webhook_id}" if webhook_id else LIST_ANCHOR
    return f"{reverse('moderation:webhooks')}#{anchor}"


@require_http_methods(["GET", "POST"])
@moderator_required
def webhooks(request: HttpRequest) -> HttpResponse:
    """List the webhooks and their recent deliveries; add one."""
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            webhook = services.webhook_create(
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                active=form.cleaned_data["active"],
                actor=request.user,
            )
        except services.WebhookURLRefused as refused:
            form.add_error("url", str(refused))
        else:
            text = _added(webhook.url, webhook.events, webhook.active)
            return HttpResponseRedirect(_webhook_note_add(request, text, webhook_id=webhook.pk))
    webhooks_listed = selectors_webhooks.webhooks_all()
    listed = {webhook.pk for webhook in webhooks_listed}
    notes = messages_tagged(request, tag=WEBHOOK_NOTE_TAG, prefix="w")
    return render(
        request,
        "moderation/webhooks.html",
        {
            "form": form,
            "webhooks": webhooks_listed,
            "deliveries": selectors_webhooks.webhook_deliveries_recent(),
            "row_notes": [(pk, note) for pk, note in notes if pk in listed],
            "list_notes": [note for pk, note in notes if pk not in listed],
            "note_tag": WEBHOOK_NOTE_TAG,
            "list_anchor": LIST_ANCHOR,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@moderator_required
def webhook_switch(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """Switch a webhook on or off."""
    active = request.POST.get("active") == "1"
    webhook, switched = services.webhook_active_set(
        webhook_id=webhook_id, active=active, actor=request.user
    )
    if webhook is None:
        return _gone(request)
    if switched:
        said = (
            _("Webhook for %(url)s is now on.")
            if webhook.active
            else _("Webhook for %(url)s is now off.")
        )
    else:  # another moderator switched it first
        said = (
            _("Webhook for %(url)s was already on.")
            if webhook.active
            else _("Webhook for %(url)s was already off.")
        )
    return HttpResponseRedirect(
        _webhook_note_add(request, said % {"url": webhook.url}, webhook_id=webhook.pk)
    )


@require_POST
@moderator_required
def webhook_delete(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """Delete a webhook with its delivery log."""
    webhook = services.webhook_delete(webhook_id=webhook_id, actor=request.user)
    if webhook is None:
        return _gone(request)
    text = _("Webhook for %(url)s deleted, with its deliveries.") % {"url": webhook.url}
    return HttpResponseRedirect(_webhook_note_add(request, text))


def _gone(request: HttpRequest) -> HttpResponse:
    """Back to the list, which no longer shows it: another moderator deleted the webhook."""
    text = _("That webhook had already been deleted.")
    return HttpResponseRedirect(_webhook_note_add(request, text, level=messages.INFO))


def _added(url: str, events: list[str], active: bool) -> str:
    """What adding a webhook did: what it will be told, or that it is off."""
    if not active:
        return _(
            "Webhook added for %(url)s; it is switched off: switch it on to send anything."
        ) % {"url": url}
    # "held, reported or published", with the list's words and "or" in the reader's language.
    when = get_text_list([EVENT_WORDS[event] for event in events])
    return _("Webhook added for %(url)s; it will be told when a comment is %(events)s.") % {
        "url": url,
        "events": when,
    }
