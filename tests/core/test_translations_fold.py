"""The site's English answers every string with one catalog lookup (core/translations.py),
and answers exactly as the chain of English catalogs Django builds would."""

import os
import subprocess
import sys

from django.utils.translation import trans_real

from core.translations import translation_fold


def _chain(translation) -> list:
    links, fallback = [], translation._fallback
    while fallback is not None:
        links.append(fallback)
        fallback = fallback._fallback
    return links


def test_the_site_language_walks_no_chain_of_catalogs():
    """As a process starts (here, a new one: tests that override the language settings
    make Django build its catalogs again, unfolded, in this one)."""
    script = (
        "import django; django.setup()\n"
        "from django.utils.translation import trans_real\n"
        "print(trans_real.translation('en-gb')._fallback)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    ran = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert ran.stdout.strip() == "None"


def test_a_folded_catalog_answers_as_the_chain_did():
    chained = trans_real.DjangoTranslation("en-gb")
    links = _chain(chained)
    assert len(links) >= 2  # what Django builds: each app's "en" behind "en-gb"
    # Django's TranslationCatalog has keys() but cannot be iterated.
    keys = {key for link in [chained, *links] for key in link._catalog.keys() if key}  # noqa: SIM118
    singular = sorted(key for key in keys if isinstance(key, str))
    plural = sorted({key[0] for key in keys if isinstance(key, tuple)})
    before = [chained.gettext(key) for key in singular]
    before_plural = [chained.ngettext(key, f"{key} (more)", n) for key in plural for n in (1, 2, 5)]

    assert translation_fold(chained) == len(links)
    assert _chain(chained) == []
    assert [chained.gettext(key) for key in singular] == before
    assert [chained.ngettext(key, f"{key} (more)", n) for key in plural for n in (1, 2, 5)] == (
        before_plural
    )
    assert chained.gettext("A string no catalog holds") == "A string no catalog holds"


def test_another_language_keeps_the_default_language_behind_it():
    german = trans_real.translation("de")
    assert german.gettext("Leave a Reply") != "Leave a Reply"
    assert german.gettext("A string no catalog holds") == "A string no catalog holds"
