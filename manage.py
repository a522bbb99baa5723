#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reads the environment (config/settings.py)
    except ImproperlyConfigured as error:
        # A site owner's typo in the environment: the sentence naming it, not a traceback.
        sys.exit(f"Parley's configuration is wrong: {error}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
