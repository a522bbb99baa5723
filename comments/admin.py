from django.contrib import admin

from core.admin import LookupsOutOfRange

from . import services
from .models import Comment, Thread


@admin.register(Comment)
class CommentAdmin(LookupsOutOfRange, admin.ModelAdmin):
    """Read-mostly view of comments; status changes go through the moderation service."""

    list_display = ("pk", "user_name", "article", "status", "level", "submit_date", "ip_address")
    list_filter = ("status", "article")
    search_fields = ("user_name", "comment", "ip_address")
    date_hierarchy = "submit_date"
    list_select_related = ("article",)
    ordering = ("-submit_date",)
    # What the posting recorded stays as it was; staff may correct the words and the
    # commenter's details. Status changes go through the moderation queue.
    recorded = ("status", "submit_date", "ip_address", "user_agent", "thread_id", "parent_id",
                "level", "order", "nested_count")  # fmt: skip
    fields = ("article", "user", "user_name", "user_email", "user_url", "comment", *recorded)
    readonly_fields = ("article", "user", *recorded)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting a row would leave its thread's counts and replies behind; moderators
        # remove comments from the queue and readers delete their own.
        return False

    def save_model(self, request, obj, form, change):
        services.comment_staff_edit(comment=obj)


@admin.register(Thread)
class ThreadAdmin(LookupsOutOfRange, admin.ModelAdmin):
    list_display = ("pk", "article", "listed", "published_count", "last_published_at")
    list_filter = ("listed",)
    readonly_fields = ("root", "article", "listed", "published_count", "last_published_at")

    # Threads are kept by the posting and moderation services (`manage.py recount_threads`
    # repairs them); the admin only shows them.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
