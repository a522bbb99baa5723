"""The shipped languages stay complete: CI extracts every marked string from a copy of the
tree, as `make messages` would, and fails on any that a shipped catalogue leaves
untranslated or fuzzy; the compiled catalogues (.mo) must say what their sources (.po) say.

Needs GNU gettext's tools (msgfmt, msgattrib, xgettext), which `.ci/run` installs."""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from core.management.commands.translations_update import DOMAINS, translated_languages

ROOT = Path(__file__).resolve().parents[2]
# What extraction never reads (core.management.commands.translations_update.IGNORED), left
# out of the copy as well so that copying stays quick.
NOT_COPIED = shutil.ignore_patterns(
    ".*", "__pycache__", "venv", "tests", "bench", "staticfiles", "node_modules", "*.sqlite3"
)
MSGID = re.compile(r'^msgid "(.*)"$', re.M)


def catalogue(language: str, domain: str, root: Path = ROOT) -> Path:
    return root / "locale" / language / "LC_MESSAGES" / f"{domain}.po"


def entries(po: Path, *flags: str) -> list[str]:
    """The msgids msgattrib selects with `flags` from `po`, the header left out."""
    found = subprocess.run(
        ["msgattrib", *flags, "--no-wrap", "--no-location", str(po)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [msgid for msgid in MSGID.findall(found) if msgid]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """A copy of the tree with its catalogues brought up to date by translations_update."""
    copy = tmp_path_factory.mktemp("messages") / "parley"
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED)
    subprocess.run(
        [sys.executable, "manage.py", "translations_update", "--no-compile", "--verbosity=0"],
        cwd=copy, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return copy


def test_the_shipped_languages_are_german_and_ukrainian():
    assert translated_languages() == ["de", "uk"]
    assert settings.LANGUAGE_CODE == "en-gb"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", ["de", "uk"])
def test_every_string_is_translated(extracted, language, domain):
    """Nothing marked for translation is missing or fuzzy in a shipped catalogue; run
    `make messages` and translate what this names."""
    po = catalogue(language, domain, extracted)
    assert po.exists(), f"{po.relative_to(extracted)} is missing"
    assert len(MSGID.findall(po.read_text())) > 10, "extraction found Parley's strings"
    assert entries(po, "--untranslated") == []
    assert entries(po, "--only-fuzzy") == []


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", ["de", "uk"])
def test_the_compiled_catalogues_match_their_sources(tmp_path, language, domain):
    po = catalogue(language, domain)
    mo = po.with_suffix(".mo")
    fresh = tmp_path / "fresh.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(po)], check=True)
    with mo.open("rb") as shipped, fresh.open("rb") as compiled:
        assert gettext.GNUTranslations(shipped)._catalog == (
            gettext.GNUTranslations(compiled)._catalog
        ), f"{mo.relative_to(ROOT)} is stale: run `make messages`"
