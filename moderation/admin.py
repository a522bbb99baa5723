from django.contrib import admin

from .models import (
    HeldDigest,
    ModerationEvent,
    ModerationRules,
    Report,
    SpamModel,
    SpamVerdict,
    TrainingExample,
)


@admin.register(ModerationRules)
class ModerationRulesAdmin(admin.ModelAdmin):
    fieldsets = (
        ("Routing", {"fields": ("hold_all", "hold_threshold", "spam_threshold", "log_only")}),
        (
            "Rules",
            {
                "fields": (
                    "link_limit", "moderation_keywords", "disallowed_keywords",
                    "min_seconds_to_submit", "hold_first_comment", "trust_approved_authors",
                    "reports_to_hold",
                )
            },
        ),
        ("Learned model", {"fields": ("use_model", "min_labels_for_model")}),
    )  # fmt: skip

    def has_add_permission(self, request):
        return not ModerationRules.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit records are written by services only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModerationEvent)
class ModerationEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "comment", "actor_label", "from_status", "to_status")
    list_filter = ("to_status", "actor_label")
    date_hierarchy = "created_at"


@admin.register(SpamVerdict)
class SpamVerdictAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "comment", "decision", "score", "model_version", "acted")
    list_filter = ("decision", "acted")


@admin.register(SpamModel)
class SpamModelAdmin(ReadOnlyAdmin):
    list_display = ("version", "n_labels", "trained_at")
    exclude = ("parameters",)


@admin.register(TrainingExample)
class TrainingExampleAdmin(admin.ModelAdmin):
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
