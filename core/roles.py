"""Who may do what: the site's two roles, each defined once.

A moderator holds `django_comments.can_moderate` (the Moderators group grants it, a
superuser has every permission); an author holds `articles.add_article` (the Authors group
grants it). Views, templates, badges and the moderators' emails all ask here, so a role given
by any route (the group, another group, the user directly) counts everywhere alike.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .http import form_page
from .kept_post import post_keep, post_keeps
from .ratelimit import rate_limited

AUTHORS_GROUP = "Authors"
MODERATORS_GROUP = "Moderators"
MODERATE_PERMISSION = ("django_comments", "can_moderate")
WRITE_PERMISSION = ("articles", "add_article")

GROUP_PERMISSIONS = {
    AUTHORS_GROUP: [
        WRITE_PERMISSION,
        ("articles", "change_article"),
        ("articles", "view_article"),
        ("articles", "add_articleupdate"),
        ("articles", "change_articleupdate"),
        ("articles", "view_articleupdate"),
        ("articles", "delete_articleupdate"),
    ],
    MODERATORS_GROUP: [
        MODERATE_PERMISSION,
        ("comments", "view_comment"),
        ("moderation", "view_moderationevent"),
    ],
}


def _holds(user, permission: tuple[str, str]) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm(".".join(permission))
    )


def is_moderator(user) -> bool:
    """Whether `user` may work the moderation queue."""
    return _holds(user, MODERATE_PERMISSION)


def is_author(user) -> bool:
    """Whether `user` may use the author area and write articles."""
    return _holds(user, WRITE_PERMISSION)


def moderator_users() -> QuerySet[AbstractBaseUser]:
    """Active moderators, by any route to the permission (one query when evaluated)."""
    return _users_holding(MODERATE_PERMISSION)


def author_users() -> QuerySet[AbstractBaseUser]:
    """Active authors, by any route to the permission (one query when evaluated)."""
    return _users_holding(WRITE_PERMISSION)


def _users_holding(permission: tuple[str, str]) -> QuerySet[AbstractBaseUser]:
    """The active users `_holds` says hold `permission`, as one query."""
    app_label, codename = permission
    by_group = Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    )
    direct = Q(
        user_permissions__codename=codename,
        user_permissions__content_type__app_label=app_label,
    )
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(Q(is_superuser=True) | by_group | direct).distinct()


def role_required(check: Callable[[AbstractBaseUser], bool], refusal: str | Promise):
    """A view decorator: anonymous users are sent to log in, signed-in users for whom
    `check` fails get a 403 that says `refusal` (lazy: in the reader's language)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                return _login_first(request, keeps=post_keeps(view))
            if not check(request.user):
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _login_first(request: HttpRequest, *, keeps: bool) -> HttpResponse:
    """Send someone not signed in to log in, back to where they were. A POST (a session that
    ended while its form was open) is not done: they are told so, and where the view gives
    its form back, what they wrote is kept for it. They come back to the page the form was
    on, since the address it posted to may answer nothing else."""
    if request.method != "POST":
        return redirect_to_login(request.get_full_path())
    if keeps and not rate_limited(request, "kept_post") and post_keep(request):
        text = _(
            "You are not logged in, so nothing was saved. Log in, and what you wrote will be "
            "back in the form, ready to save."
        )
    else:
        text = _("You are not logged in, so that was not done. Log in, then try again.")
    messages.warning(request, text)
    return redirect_to_login(form_page(request) or request.get_full_path())


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
