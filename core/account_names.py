"""The names accounts are known by on the site: the username, and the display name their
comments show; folded (core.text.name_skeleton) so that a name reading as an account's is
found in one indexed query (core.models.NameSkeleton)."""

import functools

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_comments.abstracts import CommentAbstractModel

from .db import CompiledValues
from .text import name_skeleton, one_line

# A comment keeps the name it is posted under in a column this long (django_comments'):
# a username (an account without a display name posts under it) or a display name must fit
# it whole.
COMMENT_NAME_MAX_LENGTH = CommentAbstractModel._meta.get_field("user_name").max_length


LOOKALIKE_USERNAME = _(
    "This username looks the same as one already taken (letters of another alphabet, "
    "full-width or in another case read alike). Choose another."
)


NAME_SHOWN_BY_ANOTHER = _(
    "Another registered reader's comments are shown under a name that reads as this "
    "username. Choose another."
)


def username_lookalike_taken(username: str) -> bool:
    """Whether an account's username reads as this one (core.text.name_skeleton)."""
    from .models import NameSkeleton

    return NameSkeleton.objects.filter(skeleton=name_skeleton(username)).exists()


def account_comment_name(user: AbstractBaseUser) -> str:
    """The name an account's comments are posted under: its display name, else its username."""
    return (user.get_full_name() or user.get_username())[:COMMENT_NAME_MAX_LENGTH]


def comment_name_skeleton(name: str) -> str:
    """A comment name as a reader reads it: as stored (one line), each run of spaces read as
    one, then folded (core.text.name_skeleton)."""
    return name_skeleton(" ".join(one_line(name).split()))


def comment_name_of_account(name: str, *, other_than: int | None = None) -> bool:
    """Whether a comment name reads as an account's (other than account `other_than`): its
    username, or the display name its comments show. One indexed query; none for a name
    that is empty once cleaned."""
    from .models import NameSkeleton

    skeleton = comment_name_skeleton(name)
    if not skeleton:
        return False
    if other_than is None:
        return bool(_accounts_named()(skeleton=skeleton))
    accounts = NameSkeleton.objects.filter(_named(skeleton)).exclude(user_id=other_than)
    return accounts.exists()


def _named(skeleton: str) -> Q:
    return Q(skeleton=skeleton) | Q(display_skeleton=skeleton)


@functools.cache
def _accounts_named() -> CompiledValues:
    """Asked on every guest's post: compiled once (core.db), as building the query cost
    four times what the database takes to answer it."""
    from .models import NameSkeleton

    return CompiledValues(
        lambda skeleton: NameSkeleton.objects.filter(_named(skeleton)).values("pk")[:1],
        skeleton=NameSkeleton._meta.get_field("skeleton"),
    )


# What a saved user may have changed that its skeletons are made of.
SKELETON_SOURCES = frozenset({"username", "first_name", "last_name"})


def username_skeleton_keep(sender, instance, created: bool, update_fields=None, **kwargs) -> None:
    """Keep an account's NameSkeleton as its username or display name is set or changed (a
    receiver of the user model's post_save). A save of other fields (a login's last_login)
    costs nothing."""
    if update_fields is not None and not SKELETON_SOURCES.intersection(update_fields):
        return
    from .models import NameSkeleton

    NameSkeleton.objects.update_or_create(user_id=instance.pk, defaults=account_skeletons(instance))


def account_skeletons(user: AbstractBaseUser) -> dict[str, str]:
    """An account's NameSkeleton fields: its username and display name, folded."""
    get_full_name = getattr(user, "get_full_name", None)
    display_name = get_full_name() if get_full_name is not None else ""
    return {
        "skeleton": name_skeleton(user.get_username()),
        "display_skeleton": display_name_skeleton(display_name),
    }


def display_name_skeleton(display_name: str) -> str:
    """A display name folded as the comments that show it are read (cut as they cut it);
    "" for none."""
    return comment_name_skeleton(display_name[:COMMENT_NAME_MAX_LENGTH])[:600]
