from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Parley core"

    def ready(self) -> None:
        from django.core import checks
        from django.db.models.signals import post_migrate

        from . import checks as parley_checks
        from .sites import site_sync

        checks.register(parley_checks.site_url_check, checks.Tags.security)
        post_migrate.connect(site_sync, sender=self, dispatch_uid="core.site_sync")
