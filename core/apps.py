from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Parley core")

    def ready(self) -> None:
        from django.apps import apps
        from django.contrib.auth import get_user_model
        from django.core import checks
        from django.core.signals import request_finished
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, post_save

        from . import checks as parley_checks
        from .account_names import username_skeleton_keep
        from .accounts import confirmation_limit_install
        from .backends.sqlite3.base import wal_checkpoint_when_due
        from .fold import sqlite_fold_add
        from .sites import site_sync
        from .translations import catalogs_fold

        checks.register(parley_checks.site_url_check, checks.Tags.security)
        checks.register(parley_checks.hash_key_check, checks.Tags.security)
        # After the sites app's own receiver, which makes the example.com record.
        post_migrate.connect(
            site_sync, sender=apps.get_app_config("sites"), dispatch_uid="core.site_sync"
        )
        post_migrate.connect(_groups_ensure, dispatch_uid="core.groups_ensure")
        connection_created.connect(sqlite_fold_add, dispatch_uid="core.sqlite_fold_add")
        request_finished.connect(wal_checkpoint_when_due, dispatch_uid="core.wal_checkpoint")
        post_save.connect(
            username_skeleton_keep, sender=get_user_model(), dispatch_uid="core.skeleton_keep"
        )
        catalogs_fold()
        confirmation_limit_install()


def _groups_ensure(sender, **kwargs) -> None:
    # The groups' permissions belong to several apps, and each app's permissions are made
    # by its own post_migrate: wait for the last app's.
    from django.apps import apps

    from .roles import groups_ensure

    if sender is list(apps.get_app_configs())[-1]:
        groups_ensure()
