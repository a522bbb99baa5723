"""Comment text to sanitized HTML: a small Markdown subset, bare URLs autolinked.

Readers get paragraphs and line breaks, *emphasis*, **strong**, [links](https://...),
> quotes and `inline code`. Raw HTML is escaped rather than passed through, block
constructs outside the subset are left as text, and nh3 sanitizes whatever Markdown
produced, so `javascript:` and `data:` links and event handlers never reach a page.
"""

import threading
import xml.etree.ElementTree as etree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

COMMENT_TAGS = {"a", "p", "br", "em", "strong", "code", "pre", "blockquote"}
COMMENT_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
COMMENTER_LINK_REL = "nofollow ugc noopener"

# A bare http(s) URL; trailing punctuation is left out of the link.
BARE_URL_PATTERN = r"""(?<![\w/:="'(\[<])(https?://[^\s<>"'`]+[^\s<>"'`.,;:!?)\]}])"""


class _BareUrlProcessor(InlineProcessor):
    ANCESTOR_EXCLUDES = ("a",)

    def handleMatch(self, m, data):
        link = etree.Element("a")
        link.set("href", m.group(1))
        link.text = m.group(1)
        return link, m.start(0), m.end(0)


class _CommentSubsetExtension(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        for name in ("hashheader", "setextheader", "hr", "olist", "ulist"):
            md.parser.blockprocessors.deregister(name)
        for name in ("image_link", "image_reference", "short_image_ref"):
            md.inlinePatterns.deregister(name)
        md.inlinePatterns.register(_BareUrlProcessor(BARE_URL_PATTERN, md), "bare_url", 95)


_local = threading.local()


def _markdown() -> markdown.Markdown:
    md = getattr(_local, "md", None)
    if md is None:
        md = markdown.Markdown(
            extensions=[_CommentSubsetExtension(), "nl2br"], output_format="html"
        )
        _local.md = md
    return md


def comment_to_safe_html(text: str) -> str:
    """Render a comment's text to HTML that is safe to insert into a page."""
    md = _markdown()
    try:
        html = md.convert(text or "")
    finally:
        md.reset()
    return nh3.clean(
        html,
        tags=COMMENT_TAGS,
        attributes=COMMENT_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=COMMENTER_LINK_REL,
        strip_comments=True,
    )
