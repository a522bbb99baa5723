from django import template

from comments.form_html import field_control_html

from ..forms import FollowForm
from ..selectors import is_following

register = template.Library()


@register.inclusion_tag("readers/_follow.html", takes_context=True)
def follow_box(context, article):
    """The "Follow this article" box: one button for signed-in readers, an email for guests."""
    request = context["request"]
    user = request.user
    form = FollowForm(auto_id="follow-%s")
    return {
        "article": article,
        "user": user,
        "following": is_following(article=article, user=user),
        # Without Django's widget templates: the box is on every article page.
        "email_input": field_control_html(form["email"]),
        "csrf_token": context.get("csrf_token"),
    }
