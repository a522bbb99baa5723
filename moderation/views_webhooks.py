"""The webhooks page: moderators add, switch and delete webhooks and read their deliveries."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.roles import is_moderator, role_required

from . import selectors_webhooks, services
from .forms_webhooks import WebhookForm
from .models.webhooks import EVENT_WORDS

moderator_required = role_required(
    is_moderator, gettext_lazy("Only moderators can manage webhooks.")
)


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
            messages.success(request, _added(webhook.url, webhook.events, webhook.active))
            return HttpResponseRedirect(f"{reverse('moderation:webhooks')}#webhook-{webhook.pk}")
    return render(
        request,
        "moderation/webhooks.html",
        {
            "form": form,
            "webhooks": selectors_webhooks.webhooks_all(),
            "deliveries": selectors_webhooks.webhook_deliveries_recent(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@moderator_required
def webhook_switch(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """Switch a webhook on or off."""
    active = request.POST.get("active") == "1"
    webhook = services.webhook_active_set(webhook_id=webhook_id, active=active, actor=request.user)
    if webhook is None:
        return _gone(request)
    said = (
        _("Webhook for %(url)s is now on.")
        if webhook.active
        else _("Webhook for %(url)s is now off.")
    )
    messages.success(request, said % {"url": webhook.url})
    return HttpResponseRedirect(f"{reverse('moderation:webhooks')}#webhook-{webhook.pk}")


@require_POST
@moderator_required
def webhook_delete(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """Delete a webhook with its delivery log."""
    webhook = services.webhook_delete(webhook_id=webhook_id, actor=request.user)
    if webhook is None:
        return _gone(request)
    messages.success(
        request, _("Webhook for %(url)s deleted, with its deliveries.") % {"url": webhook.url}
    )
    return HttpResponseRedirect(reverse("moderation:webhooks"))


def _gone(request: HttpRequest) -> HttpResponse:
    """Back to the list, which no longer shows it: another moderator deleted the webhook."""
    messages.info(request, _("That webhook had already been deleted."))
    return HttpResponseRedirect(reverse("moderation:webhooks"))


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
