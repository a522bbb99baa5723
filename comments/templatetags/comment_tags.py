from django import template

from .. import selectors
from ..views import comment_section_context

register = template.Library()


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comment_section(context, article):
    """Render an article's comment section: thread page, pagination and the reply form."""
    section = comment_section_context(
        context["request"],
        article,
        form=context.get("comment_form"),
        notice=context.get("comment_notice", ""),
    )
    section["csrf_token"] = context.get("csrf_token")
    return section


@register.simple_tag
def published_comment_counts(articles):
    """Published comment counts for a list of articles, in one query: {article_id: n}."""
    return selectors.published_counts([article.pk for article in articles])


@register.filter
def count_for(counts: dict, article_id: int) -> int:
    return counts.get(article_id, 0)
