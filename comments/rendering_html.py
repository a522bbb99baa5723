"""Comments that arrive as HTML (imports from WordPress and Disqus): sanitised with exactly
the allowlist posted comments get, and turned into the Markdown subset a reader would have
typed, which is what Parley stores as the comment's words (search, the scorer and staff
edits work on those)."""

import html
import re

from core.text import paragraphs_from_newlines, paragraphs_split

from .rendering import comment_html_clean

# The sanitiser's output is well formed with quoted attributes, so a token pattern is enough.
_TOKEN = re.compile(r"<(/?)([a-z]+)((?:\s+[a-z-]+=\"[^\"]*\")*)\s*/?>|([^<]+)")
_HREF = re.compile(r'href="([^"]*)"')
_BLANK_RUNS = re.compile(r"\n{3,}")
_INLINE_MARKS = {"em": "*", "strong": "**", "code": "`"}
CODE_INDENT = "    "


# Text with none of these is no markup at all: the sanitiser would return it unchanged.
_MARKUP = re.compile("[<>&\xa0]")
# WordPress's comment allowlist has <b> and <i> beside <strong> and <em>, and commenters use
# them most; the allowlist here has only the latter, which would strip the emphasis and
# keep the words. Renamed first, so imported bold and italics stay (as ** and *).
_OLD_EMPHASIS = re.compile(r"<(/?)(b|i)(?=[\s/>])", re.IGNORECASE)
_EMPHASIS_NAMES = {"b": "strong", "i": "em"}


def html_sanitise(source: str) -> str:
    """Imported comment HTML as safe HTML for the page: the posted comments' allowlist, so
    scripts, handlers and foreign schemes go and links keep their text."""
    wrapped = paragraphs_from_newlines(source)
    if not _MARKUP.search(source):
        return wrapped  # most comments are plain words: a hundred thousand of them add up
    wrapped = _OLD_EMPHASIS.sub(
        lambda found: f"<{found[1]}{_EMPHASIS_NAMES[found[2].lower()]}", wrapped
    )
    return comment_html_clean(wrapped)


def html_to_comment_text(safe_html: str) -> str:
    """The Markdown-subset words behind sanitised comment HTML: paragraphs as blank lines,
    links as [text](address), emphasis and quotes marked as a reader types them."""
    out: list[str] = []
    link_stack: list[tuple[int, str]] = []
    quote_depth = 0
    # Words inside a quote but in no <p> of it (WordPress commenters write "<blockquote>you
    # said</blockquote>my reply") start a quoted paragraph of their own when they come.
    quote_unmarked = False
    # Inside <pre> the lines are kept, each indented as Markdown's code block is.
    in_code = False
    starts_with_code = None  # whether the first words are code (their indent must stay)
    for closing, tag, attrs, text in _TOKEN.findall(safe_html):
        if text and in_code:
            code = html.unescape(text)
            out.append(code.replace("\n", "\n" + "> " * quote_depth + CODE_INDENT))
            if starts_with_code is None and code.strip():
                starts_with_code = True
        elif text:
            # A newline inside HTML text is a space; line breaks are <br>.
            words = html.unescape(text).replace("\n", " ")
            if quote_unmarked and words.strip():
                out.append("\n\n" + "> " * quote_depth)
                quote_unmarked = False
            if starts_with_code is None and words.strip():
                starts_with_code = False
            out.append(words)
        elif tag == "pre":
            in_code = not closing
            out.append("\n\n" + ("> " * quote_depth + CODE_INDENT if not closing else ""))
            quote_unmarked = bool(closing and quote_depth)
        elif tag == "p":
            out.append("\n\n" + ("> " * quote_depth if not closing else ""))
            quote_unmarked = bool(closing and quote_depth)
        elif tag == "br":
            out.append("\n" + "> " * quote_depth)
            quote_unmarked = False
        elif tag == "blockquote":
            quote_depth = max(quote_depth + (-1 if closing else 1), 0)
            quote_unmarked = quote_depth > 0
            if not quote_depth:
                out.append("\n\n")  # what follows the quote is a paragraph of its own
        elif tag in _INLINE_MARKS and not in_code:
            out.append(_INLINE_MARKS[tag])
        elif tag == "a" and not closing:
            href = _HREF.search(attrs)
            link_stack.append((len(out), html.unescape(href.group(1)) if href else ""))
        elif tag == "a" and link_stack:
            start, href = link_stack.pop()
            label = "".join(out[start:])
            del out[start:]
            out.append(label if not href or label == href else f"[{label}]({href})")
    text = "".join(out)
    lines = [line.rstrip() for line in text.split("\n")]
    text = _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n").rstrip()
    return text if starts_with_code else text.lstrip()


def html_to_comment_parts(source: str) -> tuple[str, str]:
    """(safe HTML, Markdown words) for imported comment HTML: html_sanitise, then
    html_to_comment_text, except that plain words (most comments) take a shortcut that
    gives the same two strings without parsing anything."""
    if _MARKUP.search(source):
        safe_html = html_sanitise(source)
        return safe_html, html_to_comment_text(safe_html)
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    parts = paragraphs_split(text)
    safe_html = paragraphs_from_newlines(text)
    lines = [line.rstrip() for line in "\n\n".join(parts).split("\n")]
    return safe_html, _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()
