"""Markdown to sanitized HTML for articles and their updates.

Python-Markdown alone leaves most known XSS payloads live (raw HTML, `javascript:` links), so
its output always goes through nh3's allowlist before it is stored or shown.
"""

import markdown
import nh3

from core.text import paragraphs_from_newlines, strip_control_characters

ARTICLE_TAGS = {
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "br",
    "hr",
    "blockquote",
    "ul",
    "ol",
    "li",
    "em",
    "strong",
    "a",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "dl",
    "dt",
    "dd",
    "sup",
    "sub",
    "abbr",
    "del",
}
ARTICLE_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def markdown_to_safe_html(text: str) -> str:
    """Render an author's Markdown (headings, lists, links, emphasis, quotes) to safe HTML."""
    html = markdown.markdown(
        strip_control_characters(text),
        extensions=["extra", "sane_lists", "smarty"],
        output_format="html",
    )
    return _sanitised(html)


def html_to_safe_article_html(source: str) -> str:
    """An imported post's HTML (WordPress keeps paragraphs as blank lines) through the same
    allowlist as rendered Markdown. Stored as the article's body too: Markdown passes HTML
    blocks through, so a later edit renders it the same."""
    return _sanitised(paragraphs_from_newlines(strip_control_characters(source)))


def _sanitised(html: str) -> str:
    return nh3.clean(
        html,
        tags=ARTICLE_TAGS,
        attributes=ARTICLE_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
    ).strip()
