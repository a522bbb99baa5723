import re
from html import unescape
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles.rendering import markdown_to_safe_html
from comments.rendering import (
    COMMENT_TAGS,
    MAX_EMPHASIS,
    MAX_LINKS,
    MAX_QUOTE_DEPTH,
    comment_to_safe_html,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain words", "<p>plain words</p>"),
        ("*soft* and **strong**", "<p><em>soft</em> and <strong>strong</strong></p>"),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        ("use `x < y`", "<p>use <code>x &lt; y</code></p>"),
        ("first\nsecond", "<p>first<br>\nsecond</p>"),
    ],
)
def test_comment_markdown_subset_renders(text, expected):
    """Paragraphs, emphasis, quotes, inline code and line breaks render as HTML."""
    assert comment_to_safe_html(text) == expected


def test_bare_urls_are_autolinked_with_ugc_rel():
    """A bare URL becomes a nofollow/ugc link; trailing punctuation stays outside it."""
    html = comment_to_safe_html("See https://example.com/page?a=1.")
    assert '<a href="https://example.com/page?a=1" rel="nofollow ugc noopener">' in html
    assert html.endswith("</a>.</p>")


def test_markdown_links_get_ugc_rel_and_are_not_double_linked():
    """A Markdown link whose text is a URL stays a single link."""
    html = comment_to_safe_html("[https://example.com](https://example.com)")
    assert html.count("<a ") == 1
    assert 'rel="nofollow ugc noopener"' in html


class _MarkupAudit(HTMLParser):
    """Collect every tag, attribute and link target an HTML fragment really contains."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.hrefs: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            self.attributes.add(name)
            if name == "href":
                self.hrefs.append(value or "")


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<a href="javascript:alert(1)">x</a>',
        "<svg onload=alert(1)>",
        "![x](javascript:alert(1))",
        '<iframe src="https://evil.example"></iframe>',
        "<details open ontoggle=alert(1)>",
        '[x](https://ok.example "title" onmouseover="alert(1)")',
        "[x](&#106;avascript:alert(1))",
        '<http://x.example/"onmouseover="alert(1)>',
    ],
)
def test_hostile_comment_text_is_neutralised(payload):
    """Only allowlisted tags and attributes survive, and links are http(s) or mailto."""
    audit = _MarkupAudit(comment_to_safe_html(payload))
    assert audit.tags <= COMMENT_TAGS
    assert audit.attributes <= {"href", "title", "rel"}
    assert all(href.lower().startswith(("http://", "https://", "mailto:")) for href in audit.hrefs)


def test_comment_subset_leaves_headings_lists_and_images_as_text():
    """Constructs outside the subset stay visible as text instead of becoming markup."""
    html = comment_to_safe_html("# Title\n\n1. one\n2. two\n\n![alt](https://x.example/i.png)")
    assert "<h1" not in html and "<ol" not in html and "<img" not in html
    assert "# Title" in html and "1. one" in html


def test_article_markdown_keeps_structure_and_strips_scripts():
    """Articles keep headings, lists, links and quotes; scripts and handlers are removed."""
    html = markdown_to_safe_html(
        "## Section\n\n- one\n- two\n\n1. first\n\n> quote\n\n[link](https://example.com)\n\n"
        '<script>alert(1)</script><p onclick="alert(1)">para</p>[bad](javascript:alert(1))'
    )
    for tag in ("<h2>", "<ul>", "<ol>", "<li>", "<blockquote>", '<a href="https://example.com"'):
        assert tag in html
    audit = _MarkupAudit(html)
    assert "script" not in audit.tags
    assert "onclick" not in audit.attributes
    assert all(href.startswith("https://") for href in audit.hrefs)


def _through_the_parser(text: str) -> str:
    from comments import rendering

    md = rendering._markdown()
    try:
        # Line endings as comment_to_safe_html reads them.
        html = md.convert(text.replace("\r\n", "\n").replace("\r", "\n"))
    finally:
        md.reset()
    return rendering.nh3.clean(
        html,
        tags=rendering.COMMENT_TAGS,
        attributes=rendering.COMMENT_ATTRIBUTES,
        url_schemes=rendering.URL_SCHEMES,
        link_rel=rendering.COMMENTER_LINK_REL,
        strip_comments=True,
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.sampled_from(
            [*list("ab cé.,;:'\"-+=1?\n\t\r{}|~^$%@/"), "\xa0", "\u2003", "\u3000", "\x0b", "\x0c"]
        ),
        max_size=80,
    )
)
@example("\u00a0")
@example("one\n\u2003\ntwo")
@example("one\n\ntwo\n   \nthree  \nfour")
@example("  indented\nnot")
@example("- dash\n+ plus\n1. one\n===")
def test_plain_text_renders_as_the_parser_would(text):
    """The shortcut for text without Markdown signs gives the parser's exact output."""
    assert comment_to_safe_html(text) == _through_the_parser(text)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("ab c*_*_>-+#=1.!()]{}\n\r\u00a0")), max_size=90))
@example("some *emphasis* and **strong** words\nnext line\n\n> a quote with _more_")
@example("    indented code *not emphasis*\n\nafter")
@example("***both*** and __strong__ and snake_case_word")
def test_text_with_no_link_or_code_signs_renders_as_the_whole_parser_would(text):
    """The parser without the patterns only `[`, `<`, `&`, backticks, backslashes, web
    addresses or line-break spaces set off gives the whole parser's output."""
    assert comment_to_safe_html(text) == _through_the_parser(text)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("ab é1*** .,'()!\n\n\u00a0")), max_size=90))
@example("Some *thread* words.\n\nAnother *two words* here, *1999* and *ünïcödé*!")
@example("*start* of a line\nand *end*")
@example("*a* *b* *c*")
@example("x *y*z and *a*b* and **strong** and * spaced * and *a  b*")
@example("(*aside*) and *shout*! (0.1.2)")
@example("!(*a*)(b)")
def test_text_whose_only_signs_are_emphasis_renders_as_the_parser_would(text):
    """The shortcut for emphasised words alone (no other sign) gives the parser's output."""
    assert comment_to_safe_html(text) == _through_the_parser(text)


def test_emphasised_words_alone_need_no_parser(monkeypatch):
    from comments import rendering

    def refused(**kwargs):
        raise AssertionError("the Markdown parser was used")

    text = "Readers said *thread* (twice)!\n\nThen *two words* and *1999* on a line\nof its own."
    expected = _through_the_parser(text)
    monkeypatch.setattr(rendering, "_markdown", refused)
    assert comment_to_safe_html(text) == expected
    assert "<em>two words</em>" in expected and "<br>" in expected
    with pytest.raises(AssertionError, match="parser"):
        comment_to_safe_html("*emphasis* and a [link](https://example.org)")


@pytest.mark.parametrize(
    ("text", "marks_the_syntax_may_use"),
    [
        ("[" * 3000, 0),
        ("[[" * 750 + "]]" * 750, 2 * MAX_LINKS),
        ("[](" * 1000, 3 * MAX_LINKS),
        ("\\[" * 1500, 0),
        ("*" * 3000, MAX_EMPHASIS),
        ("_" * 3000, MAX_EMPHASIS),
        ("**_" * 1000, 2 * MAX_EMPHASIS),
        (">" * 3000, MAX_QUOTE_DEPTH),
        ("\n".join(">" * depth for depth in range(1, 77)), 76 * MAX_QUOTE_DEPTH),
    ],
)
def test_runs_of_syntax_past_the_limits_show_as_typed(text, marks_the_syntax_may_use):
    """Syntax past the limits is kept as characters: the reader sees them as typed."""
    html = comment_to_safe_html(text)
    shown = unescape(re.sub(r"<[^>]+>", "", html))
    typed_marks = sum(text.count(mark) for mark in "[]()*_>")
    shown_marks = sum(shown.count(mark) for mark in "[]()*_>")
    assert typed_marks - marks_the_syntax_may_use <= shown_marks <= typed_marks


def test_links_within_the_limit_still_link_past_many_brackets():
    """Fifty links are fifty links; unmatched brackets before them do not use them up."""
    links = " ".join(f"[{n}](https://example.com/{n})" for n in range(MAX_LINKS))
    html = comment_to_safe_html("[" * 500 + " " + links)
    assert html.count("<a ") == MAX_LINKS
    assert "[" * 500 in unescape(html)


def test_quotes_nest_to_the_limit_and_deeper_markers_show():
    html = comment_to_safe_html(">" * (MAX_QUOTE_DEPTH + 3) + " deep")
    assert html.count("<blockquote>") == MAX_QUOTE_DEPTH
    assert "&gt;&gt;&gt; deep" in html


def test_private_use_characters_a_reader_types_are_kept():
    """The renderer's stand-ins never swallow the same characters typed by a reader."""
    text = "icons \ue000\ue001\ue002\ue003 and *emphasis* and `[\ue000]`"
    html = comment_to_safe_html(text)
    assert "<em>emphasis</em>" in html
    assert unescape(re.sub(r"<[^>]+>", "", html)).count("\ue000") == 2
    assert "\ue003" in unescape(html)


def test_syntax_past_the_limits_shows_as_typed_inside_code():
    text = "`" + "[" * 300 + "`"
    assert comment_to_safe_html(text) == "<p><code>" + "[" * 300 + "</code></p>"


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
@settings(max_examples=400, deadline=None)
def test_imported_plain_text_skips_the_sanitiser_only_where_it_would_change_nothing(text):
    """html_sanitise's shortcut for text without markup gives what nh3 gives."""
    import nh3

    from comments.rendering import (
        COMMENT_ATTRIBUTES,
        COMMENT_TAGS,
        COMMENTER_LINK_REL,
        URL_SCHEMES,
    )  # fmt: skip
    from comments.rendering_html import html_sanitise
    from core.text import paragraphs_from_newlines, strip_control_characters

    text = strip_control_characters(text)
    expected = nh3.clean(
        paragraphs_from_newlines(text), tags=COMMENT_TAGS, attributes=COMMENT_ATTRIBUTES,
        url_schemes=URL_SCHEMES, link_rel=COMMENTER_LINK_REL, strip_comments=True,
    )  # fmt: skip
    assert html_sanitise(text) == expected


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
@settings(max_examples=400, deadline=None)
@example("a\n   \nb")
@example("a \n b\n\n\n c  \n")
def test_imported_plain_words_take_a_shortcut_to_the_same_html_and_text(text):
    """html_to_comment_parts' shortcut for text without markup gives what sanitising and
    converting give."""
    from comments.rendering_html import html_sanitise, html_to_comment_parts, html_to_comment_text
    from core.text import strip_control_characters

    text = strip_control_characters(text)
    safe_html = html_sanitise(text)
    assert html_to_comment_parts(text) == (safe_html, html_to_comment_text(safe_html))


@pytest.mark.parametrize(
    ("source", "html", "text"),
    [
        ("<b>Really</b> <i>good</i>", "<p><strong>Really</strong> <em>good</em></p>",
         "**Really** *good*"),
        ('<B class="x" onclick="steal()">Loud</B>', "<p><strong>Loud</strong></p>", "**Loud**"),
        # Other tags that start with the same letters are not emphasis.
        ('<br><iframe src="https://evil.example"></iframe><img src=x>ok',
         "<p><br>ok</p>", "ok"),
    ],
)  # fmt: skip
def test_imported_b_and_i_keep_their_emphasis(source, html, text):
    """WordPress's <b> and <i>, which its commenters use most, come in as the bold and
    italics a reader here would type, not stripped to bare words."""
    from comments.rendering_html import html_to_comment_parts

    assert html_to_comment_parts(source) == (html, text)


@pytest.mark.parametrize(
    "source",
    ["<blockquote>You said this.</blockquote>\nAnd I reply.",
     "<blockquote>You said this.</blockquote>And I reply."],
)  # fmt: skip
def test_an_imported_quote_without_paragraphs_stays_a_quote_in_the_words(source):
    """A WordPress quote written without <p> inside is kept as a quote in the stored words,
    apart from the reply after it, as it is on the page: the words are what a restored
    backup, an edit and search start from."""
    from comments.rendering import comment_to_safe_html
    from comments.rendering_html import html_to_comment_parts

    page_html, words = html_to_comment_parts(source)
    assert page_html.startswith("<blockquote>You said this.</blockquote>")
    rendered = comment_to_safe_html(words)
    assert "<blockquote>\n<p>You said this.</p>\n</blockquote>" in rendered
    assert "<p>And I reply.</p>" in rendered


def test_imported_preformatted_code_keeps_its_lines_in_the_words():
    """A <pre> block keeps its lines and indentation in the stored words, as the code block
    a reader would type, so a restore or an edit shows it as the page did."""
    from comments.rendering import comment_to_safe_html
    from comments.rendering_html import html_to_comment_parts

    source = "<pre>def f(x):\n    return x &lt; 2</pre>\nThat is it."
    page_html, words = html_to_comment_parts(source)
    assert page_html.startswith("<pre>def f(x):\n    return x &lt; 2</pre>")
    assert comment_to_safe_html(words).startswith(
        "<pre><code>def f(x):\n    return x &lt; 2\n</code></pre>"
    )


def test_comments_are_cleaned_by_a_sanitiser_built_once(monkeypatch):
    """Rendering a comment and sanitising imported HTML build no sanitiser per call (nh3.clean
    builds one from its arguments every time), and clean as nh3.clean with them does."""
    from comments import rendering
    from comments.rendering_html import html_sanitise

    def refused(*args, **kwargs):
        raise AssertionError("nh3.clean() built a sanitiser for one comment")

    source = 'Hi *there* <script>x()</script> [a](javascript:y) <b onclick="z">bold</b>'
    expected = _through_the_parser(source)
    monkeypatch.setattr(rendering.nh3, "clean", refused)
    assert rendering.comment_to_safe_html(source) == expected
    assert "<script" not in html_sanitise("<p>one <i>two</i></p><script>x()</script>")
