from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, validate_ipv46_address
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import DeletedWithItsRows, LookupsOutOfRange

from . import services
from .admin_audit import StaffEditAudited
from .models import (
    Ban,
    HeldDigest,
    ModerationEvent,
    ModerationRules,
    Report,
    SpamModel,
    SpamVerdict,
    StaffEdit,
    TrainingExample,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)


@admin.register(ModerationRules)
class ModerationRulesAdmin(StaffEditAudited, LookupsOutOfRange, admin.ModelAdmin):
    fieldsets = (
        (_("Routing"), {"fields": ("hold_all", "hold_threshold", "spam_threshold", "log_only")}),
        (
            _("Rules"),
            {
                "fields": (
                    "link_limit", "moderation_keywords", "disallowed_keywords",
                    "min_seconds_to_submit", "hold_first_comment", "trust_approved_authors",
                    "reports_to_hold",
                )
            },
        ),
        (_("Learned model"), {"fields": ("use_model", "site_model_half_labels")}),
        (_("Authors"), {"fields": ("authors_moderate_own_articles",)}),
        (_("Votes"), {"fields": ("down_votes_allowed", "default_order", "down_votes_to_report")}),
    )  # fmt: skip

    def has_add_permission(self, request):
        return not ModerationRules.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(LookupsOutOfRange, admin.ModelAdmin):
    """Audit records are written by services only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModerationEvent)
class ModerationEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "comment", "decided_by", "from_status", "to_status")
    list_filter = ("to_status", "actor_label")
    date_hierarchy = "created_at"

    @admin.display(description=_("actor label"), ordering="actor_label")
    def decided_by(self, obj: ModerationEvent) -> str:
        return obj.actor_shown


@admin.register(SpamVerdict)
class SpamVerdictAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "comment", "decision", "score", "model_version", "acted")
    list_filter = ("decision", "acted")


@admin.register(SpamModel)
class SpamModelAdmin(ReadOnlyAdmin):
    list_display = ("version", "n_labels", "trained_at")
    exclude = ("parameters",)


@admin.register(TrainingExample)
class TrainingExampleAdmin(StaffEditAudited, LookupsOutOfRange, admin.ModelAdmin):
    list_display = ("__str__", "is_spam", "source", "updated_at")
    list_filter = ("is_spam", "source")
    search_fields = ("text",)


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "comment", "reason", "resolved_at")
    list_filter = ("reason",)


@admin.register(HeldDigest)
class HeldDigestAdmin(ReadOnlyAdmin):
    list_display = ("sent_at", "comment_count", "recipient_count")


@admin.register(StaffEdit)
class StaffEditAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_label", "action", "model_label", "object_repr")
    list_filter = ("action", "model_label")
    date_hierarchy = "created_at"


# What a banned address must be to ever match a poster's.
ADDRESS_VALIDATORS = {Ban.Kind.EMAIL: EmailValidator(), Ban.Kind.IP: validate_ipv46_address}


class BanAdminForm(forms.ModelForm):
    value = forms.CharField(
        label=_("Value"),
        required=False,
        help_text=_("For an email or IP ban: the address. Only its keyed hash is stored."),
    )

    class Meta:
        model = Ban
        fields = ("kind", "user", "value", "reason", "shadow", "expires_at")

    def clean_expires_at(self):
        expires_at = self.cleaned_data.get("expires_at")
        if expires_at is not None and expires_at <= timezone.now():
            raise ValidationError(_("Choose an end in the future, or none for a ban without end."))
        return expires_at

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            kind, value = cleaned.get("kind"), cleaned.get("value")
            if kind == Ban.Kind.ACCOUNT and not cleaned.get("user"):
                self.add_error("user", _("Choose the account to ban."))
            if kind in ADDRESS_VALIDATORS and not value:
                self.add_error("value", _("Enter the address to ban."))
            elif kind in ADDRESS_VALIDATORS:
                try:
                    ADDRESS_VALIDATORS[kind](value)
                except ValidationError as error:
                    self.add_error("value", error)
        return cleaned


@admin.register(Ban)
class BanAdmin(StaffEditAudited, LookupsOutOfRange, admin.ModelAdmin):
    """Bans made here go through the same service as the queue's, so they are audited."""

    form = BanAdminForm
    list_display = ("__str__", "reason", "expires_at", "lifted_at", "created_by")
    list_filter = ("kind", "shadow")
    actions = ["lift"]

    def get_readonly_fields(self, request, obj=None):
        return ("kind", "user", "display", "shadow", "expires_at", "lifted_at") if obj else ()

    def get_fields(self, request, obj=None):
        if obj:
            return ("kind", "user", "display", "reason", "shadow", "expires_at", "lifted_at")
        return super().get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            services.ban_reason_set(ban_id=obj.pk, reason=obj.reason)
            return
        data = form.cleaned_data
        ban = services.ban_create(
            kind=data["kind"], actor=request.user, reason=data["reason"], user=data.get("user"),
            value=data.get("value", ""), expires_at=data.get("expires_at"),
            shadow=data.get("shadow", False),
        )  # fmt: skip
        # The admin's message and history name `obj`: it becomes the ban as stored, masked
        # address included.
        obj.pk = ban.pk
        obj.refresh_from_db()

    @admin.action(description=_("Lift the selected bans"))
    def lift(self, request, queryset):
        # Only bans in force are lifted: lifting one that has ended would record an unban
        # that changed nothing.
        selected = queryset.count()
        in_force = queryset.in_force().values_list("pk", flat=True)
        lifted = sum(services.ban_lift(ban_id=ban_id, actor=request.user) for ban_id in in_force)
        self.message_user(
            request,
            ngettext("%(count)d ban lifted.", "%(count)d bans lifted.", lifted) % {"count": lifted},
            messages.SUCCESS if lifted else messages.INFO,
        )
        if not_lifted := selected - lifted:
            self.message_user(
                request,
                ngettext(
                    "%(count)d selected ban had already been lifted or had ended.",
                    "%(count)d selected bans had already been lifted or had ended.",
                    not_lifted,
                )
                % {"count": not_lifted},
                messages.INFO,
            )


class WebhookAdminForm(forms.ModelForm):
    class Meta:
        model = Webhook
        fields = ("url", "on_held", "on_reported", "on_published", "active")

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            services.webhooks.webhook_url_check(url)
        except services.WebhookURLRefused as refused:
            raise forms.ValidationError(str(refused)) from refused
        return url


@admin.register(Webhook)
class WebhookAdmin(StaffEditAudited, LookupsOutOfRange, DeletedWithItsRows, admin.ModelAdmin):
    """Moderators manage webhooks on their own page (Moderation → Webhooks); this is the same
    for admins. The signing secret is shown, never edited."""

    # A chat service's webhook address is itself a credential: kept out of the audit log.
    audit_secret_fields = services.WEBHOOK_SECRET_FIELDS

    form = WebhookAdminForm
    list_display = ("url", "events_asked", "active", "created_by", "created_at")
    list_filter = ("active",)
    readonly_fields = ("secret", "created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        data = form.cleaned_data
        events = [event for event in WebhookEvent.values if data[f"on_{event}"]]
        # Recorded in the audit log by StaffEditAudited, as every admin addition is.
        webhook = services.webhook_create(
            url=data["url"], events=events, active=data["active"], actor=request.user,
            audited=False,
        )  # fmt: skip
        obj.pk, obj.secret = webhook.pk, webhook.secret

    def delete_model(self, request, obj):
        services.webhook_delete(webhook_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for webhook_id in queryset.values_list("pk", flat=True):
            services.webhook_delete(webhook_id=webhook_id)

    @admin.display(description=_("events"))
    def events_asked(self, obj: Webhook) -> str:
        return obj.events_shown


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at", "webhook", "event", "comment_id", "status", "response_status", "attempts",
        "duration_ms",
    )  # fmt: skip
    list_filter = ("status", "event")
