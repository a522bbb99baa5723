"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()

if settings.CELERY_TASK_ALWAYS_EAGER:
    # Comments are scored in the request (the embedded default): the model is made ready
    # as the server starts, not on its first reader's comment.
    from moderation.model_cache import spam_model_libraries_load

    spam_model_libraries_load()

    # No beat either: this process runs beat's schedule itself.
    from core.embedded_beat import beat_embedded_start

    beat_embedded_start()

from articles.page_front import PageFront  # noqa: E402 (needs Django set up)

# A stored shared article page is answered before Django's handler (articles/page_front.py).
application = PageFront(django_application)
