"""English pages without a chain of empty English catalogs behind every string.

Django builds a language's catalog from every app's .mo files, and for a language with a
country (the site's en-gb) gettext chains each app's country-less catalog (en) behind it as
a fallback. A string the catalog does not hold, which in the site's own English is nearly
every string, walks that chain before it comes back unchanged: eight misses and calls per
gettext(), three times one lookup's cost, some fifty times an article page. Folding the
chain into the catalog answers the same with one lookup: a string the catalog holds keeps
its own translation, one only a fallback holds gets the fallback's, as the chain gave it.
"""

import gettext

from django.conf import settings
from django.utils.translation import trans_real

# Plural rules are compared on these counts before a fallback's plurals are folded.
COUNTS = range(200)


def catalogs_fold() -> None:
    """Fold the fallbacks of every language the site offers (call once apps are ready)."""
    for code, _ in settings.LANGUAGES:
        translation_fold(trans_real.translation(code))


def translation_fold(translation) -> int:
    """Fold `translation`'s plain gettext fallbacks into its catalog, in chain order, while
    they count plurals as it does; returns how many were folded. Another language's
    catalog (Django chains the default language behind the others) is left in place."""
    catalog, folded = translation._catalog, 0
    while type(fallback := translation._fallback) is gettext.GNUTranslations:
        if any(fallback.plural(n) != translation.plural(n) for n in COUNTS):
            break
        for key, value in fallback._catalog.items():
            if key not in catalog:
                catalog[key] = value
        translation._fallback = fallback._fallback
        folded += 1
    return folded
