"""The Sites framework's record kept in step with PARLEY_SITE_URL.

Parley builds its own links from PARLEY_SITE_URL; the record still matters to the libraries
that read it (django-comments, allauth's mail, the admin's "View on site"), and left alone it
says example.com.
"""

from urllib.parse import urlsplit

from django.conf import settings


def site_sync(sender=None, **kwargs) -> None:
    """Point the current Site at PARLEY_SITE_URL's host (run after every migrate)."""
    from django.contrib.sites.models import Site

    domain = urlsplit(settings.PARLEY_SITE_URL).netloc
    if not domain:
        return
    site, created = Site.objects.get_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": "Parley"}
    )
    if not created and site.domain != domain:
        if site.name in ("example.com", site.domain):
            site.name = "Parley"
        site.domain = domain
        site.save(update_fields=["domain", "name"])
