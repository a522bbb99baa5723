from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from comments.signals import comment_submitted

        from . import receivers

        comment_submitted.connect(receivers.on_comment_submitted, dispatch_uid="moderation.score")
