from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadersConfig(AppConfig):
    name = "readers"
    verbose_name = _("Readers")

    def ready(self) -> None:
        from allauth.account import signals as account_signals

        from articles.signals import update_published
        from moderation.signals import comment_status_changed

        from . import receivers

        update_published.connect(receivers.on_update_published, dispatch_uid="readers.update")
        comment_status_changed.connect(
            receivers.on_comment_status_changed, dispatch_uid="readers.published"
        )
        for signal in (
            account_signals.email_changed,
            account_signals.email_removed,
            account_signals.email_confirmed,
        ):
            signal.connect(receivers.on_account_address_changed, dispatch_uid="readers.address")
