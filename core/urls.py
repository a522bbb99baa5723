"""URLs reversed once: a page names the same few routes for every reader."""

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse

# Every page reverses the same few URLs: a tenth of a comment section's time. Kept by what
# reverse() reads besides its arguments: the script prefix and the URL patterns (a test may
# swap them).
_reversed: dict[tuple, str] = {}


def url_reversed(name: str, *args) -> str:
    """reverse(name, args=args), reversed once."""
    key = (name, args, get_script_prefix(), get_resolver(get_urlconf()))
    url = _reversed.get(key)
    if url is None:
        if len(_reversed) >= 1024:
            _reversed.clear()
        url = _reversed[key] = reverse(name, args=args)
    return url
