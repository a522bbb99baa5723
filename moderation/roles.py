"""The site's groups and what they may do."""

from django.contrib.auth.models import Group, Permission

from articles.models import AUTHORS_GROUP
from comments.selectors import MODERATORS_GROUP

GROUP_PERMISSIONS = {
    AUTHORS_GROUP: [
        ("articles", "add_article"),
        ("articles", "change_article"),
        ("articles", "view_article"),
        ("articles", "add_articleupdate"),
        ("articles", "change_articleupdate"),
        ("articles", "view_articleupdate"),
        ("articles", "delete_articleupdate"),
    ],
    MODERATORS_GROUP: [
        ("django_comments", "can_moderate"),
        ("comments", "view_comment"),
        ("moderation", "view_moderationevent"),
    ],
}


def groups_ensure() -> None:
    """Create the Authors and Moderators groups with their permissions (idempotent)."""
    for name, wanted in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            p
            for p in Permission.objects.filter(
                content_type__app_label__in={app for app, _ in wanted}
            ).select_related("content_type")
            if (p.content_type.app_label, p.codename) in set(wanted)
        ]
        group.permissions.add(*permissions)
