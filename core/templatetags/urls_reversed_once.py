"""{% url %} reversed once per set of values (core.urls.url_reversed), for every template:
a page names a dozen routes (header, footer, feeds, forms), and reverse() walked the URL
patterns for each of them on every page a reader is not served from the cache.

Loaded as a builtin after Django's own (config/settings.py), so it takes over the `url`
tag; what it renders is what Django's renders."""

from django import template
from django.template.defaulttags import URLNode, url
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from core.urls import url_reversed

register = template.Library()


class ReversedOnceURLNode(URLNode):
    """Django's URLNode with its reverse() kept (the rest of its render as Django has it)."""

    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        path = ""
        try:
            path = url_reversed(view_name, *args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = path
            return ""
        return conditional_escape(path) if context.autoescape else path


@register.tag(name="url")
def url_reversed_once(parser, token):
    node = url(parser, token)
    return ReversedOnceURLNode(node.view_name, node.args, node.kwargs, node.asvar)
