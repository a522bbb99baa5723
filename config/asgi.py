"""ASGI entry point: the live streams (comments/live_asgi.py) beside the Django application."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_asgi_application()

from comments.live_asgi import live_streams_beside  # noqa: E402 (needs Django set up)

application = live_streams_beside(django_application)
