"""Comment text to sanitized HTML: a small Markdown subset, bare URLs autolinked.

Readers get paragraphs and line breaks, *emphasis*, **strong**, [links](https://...),
> quotes and `inline code`. Raw HTML is escaped rather than passed through, block
constructs outside the subset are left as text, and nh3 sanitizes whatever Markdown
produced, so `javascript:` and `data:` links and event handlers never reach a page.
"""

import re
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

# Inline patterns that only a character of theirs can set off. A text without any of these
# signs is parsed with the others left out: the parser tries every pattern at every step in
# Python, so a comment with a little emphasis parsed in half the time. Tabs count, since the
# parser turns them into the spaces of a line break ("  \n").
SIGNED_PATTERNS = (
    "backtick", "escape", "reference", "link", "short_reference", "autolink", "automail",
    "linebreak", "bare_url", "entity",
)  # fmt: skip
PATTERN_SIGNS = re.compile(r"[`\\\[<&\t]| \n|://")


def _markdown(*, lean: bool = False) -> markdown.Markdown:
    name = "lean_md" if lean else "md"
    md = getattr(_local, name, None)
    if md is None:
        md = markdown.Markdown(
            extensions=[_CommentSubsetExtension(), "nl2br"], output_format="html"
        )
        if lean:
            for pattern in SIGNED_PATTERNS:
                md.inlinePatterns.deregister(pattern)
        setattr(_local, name, md)
    return md


# Python-Markdown slows down on long runs of its own syntax: 3,000 "[" took 2 s. A comment
# keeps its first MAX_LINKS link openers (closed within MAX_LINK_TEXT characters) and
# MAX_EMPHASIS emphasis marks, and quotes nest at most MAX_QUOTE_DEPTH deep; the rest become
# stand-ins from Unicode's private use area, absent from the text, that the parser passes
# over as plain letters and that are turned back into the characters typed once it is done.
# No reader's comment needs more, and every accepted comment then renders in well under
# 50 ms (bench/markdown_render.py).
MAX_LINKS = 50
MAX_LINK_TEXT = 300
MAX_EMPHASIS = 200
MAX_QUOTE_DEPTH = 4
QUOTE_RUN = re.compile(rf"^((?:[ \t]*>){{{MAX_QUOTE_DEPTH}}})((?:[ \t]*>)+)", re.MULTILINE)
MARKS = "[*_>"
PRIVATE_USE = (*range(0xE000, 0xF8FF - 3, 4), *range(0xF0000, 0xFFFFD - 3, 4))
# Text with none of Markdown's characters, no web address, no space at either end of a line
# and no whitespace but spaces and newlines renders to paragraphs and line breaks; saying so
# directly skips the parser. (The parser strips a paragraph of other whitespace, such as
# no-break spaces, as Python's str.strip does: those texts go through it.)
MARKDOWN_SIGNS = re.compile(r"[*_\[\]()<>&`\\!#\x02\x03]|[^\S \n]|://|www\.|^ | $", re.MULTILINE)


# Emphasis alone, as many comments have it: a text whose only Markdown is words or phrases
# between single asterisks ("I *really* do (twice)!") renders as the parser renders it, <em>
# in the paragraphs of _plain_html, without the parser (0.1 ms of a post's 3.5).
# Parentheses and "!" are signs only after a "[" (links and images), which this still refuses.
SIGNS_BUT_EMPHASIS = re.compile(r"[_\[\]<>&`\\#\x02\x03]|[^\S \n]|://|www\.|^ | $", re.MULTILINE)
EMPHASISED = re.compile(r"(?<![*\w])\*([^\W_]+(?: [^\W_]+)*)\*(?![*\w])")


def _emphasis_only_html(text: str) -> str | None:
    """The parser's HTML for a text whose only signs are emphasised words, else None."""
    if SIGNS_BUT_EMPHASIS.search(text):
        return None
    marked = EMPHASISED.sub(r"<em>\1</em>", text)
    return None if "*" in marked else _plain_html(marked)


def _stand_ins(text: str) -> dict[str, str] | None:
    """One private-use character per mark, none of them in the text."""
    present = set(text)
    for base in PRIVATE_USE:
        stand_ins = {mark: chr(base + n) for n, mark in enumerate(MARKS)}
        if present.isdisjoint(stand_ins.values()):
            return stand_ins
    return None


def _link_openers_made_literal(text: str, stand_in: str) -> str:
    """Every "[" but the first MAX_LINKS closed within MAX_LINK_TEXT characters, made literal.

    The parser looks for a "["'s end through the rest of the paragraph, once per "[", and a
    "[" with no "]" after it shows as typed anyway."""
    closed: list[int] = []
    open_at: list[int] = []
    for at, char in enumerate(text):
        if char == "[":
            open_at.append(at)
        elif char == "]" and open_at:
            opened = open_at.pop()
            if at - opened <= MAX_LINK_TEXT:
                closed.append(opened)
    keep = set(sorted(closed)[:MAX_LINKS])
    return "".join(
        stand_in if char == "[" and at not in keep else char for at, char in enumerate(text)
    )


def _tamed(text: str, stand_ins: dict[str, str]) -> str:
    """The text with syntax beyond the limits above replaced by stand-ins."""
    text = QUOTE_RUN.sub(lambda m: m.group(1) + m.group(2).replace(">", stand_ins[">"]), text)
    if text.count("[") > MAX_LINKS:
        text = _link_openers_made_literal(text, stand_ins["["])
    for mark in ("*", "_"):
        if text.count(mark) > MAX_EMPHASIS:
            parts = text.split(mark)
            kept, beyond = parts[: MAX_EMPHASIS + 1], parts[MAX_EMPHASIS + 1 :]
            text = mark.join(kept) + "".join(stand_ins[mark] + part for part in beyond)
    return text


def _markdown_html(text: str) -> str:
    stand_ins = _stand_ins(text)
    text = _tamed(text, stand_ins) if stand_ins else text
    md = _markdown(lean=PATTERN_SIGNS.search(text) is None)
    try:
        html = md.convert(text)
    finally:
        md.reset()
    for mark, stand_in in (stand_ins or {}).items():
        html = html.replace(stand_in, "&gt;" if mark == ">" else mark)
    return html


def _plain_html(text: str) -> str:
    """What Markdown makes of text without any of its signs: paragraphs split at blank
    lines, line breaks inside them."""
    paragraphs = re.split(r"\n\n+", text.strip("\n"))
    return "\n".join(f"<p>{p.replace(chr(10), '<br>' + chr(10))}</p>" for p in paragraphs if p)


def comment_to_safe_html(text: str) -> str:
    """Render a comment's text to HTML that is safe to insert into a page."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not MARKDOWN_SIGNS.search(text):
        html = _plain_html(text)
    else:
        html = _emphasis_only_html(text) or _markdown_html(text)
    return comment_html_clean(html)


# Built once: nh3.clean() builds a sanitiser from its arguments on every call, which was
# half the cost of cleaning a comment (12 µs against 5 for a bench.peers text).
_COMMENT_CLEANER = nh3.Cleaner(
    tags=COMMENT_TAGS,
    attributes=COMMENT_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel=COMMENTER_LINK_REL,
    strip_comments=True,
)


def comment_html_clean(html: str) -> str:
    """HTML cut down to what a comment may hold: the allowlisted tags and attributes, links
    with the commenter's rel and allowed schemes, no HTML comments."""
    return _COMMENT_CLEANER.clean(html)
