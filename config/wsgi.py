"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()

from articles.page_front import PageFront  # noqa: E402 (needs Django set up)

# A stored shared article page is answered before Django's handler (articles/page_front.py).
application = PageFront(django_application)
