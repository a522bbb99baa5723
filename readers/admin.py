from django.contrib import admin

from core.admin import LookupsOutOfRange

from .models import ConfirmedAddress, Delivery, Follow


@admin.register(Follow)
class FollowAdmin(LookupsOutOfRange, admin.ModelAdmin):
    list_display = ("email", "article", "user", "confirmed_at", "created_at")
    list_filter = ("confirmed_at",)
    search_fields = ("email",)


@admin.register(Delivery)
class DeliveryAdmin(LookupsOutOfRange, admin.ModelAdmin):
    list_display = ("sent_at", "kind", "object_id", "email")
    list_filter = ("kind",)
    search_fields = ("email",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ConfirmedAddress)
class ConfirmedAddressAdmin(LookupsOutOfRange, admin.ModelAdmin):
    """Guests' addresses confirmed for reply notifications."""
