"""The site's URL patterns under /elsewhere/ (tests/core/test_urls.py)."""

from django.urls import include, path

urlpatterns = [path("elsewhere/", include("config.urls"))]
