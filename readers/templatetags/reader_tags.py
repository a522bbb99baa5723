from django import template

from ..forms import FollowForm
from ..selectors import is_following

register = template.Library()


@register.inclusion_tag("readers/_follow.html", takes_context=True)
def follow_box(context, article):
    """The "Follow this article" box: one button for signed-in readers, an email for guests."""
    request = context["request"]
    user = request.user
    return {
        "article": article,
        "user": user,
        "following": is_following(article=article, user=user),
        "form": FollowForm(auto_id="follow-%s"),
        "csrf_token": context.get("csrf_token"),
    }
