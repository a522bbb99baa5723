from django import template

from comments.form_html import field_control_html

from ..forms import FOLLOW_NOTICE_TAG, FollowForm
from ..selectors import is_following

register = template.Library()


@register.inclusion_tag("readers/_follow.html", takes_context=True)
def follow_box(context, article):
    """The "Follow this article" box: one button for signed-in readers, an email for guests."""
    request = context["request"]
    user = request.user
    # Guests type an address; written without Django's widget templates, as the box is on
    # every article page.
    email_input = ""
    if not user.is_authenticated:
        email_input = field_control_html(FollowForm(auto_id="follow-%s")["email"])
    return {
        "article": article,
        "user": user,
        "following": is_following(article=article, user=user),
        "email_input": email_input,
        "csrf_token": context.get("csrf_token"),
        "notices": [
            message
            for message in context.get("messages") or ()
            if FOLLOW_NOTICE_TAG in message.extra_tags.split()
        ],
    }
