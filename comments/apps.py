from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self) -> None:
        from django.db.models.signals import pre_save
        from django_comments_xtd.models import publish_or_unpublish_on_pre_save

        # xtd copies a comment's visibility onto all its replies on every save, which
        # republishes held replies and skews nested_count. Parley changes visibility only
        # through moderation.services.comment_transition, so the receiver goes.
        pre_save.disconnect(publish_or_unpublish_on_pre_save, sender="comments.Comment")
