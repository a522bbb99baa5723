from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from comments.signals import comment_screening, comment_submitted

        from . import receivers
        from .signals import comment_status_changed

        comment_submitted.connect(receivers.on_comment_submitted, dispatch_uid="moderation.score")
        comment_screening.connect(receivers.on_comment_screening, dispatch_uid="moderation.bans")
        comment_status_changed.connect(
            receivers.on_comment_status_changed, dispatch_uid="moderation.held_digest"
        )
