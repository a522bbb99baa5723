"""Bring the shipped catalogues (locale/) up to date with the code: extract every marked
string for each language in settings.LANGUAGES but the source one, then compile them.

The extraction's scope lives here, once: `make messages` runs it in the tree, and
tests/config/test_translations.py runs it in a copy to fail CI on any string a shipped
language has not translated.
"""

import contextlib

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# Not Parley's own words: tooling, tests, benchmarks and collected or installed files.
IGNORED = [".venv", "venv", "tests", "bench", "staticfiles", "node_modules", ".cache", ".uploads"]
DOMAINS = ("django", "djangojs")


def translated_languages() -> list[str]:
    """The shipped languages that need a catalogue (the source language, English, does not)."""
    source = settings.LANGUAGE_CODE.split("-")[0]
    return [code for code, _name in settings.LANGUAGES if code.split("-")[0] != source]


class Command(BaseCommand):
    help = "Extract new strings into locale/<language>/ and compile the catalogues."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-compile", action="store_true", help="Extract only; leave the .mo files."
        )

    def handle(self, *args, no_compile: bool = False, **options):
        languages = translated_languages()
        # Both commands look for sources and locale/ folders from the working directory.
        with contextlib.chdir(settings.BASE_DIR):
            self._update(languages, no_compile=no_compile, verbosity=options["verbosity"])

    def _update(self, languages: list[str], *, no_compile: bool, verbosity: int) -> None:
        for domain in DOMAINS:
            call_command(
                "makemessages",
                locale=languages,
                domain=domain,
                ignore_patterns=IGNORED,
                no_obsolete=True,
                verbosity=verbosity,
            )
        if not no_compile:
            call_command(
                "compilemessages", locale=languages, ignore_patterns=IGNORED,
                verbosity=verbosity,
            )  # fmt: skip
