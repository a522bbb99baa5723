"""URL map. django-comments-xtd's own URLs (confirmation and mute links with pickled,
never-expiring tokens, and its unauthenticated API) are deliberately not mounted."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("articles.urls")),
    path("comments/", include("comments.urls")),
    path("moderation/", include("moderation.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
