"""URLs reversed once: a page names the same few routes for every reader."""

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse

# Every page reverses the same few URLs: a tenth of a comment section's time. Kept by what
# reverse() reads besides its arguments: the script prefix and the URL patterns (a test may
# swap them).
_reversed: dict[tuple, str] = {}


def url_reversed(name: str, *args, kwargs: dict | None = None, current_app=None) -> str:
    """reverse(name, args=args, kwargs=kwargs, current_app=current_app), reversed once per
    set of values (every time, for values that cannot be a key)."""
    named = tuple(sorted(kwargs.items())) if kwargs else ()
    key = (name, args, named, current_app, get_script_prefix(), get_resolver(get_urlconf()))
    try:
        url = _reversed.get(key)
    except TypeError:  # an unhashable value
        return reverse(name, args=args, kwargs=kwargs, current_app=current_app)
    if url is None:
        if len(_reversed) >= 1024:
            _reversed.clear()
        url = _reversed[key] = reverse(name, args=args, kwargs=kwargs, current_app=current_app)
    return url
