from django import template

from ..forms import FollowForm
from ..models import Follow

register = template.Library()


@register.inclusion_tag("readers/_follow.html", takes_context=True)
def follow_box(context, article):
    """The "Follow this article" box: one button for signed-in readers, an email for guests."""
    request = context["request"]
    user = request.user
    following = (
        user.is_authenticated
        and Follow.objects.filter(article=article, user=user, confirmed_at__isnull=False).exists()
    )
    return {
        "article": article,
        "user": user,
        "following": following,
        "form": FollowForm(),
        "csrf_token": context.get("csrf_token"),
    }
