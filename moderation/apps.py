from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from celery.signals import task_postrun, task_prerun
        from django.core.signals import request_finished, request_started

        from comments.signals import comment_submitted

        from . import receivers
        from .cached import (
            held_end,
            held_request_start,
            held_start,
            screening_forget,
            webhooks_forget,
        )
        from .models import Ban, ModerationRules, Webhook
        from .signals import comment_status_changed

        comment_submitted.connect(receivers.on_comment_submitted, dispatch_uid="moderation.score")
        # Whatever changes the rules or a ban (services, admin, a cascade) drops the copy
        # every post reads.
        for model in (Ban, ModerationRules):
            for signal in (post_save, post_delete):
                signal.connect(
                    screening_forget, sender=model, dispatch_uid=f"forget.{model.__name__}"
                )
        for signal in (post_save, post_delete):
            signal.connect(webhooks_forget, sender=Webhook, dispatch_uid="forget.Webhook")
        # A request or task reads each of them from the cache once.
        request_started.connect(held_request_start, dispatch_uid="held.request_started")
        request_finished.connect(held_end, dispatch_uid="held.request_finished")
        task_prerun.connect(held_start, dispatch_uid="held.task_prerun")
        task_postrun.connect(held_end, dispatch_uid="held.task_postrun")
        # Webhooks hear of held and published comments like readers do: after the commit.
        comment_status_changed.connect(
            receivers.on_comment_status_changed, dispatch_uid="moderation.webhooks"
        )
        # Open article pages hear of it through the live stream (comments/live.py).
        comment_status_changed.connect(
            receivers.on_comment_status_changed_live, dispatch_uid="moderation.live"
        )
