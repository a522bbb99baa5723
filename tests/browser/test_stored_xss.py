"""Stored XSS is impossible: hostile payloads stored in every field a reader or an author
controls stay inert on every page, queue and feed that shows them, in a real browser."""

import re
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from contextlib import suppress
from dataclasses import dataclass, field
from html import escape

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from articles.rendering import ARTICLE_TAGS
from articles.services import article_create, update_publish
from comments.forms import WebsiteField
from comments.models import Comment, CommentStatus
from comments.rendering import COMMENT_TAGS
from comments.services import Poster, comment_submit
from core.roles import AUTHORS_GROUP
from moderation.services import comment_transition, report_create
from tests.conftest import form_data

pytestmark = pytest.mark.django_db(transaction=True)

# Each payload calls the detector if it ever runs: "§" becomes the payload's number, so a
# hit names the payload. Most call window.__xss_hit(§); some only alert/confirm/prompt/print.
PAYLOAD_TEMPLATES = [
    # <script> in its many spellings
    "<script>window.__xss_hit(§)</script>",
    "<SCRIPT>window.__xss_hit(§)</SCRIPT>",
    "<ScRiPt >window.__xss_hit(§)</sCrIpT >",
    '<script src="data:text/javascript,window.__xss_hit(§)"></script>',
    "<script>alert(§)</script>",
    "<script>confirm(§)</script>",
    "<script>prompt(§)</script>",
    "<script>print()</script>",
    "<scr<script>ipt>window.__xss_hit(§)</scr</script>ipt>",
    "<script\n>window.__xss_hit(§)</script\n>",
    "<script/x>window.__xss_hit(§)</script>",
    "<<script>window.__xss_hit(§);//<</script>",
    '<script type="module">window.__xss_hit(§)</script>',
    "<script>alert(1)</script>",
    # event handlers on img, svg, body, details, video, audio, iframe, input, marquee...
    "<img src=x onerror=window.__xss_hit(§)>",
    '<img src="x" onerror="alert(§)">',
    "<IMG SRC=x OnErRoR=window.__xss_hit(§)>",
    "<img src=x:x onerror=window.__xss_hit(§)//",
    "<img/src/onerror=window.__xss_hit(§)>",
    "<img\x0csrc=x\x0conerror=window.__xss_hit(§)>",
    '<img src=x onerror="&#119;indow.__xss_hit(§)">',
    r"<img src=x onerror=\u0061lert(§)>",
    '<img srcset=",,,,,x" onerror=window.__xss_hit(§)>',
    "<picture><source srcset=x><img onerror=window.__xss_hit(§)></picture>",
    "<svg onload=window.__xss_hit(§)>",
    "<svg/onload=alert(§)>",
    "<svg onload=confirm(1)>",
    "<body onload=window.__xss_hit(§)>",
    "<body onpageshow=prompt(1)>",
    "<details open ontoggle=window.__xss_hit(§)>",
    "<video src=x onerror=window.__xss_hit(§)></video>",
    "<video><source onerror=window.__xss_hit(§)></video>",
    "<audio src=x onerror=window.__xss_hit(§)>",
    "<iframe onload=window.__xss_hit(§)></iframe>",
    "<input autofocus onfocus=window.__xss_hit(§)>",
    "<input type=image src=x onerror=window.__xss_hit(§)>",
    "<marquee onstart=window.__xss_hit(§)>scrolling</marquee>",
    "<select autofocus onfocus=window.__xss_hit(§)></select>",
    "<textarea autofocus onfocus=window.__xss_hit(§)></textarea>",
    "<keygen autofocus onfocus=window.__xss_hit(§)>",
    "<p tabindex=1 autofocus onfocus=window.__xss_hit(§)>focus me</p>",
    "<div onmouseover=window.__xss_hit(§)>hover me</div>",
    "<a href=#top onclick=window.__xss_hit(§)>click me</a>",
    "<style onload=window.__xss_hit(§)></style>",
    "<link rel=stylesheet href=x onerror=window.__xss_hit(§)>",
    "<object data=x onerror=window.__xss_hit(§)></object>",
    "<isindex type=image src=1 onerror=window.__xss_hit(§)>",
    "<img src=x onerror=print()>",
    # SVG and MathML
    "<svg><script>window.__xss_hit(§)</script></svg>",
    "<svg><script>&#x77;indow.__xss_hit(§)</script></svg>",
    '<svg><script href="data:text/javascript,window.__xss_hit(§)"/></svg>',
    "<svg><animate onbegin=window.__xss_hit(§) attributeName=x dur=1s>",
    "<svg><set onbegin=window.__xss_hit(§) attributeName=x to=1>",
    "<svg><a><animate attributeName=href values=javascript:window.__xss_hit(§) />"
    "<text x=20 y=20>click</text></a></svg>",
    '<svg><a><set attributeName=href to="javascript:window.__xss_hit(§)"/>'
    "<text x=20 y=20>click</text></a></svg>",
    '<svg><a xlink:href="javascript:window.__xss_hit(§)"><text x=20 y=20>x</text></a></svg>',
    "<svg><foreignObject><img src=x onerror=window.__xss_hit(§)></foreignObject></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss_hit(§)>",
    '<math href="javascript:window.__xss_hit(§)">click</math>',
    "<math><maction actiontype=statusline xlink:href=javascript:window.__xss_hit(§)>x"
    "</maction></math>",
    # <object>, <embed>, <base>, <meta refresh>, <form action>, srcdoc, frames
    '<object data="javascript:window.__xss_hit(§)"></object>',
    '<object data="data:text/html,<script>alert(§)</script>"></object>',
    '<embed src="javascript:window.__xss_hit(§)">',
    '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    '<base href="javascript:window.__xss_hit(§)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss_hit(§)">',
    '<meta http-equiv="refresh" content="0; url=data:text/html,<script>alert(§)</script>">',
    '<form action="javascript:window.__xss_hit(§)"><button>go</button></form>',
    '<form><button formaction="javascript:window.__xss_hit(§)">go</button></form>',
    '<iframe srcdoc="<script>parent.__xss_hit(§)</script>"></iframe>',
    '<iframe srcdoc="&lt;img src=x onerror=parent.__xss_hit(§)&gt;"></iframe>',
    '<iframe src="javascript:parent.__xss_hit(§)"></iframe>',
    '<iframe src="data:text/html,<script>alert(§)</script>"></iframe>',
    '<frameset onload=window.__xss_hit(§)><frame src="javascript:parent.__xss_hit(§)">',
    # javascript:, vbscript: and data: links: plain, mixed case, encoded, with whitespace
    '<a href="javascript:window.__xss_hit(§)">plain</a>',
    '<a href="JaVaScRiPt:window.__xss_hit(§)">mixed case</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;'
    'window.__xss_hit(§)">decimal entities</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;'
    'window.__xss_hit(§)">hex entities</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
    '&#0000112&#0000116&#0000058window.__xss_hit(§)">padded entities</a>',
    '<a href="jav&#x09;ascript:window.__xss_hit(§)">tab entity</a>',
    '<a href="jav\tascript:window.__xss_hit(§)">tab</a>',
    '<a href="java\nscript:window.__xss_hit(§)">newline</a>',
    '<a href="java\rscript:window.__xss_hit(§)">carriage return</a>',
    '<a href=" \x01javascript:window.__xss_hit(§)">control character</a>',
    '<a href="javascript&colon;window.__xss_hit(§)">named colon</a>',
    '<a href="javas&#99;ript:window.__xss_hit(§)">one entity</a>',
    '<a href="\u2028javascript:window.__xss_hit(§)">line separator</a>',
    '<a href="java\u200bscript:window.__xss_hit(§)">zero width space</a>',
    '<a href="vbscript:window.__xss_hit(§)">vbscript</a>',
    '<a href="VBScript:window.__xss_hit(§)">vbscript mixed</a>',
    '<a href="data:text/html,<script>alert(§)</script>">data</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data base64</a>',
    '<a href="  javascript:window.__xss_hit(§)">leading spaces</a>',
    '<a href="mailto:x@example.com?body=</a><img src=x onerror=window.__xss_hit(§)>">mail</a>',
    '<a href="https://example.com/?q=<script>window.__xss_hit(§)</script>">query</a>',
    # bare website-ish strings (also stored as commenters' websites)
    "javascript:window.__xss_hit(§)",
    " javascript:window.__xss_hit(§)",
    "JaVaScRiPt:alert(§)",
    "java\tscript:window.__xss_hit(§)",
    "java\nscript:window.__xss_hit(§)",
    "\x01javascript:window.__xss_hit(§)",
    "&#106;avascript:window.__xss_hit(§)",
    "data:text/html,<script>alert(§)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:window.__xss_hit(§)",
    "https:javascript:window.__xss_hit(§)",
    'https://example.com/"><svg/onload=window.__xss_hit(§)>',
    "https://example.com/'onmouseover='window.__xss_hit(§)'",
    'https://example.com/?"autofocus/onfocus="window.__xss_hit(§)',
    "https://example.com/#<img/src/onerror=window.__xss_hit(§)>",
    "//evil.example/%0a<script>window.__xss_hit(§)</script>",
    # Markdown links, images, references and autolinks
    "[click](javascript:window.__xss_hit(§))",
    "[click](JAVASCRIPT:window.__xss_hit(§))",
    "[click](javascript&#58;window.__xss_hit(§))",
    '[click](  javascript:window.__xss_hit(§)  "title")',
    "[click](<javascript:window.__xss_hit(§)>)",
    "[click](java\tscript:window.__xss_hit(§))",
    "[click](vbscript:window.__xss_hit(§))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '[click](https://example.com/" onmouseover="window.__xss_hit(§))',
    '[click](https://example.com/ "t\\" onmouseover=\\"window.__xss_hit(§)")',
    "![x](javascript:window.__xss_hit(§))",
    '![x](x "onerror=window.__xss_hit(§)")',
    '![x" onerror="window.__xss_hit(§)](x)',
    "[ref][xss§]\n\n[xss§]: javascript:window.__xss_hit(§)",
    '![ref][img§]\n\n[img§]: x" onerror="window.__xss_hit(§)',
    "<javascript:window.__xss_hit(§)>",
    "<JavaScript:alert(§)>",
    "[<img src=x onerror=window.__xss_hit(§)>](https://example.com)",
    "**<img src=x onerror=window.__xss_hit(§)>**",
    "`<script>window.__xss_hit(§)</script>`",
    "    <script>window.__xss_hit(§)</script>",
    "```html\n<script>window.__xss_hit(§)</script>\n```",
    "> <img src=x onerror=window.__xss_hit(§)>",
    '<div markdown="1">[x](javascript:window.__xss_hit(§))</div>',
    'https://example.com/"><img src=x onerror=window.__xss_hit(§)> (a bare URL)',
    "www.example.com/<script>window.__xss_hit(§)</script>",
    # breaking out of attributes, textarea, title, script, style, comments, CDATA, feeds
    '"><img src=x onerror=window.__xss_hit(§)>',
    "'><img src=x onerror=window.__xss_hit(§)>",
    '" onmouseover="window.__xss_hit(§)" x="',
    "' onfocus='window.__xss_hit(§)' autofocus='",
    '" autofocus onfocus="window.__xss_hit(§)',
    "`><img src=x onerror=window.__xss_hit(§)>",
    "</textarea><script>window.__xss_hit(§)</script>",
    "</title><script>window.__xss_hit(§)</script>",
    "</script><script>window.__xss_hit(§)</script>",
    "</style><script>window.__xss_hit(§)</script>",
    "</noscript><img src=x onerror=window.__xss_hit(§)>",
    '<noscript><p title="</noscript><img src=x onerror=window.__xss_hit(§)>">',
    '<!--<img src="--><img src=x onerror=window.__xss_hit(§)//">',
    "]]><script>window.__xss_hit(§)</script>",
    "<![CDATA[<script>window.__xss_hit(§)</script>]]>",
    '</description><script xmlns="http://www.w3.org/1999/xhtml">window.__xss_hit(§)</script>',
    '</summary><img xmlns="http://www.w3.org/1999/xhtml" src="x" onerror="alert(§)"/>',
    # template and templating-engine strings
    "{{ '<img src=x onerror=window.__xss_hit(§)>'|safe }}",
    "{% autoescape off %}<img src=x onerror=window.__xss_hit(§)>{% endautoescape %}",
    "{{constructor.constructor('window.__xss_hit(§)')()}}",
    "${window.__xss_hit(§)} #{window.__xss_hit(§)}",
    "{% debug %}{{ request }}<svg onload=window.__xss_hit(§)>",
    # CSS
    '<div style="background:url(javascript:window.__xss_hit(§))">css url</div>',
    '<div style="width:expression(window.__xss_hit(§))">css expression</div>',
    r'<p style="x:\65xpression(window.__xss_hit(§))">escaped expression</p>',
    "<style>@import 'javascript:window.__xss_hit(§)';</style>",
    '<style>*{background:url("javascript:window.__xss_hit(§)")}</style>',
    '<link rel=stylesheet href="javascript:window.__xss_hit(§)">',
    # polyglots
    r"""jaVasCript:/*-/*`/*\`/*'/*"/**/(/* */oNcliCk=window.__xss_hit(§) )//%0D%0A%0d%0a"""
    r"//</stYle/</titLe/</teXtarEa/</scRipt/--!>\x3csVg/<sVg/oNloAd=window.__xss_hit(§)//>\x3e",
    "'\"--></style></script><script>window.__xss_hit(§)</script>",
    "\"'><svg/onload=window.__xss_hit(§)>'\"",
    '-->\'"/></sCript><deTailS open x=">" oNToggle=window.__xss_hit(§)>',
    '"><svg/onload=window.__xss_hit(§)>"><script>window.__xss_hit(§)</script>',
    # unicode, percent-, backslash- and overlong-encoded variants
    "\uff1cscript\uff1ewindow.__xss_hit(§)\uff1c/script\uff1e",
    "%3Cscript%3Ewindow.__xss_hit(§)%3C/script%3E",
    "%C0%BCscript%C0%BEwindow.__xss_hit(§)%C0%BC/script%C0%BE",
    "\u00c0\u00bcscript\u00c0\u00bewindow.__xss_hit(§)\u00c0\u00bc/script\u00c0\u00be",
    r"\x3cscript\x3ewindow.__xss_hit(§)\x3c/script\x3e",
    r"\u003cimg src=x onerror=window.__xss_hit(§)\u003e",
    "&lt;script&gt;window.__xss_hit(§)&lt;/script&gt;",
    "&#60;img src=x onerror=window.__xss_hit(§)&#62;",
    "\u202e<img src=x onerror=window.__xss_hit(§)>\u202c",
    "<img src=x one\u00adrror=window.__xss_hit(§)>",
    # very long ones
    "A" * 2500 + "<img src=x onerror=window.__xss_hit(§)>",
    '<a href="javascript:window.__xss_hit(§)">' + "x" * 2200 + "</a>",
    "<div>" * 500 + "<img src=x onerror=window.__xss_hit(§)>",
    "> " * 300 + "<svg onload=window.__xss_hit(§)>",
]
PAYLOADS = [template.replace("§", str(number)) for number, template in enumerate(PAYLOAD_TEMPLATES)]

# Installed in every frame before any page script runs: records calls, never blocks.
DETECTOR_SCRIPT = """
(() => {
  window.__xss_hits = [];
  const record = (what) => {
    window.__xss_hits.push(what);
    try { if (window.top !== window) { window.top.__xss_hits.push(what); } } catch (e) {}
  };
  window.__xss_hit = (n) => record(String(n));
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = (...args) => { record(name + ":" + args.map(String).join(",")); return null; };
  }
})();
"""

# Everything in the document that would let a stored payload run, or show it was not
# sanitized; `allowed` is the sanitizers' tag allowlist for user-content containers.
DOM_SCAN_SCRIPT = r"""
(allowed) => {
  const problems = [];
  const show = (el) => el.outerHTML.slice(0, 160);
  const squash = (value) => value.replace(
    /[\s\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]/g, ""
  ).toLowerCase();
  const urlAttributes = new Set([
    "href", "xlink:href", "src", "action", "formaction", "data", "to", "from", "values",
    "by", "background", "poster", "codebase", "dynsrc", "lowsrc", "srcset", "ping",
  ]);
  // A URL as the browser reads it (WHATWG URL parsing): tabs and newlines are dropped
  // anywhere, controls and spaces trimmed at the ends. A space, U+2028 or zero-width space
  // left inside the scheme makes a harmless relative path, so those are not removed here.
  const hostileUrl = (value) => {
    const url = value.replace(/[\t\n\r]/g, "")
      .replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "").toLowerCase();
    let protocol = "";
    try { protocol = new URL(value, document.baseURI).protocol; } catch (error) {}
    return ["javascript:", "vbscript:", "livescript:"].includes(protocol)
      || /^(javascript|vbscript|livescript):/.test(url)
      || (url.startsWith("data:") && !/^data:image\/(png|gif|jpeg|webp)[;,]/.test(url));
  };
  for (const el of document.querySelectorAll("*")) {
    for (const attribute of el.attributes) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith("on")) {
        problems.push(`event handler attribute ${name}: ${show(el)}`);
      } else if (name === "srcdoc") {
        problems.push(`srcdoc attribute: ${show(el)}`);
      } else if (urlAttributes.has(name) && hostileUrl(attribute.value)) {
        problems.push(`${name} with a script URL: ${show(el)}`);
      } else if (name === "style"
                 && /expression\(|javascript:|vbscript:|behavior:|-moz-binding/.test(
                   squash(attribute.value))) {
        problems.push(`style that runs script: ${show(el)}`);
      }
    }
  }
  for (const script of document.querySelectorAll("script")) {
    const src = script.getAttribute("src") || "";
    // The site's own: its static scripts and its translation catalogue (Django's view).
    const own = src.startsWith("/static/js/") || /^\/jsi18n\/\?l=[a-z-]+$/.test(src);
    if (!own || script.textContent.trim()) {
      problems.push(`script that is not the site's own: ${show(script)}`);
    }
  }
  for (const el of document.querySelectorAll("base, meta[http-equiv]")) {
    if (el.localName === "base"
        || el.getAttribute("http-equiv").trim().toLowerCase() === "refresh") {
      problems.push(`document-level element: ${show(el)}`);
    }
  }
  const main = document.querySelector("main");
  if (main) {
    for (const el of main.querySelectorAll("iframe, frame, object, embed, applet, base, meta")) {
      problems.push(`embedding element in main: ${show(el)}`);
    }
  }
  const userContent = document.querySelectorAll(
    ".comment-content, .article-body, .timeline-body, .queue-comment, .reported-comment, "
    + ".standfirst, .feed-entry"
  );
  for (const container of userContent) {
    for (const el of container.querySelectorAll("*")) {
      if (!allowed.includes(el.localName)) {
        problems.push(`<${el.localName}> outside the sanitizer's allowlist: ${show(el)}`);
      }
    }
  }
  return problems;
}
"""
ALLOWED_USER_TAGS = sorted(ARTICLE_TAGS | COMMENT_TAGS)
ATOM = "http://www.w3.org/2005/Atom"
FEED_NAMESPACES = {"", ATOM, "http://purl.org/dc/elements/1.1/"}
HTML_ELEMENT_NAMES = {
    "script", "img", "svg", "iframe", "object", "embed", "a", "style", "body", "html", "math",
    "base", "meta", "form", "input", "frame", "frameset", "video", "audio", "details",
}  # fmt: skip


def payload_number(needle: str) -> int:
    """The number of the first payload that starts with `needle`."""
    return next(n for n, payload in enumerate(PAYLOADS) if payload.startswith(needle))


class Detector:
    """Records payloads that run in a page: detector calls in any frame, and dialogs."""

    def __init__(self, page, *, overrides: bool = True):
        self.page = page
        self.dialogs: list[str] = []
        if overrides:
            page.add_init_script(DETECTOR_SCRIPT)
        page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}:{dialog.message}")
        dialog.dismiss()

    def hits(self) -> list[str]:
        """What ran since the last look, in any frame, and any dialog that opened."""
        found = []
        for frame in self.page.frames:
            found += evaluate_within(frame, "() => window.__xss_hits || []") or []
        found += [f"dialog {message}" for message in self.dialogs]
        self.dialogs.clear()
        return sorted(set(found))


def evaluate_within(frame, expression: str, arg=None, timeout: float = 3_000):
    """Evaluate in a frame, giving up (None) if it never gets a script context or stays busy:
    a payload that blocks a page must fail the test, not hang it."""
    from playwright.sync_api import Error as PlaywrightError

    with suppress(PlaywrightError):
        handle = frame.wait_for_function(expression, arg=arg, polling=100, timeout=timeout)
        return handle.json_value()
    return None


@dataclass
class Findings:
    """Where each payload was stored, and what ran or survived on which page."""

    placements: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    problems: list[str] = field(default_factory=list)
    pages: int = 0

    def place(self, number: int, where: str) -> None:
        self.placements[number].add(where)

    def explain(self, hit: str) -> str:
        match = re.search(r"(\d+)$", hit)
        number = int(match.group(1)) if match else None
        if number is None or number >= len(PAYLOADS):
            return f"{hit!r} (an un-numbered alert/confirm/prompt/print payload)"
        if number == 1 and not hit.isdigit():
            return f"{hit!r} (an alert(1)-style payload, or payload #1)"
        where = ", ".join(sorted(self.placements.get(number, ()))) or "?"
        return f"payload #{number} stored in [{where}]: {PAYLOADS[number][:100]!r} ({hit})"

    def inspect(self, detector: Detector, label: str, *, expected_url: str | None = None) -> None:
        """Wait for the page to settle, then record detector hits and dangerous DOM."""
        page = detector.page
        page.wait_for_load_state("networkidle")
        self.pages += 1
        for hit in detector.hits():
            self.problems.append(f"{label}: EXECUTED {self.explain(hit)}")
        for frame in page.frames[1:]:  # the site itself has no frames
            self.problems.append(f"{label}: a frame was loaded: {frame.url[:100]!r}")
        problems = evaluate_within(page.main_frame, DOM_SCAN_SCRIPT, ALLOWED_USER_TAGS)
        if problems is None:
            problems = ["the page did not answer the DOM scan (blocked by a payload?)"]
        self.problems += [f"{label}: {problem}" for problem in problems]
        if expected_url and page.url.split("#")[0] != expected_url.split("#")[0]:
            self.problems.append(f"{label}: the page navigated away to {page.url[:120]!r}")

    def check_response(self, label: str, response) -> None:
        # A page that fails to render cannot be shown to be safe.
        if response is None or response.status != 200:
            self.problems.append(f"{label}: HTTP {response and response.status}")

    def visit(self, detector: Detector, url: str, label: str = "") -> None:
        self.check_response(label or url, detector.page.goto(url))
        self.inspect(detector, label or url, expected_url=url)


class TabPool:
    """A few tabs in one browser context, so pages load and settle side by side."""

    def __init__(self, context, size: int = 6):
        self.detectors = []
        for _ in range(size):
            tab = context.new_page()
            tab.set_default_timeout(10_000)
            self.detectors.append(Detector(tab))

    def visit(self, findings: Findings, urls: list[str], after=None) -> None:
        """Open each URL in a tab, inspect it once settled, then call `after(page, url)`."""
        size = len(self.detectors)
        for start in range(0, len(urls), size):
            batch = list(zip(self.detectors, urls[start : start + size], strict=False))
            responses = [detector.page.goto(url, wait_until="commit") for detector, url in batch]
            for (detector, url), response in zip(batch, responses, strict=True):
                findings.check_response(url, response)
                detector.page.wait_for_load_state("load")
                findings.inspect(detector, url, expected_url=url)
                if after is not None:
                    after(detector.page, url)


def page_count(page) -> int:
    """How many pages a paginated list has, from its "Page 1 of N" label."""
    label = page.locator(".pagination span")
    if label.count() == 0:
        return 1
    return int(re.search(r"of (\d+)", label.first.inner_text()).group(1))


def website_form_accepts(url: str) -> bool:
    """Whether the "Leave a Reply" form's Website field lets `url` through."""
    try:
        WebsiteField(required=False, max_length=200, assume_scheme="https").clean(url)
    except ValidationError:
        return False
    return True


@dataclass
class Stored:
    """The hostile articles, where each payload went, and each comment's final status."""

    articles: list
    findings: Findings
    statuses: dict[int, str]


def _text_status(number: int) -> str:
    return {3: CommentStatus.HELD, 5: CommentStatus.SPAM}.get(number % 7, CommentStatus.PUBLISHED)


def _carrier_status(number: int) -> str:
    return {2: CommentStatus.HELD, 6: CommentStatus.SPAM}.get(number % 8, CommentStatus.PUBLISHED)


def store_everywhere(make_user) -> Stored:
    """Store every payload in every field: articles, updates, comments, names, websites,
    emails and report notes; publish most, hold some, mark some spam."""
    findings = Findings()
    statuses: dict[int, str] = {}
    hostile_author = make_user(
        "hostile_author",
        groups=[AUTHORS_GROUP],
        first_name=PAYLOADS[payload_number("<img src=x onerror=window")],
        last_name=PAYLOADS[payload_number('"><img src=x')],
    )
    for number in (payload_number("<img src=x onerror=window"), payload_number('"><img src=x')):
        findings.place(number, "author name")
    titled = [
        payload_number("</title>"),
        payload_number('"><svg/onload'),
        payload_number("{{ '<img"),
    ]
    articles = []
    for index, title_number in enumerate(titled):
        body_numbers = [n for n in range(len(PAYLOADS)) if n % 3 == index]
        standfirst_number = payload_number("</textarea>") if index == 0 else titled[index]
        article = article_create(
            title=PAYLOADS[title_number],
            standfirst=PAYLOADS[standfirst_number],
            body="## Hostile Markdown\n\n" + "\n\n".join(PAYLOADS[n] for n in body_numbers),
            authors=[hostile_author],
            publish=True,
        )
        findings.place(title_number, "article title")
        findings.place(standfirst_number, "article standfirst")
        for n in body_numbers:
            findings.place(n, "article body")
        for shift in (1, 2):
            update_numbers = [n for n in range(len(PAYLOADS)) if n % 3 == (index + shift) % 3]
            update_publish(
                article=article,
                author=hostile_author,
                body="\n\n".join(PAYLOADS[n] for n in update_numbers),
            )
            for n in update_numbers:
                findings.place(n, "update body")
        articles.append(article)

    def settle(comment_id: int, status: str) -> None:
        comment_transition(comment_id=comment_id, to_status=status, actor_label="xss-test")
        statuses[comment_id] = status

    client = Client()
    latest_published: dict[int, int] = {}
    for number, payload in enumerate(PAYLOADS):
        article = articles[number % 3]
        name = payload if len(payload) <= 50 else f"Guest {number}"
        parent = latest_published.get(article.pk, 0) if number % 5 == 4 else 0
        if number % 2 == 0:
            # Through the real "Leave a Reply" form, as a browser would post it.
            url = payload if website_form_accepts(payload) else ""
            response = client.post(
                "/comments/post/",
                form_data(article, comment=payload, name=name, url=url, reply_to=str(parent)),
            )
            assert response.status_code == 302, f"the form refused payload #{number}"
            comment_id = int(re.search(r"#c(\d+)$", response["Location"]).group(1))
            findings.place(number, "comment text (form)")
            if url:
                findings.place(number, "website (form)")
        else:
            # Straight through the service: no form validation stands in front of the page.
            comment_id = comment_submit(
                article=article,
                poster=Poster(name=name, email=payload, url=payload if len(payload) <= 200 else ""),
                text=payload,
                reply_to=parent,
                ip_address="203.0.113.9",
            ).pk
            findings.place(number, "comment text (service)")
            findings.place(number, "email")
            if len(payload) <= 200:
                findings.place(number, "website (service)")
        if name == payload:
            findings.place(number, "commenter name")
        settle(comment_id, _text_status(number))
        if statuses[comment_id] == CommentStatus.PUBLISHED:
            latest_published[article.pk] = comment_id

        if number % 2 == 0:
            # A second comment carries the even payloads in the fields the form refuses.
            carrier = comment_submit(
                article=articles[0],
                poster=Poster(
                    name=name,
                    email=payload,
                    url=payload if len(payload) <= 200 else "https://example.com/",
                ),
                text=f"Comment carrying payload {number} in its name, email and website.",
                ip_address="203.0.113.10",
            )
            findings.place(number, "email")
            if len(payload) <= 200:
                findings.place(number, "website (service)")
            settle(carrier.pk, _carrier_status(number))

    # Reports: readers' notes are shown to moderators.
    published = [pk for pk, status in statuses.items() if status == CommentStatus.PUBLISHED]
    for index, comment_id in enumerate(published[::9]):
        numbers = [n % len(PAYLOADS) for n in range(index * 4, index * 4 + 4)]
        note = " ".join(PAYLOADS[n] for n in numbers)[:500]
        report_create(
            comment_id=comment_id,
            user=None,
            ip_address=f"198.51.100.{index + 1}",
            reason="other",
            note=note,
        )
        for n in numbers:
            if PAYLOADS[n] in note:
                findings.place(n, "report note")
    # Enough reports hold a comment: read the statuses back as they now are.
    statuses = dict(Comment.objects.values_list("pk", "status"))
    return Stored(articles=articles, findings=findings, statuses=statuses)


def log_in(detector: Detector, live_url: str, username: str, next_path: str) -> None:
    page = detector.page
    page.goto(f"{live_url}/accounts/login/?next={next_path}")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", "a-long-passphrase")
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(f"{live_url}{next_path}")


def feed_reader_html(feed_url: str, body: str) -> str:
    """Render a feed the way a feed reader does: titles as text, summaries as HTML."""
    root = ElementTree.fromstring(body)
    if root.tag == f"{{{ATOM}}}feed":
        title = root.findtext(f"{{{ATOM}}}title", "")
        entries = [
            (
                entry.findtext(f"{{{ATOM}}}title", ""),
                [
                    part.text or ""
                    for part in entry
                    if part.tag in (f"{{{ATOM}}}summary", f"{{{ATOM}}}content")
                    and part.get("type") == "html"
                ],
            )
            for entry in root.findall(f"{{{ATOM}}}entry")
        ]
    else:
        channel = root.find("channel")
        title = channel.findtext("title", "")
        entries = [
            (item.findtext("title", ""), [item.findtext("description", "")])
            for item in channel.findall("item")
        ]
    parts = [f"<section><h2>{escape(title)}</h2><p>{escape(feed_url)}</p>"]
    for entry_title, html_parts in entries:
        parts.append(f"<article><h3>{escape(entry_title)}</h3>")
        parts += [f'<div class="feed-entry">{html}</div>' for html in html_parts]
        parts.append("</article>")
    parts.append("</section>")
    return "".join(parts)


def feed_markup_problems(feed_url: str, body: str) -> list[str]:
    """Elements in the feed's XML itself that a payload could have smuggled in."""
    problems = []
    for element in ElementTree.fromstring(body).iter():
        namespace, _, local = element.tag.lstrip("{").rpartition("}")
        if namespace not in FEED_NAMESPACES or local.lower() in HTML_ELEMENT_NAMES:
            problems.append(f"{feed_url}: element {element.tag!r} in the feed XML")
    return problems


@pytest.fixture
def page_ignoring_csp(new_page):
    """A page that ignores the site's Content-Security-Policy: the escaping alone is tested,
    so a payload the policy would block still shows up as executed."""
    return new_page(bypass_csp=True)


@pytest.fixture
def unlimited_posting(rate_limit):
    """These tests post hundreds of comments from one address; the rate limit is not tested."""
    rate_limit("comment")


def test_detector_fires_on_a_payload_served_unescaped(page, browser):
    """The detector, the dialog listener and the DOM scan all catch unescaped payloads."""
    detector = Detector(page)
    script = payload_number("<script>window")
    image = payload_number("<img src=x onerror=window")
    alerting = payload_number('<img src="x" onerror="alert(')
    framed = payload_number("<iframe srcdoc")
    tabbed_link = payload_number('<a href="jav\tascript')
    findings = Findings()
    page.goto("about:blank")
    raw = (PAYLOADS[n] for n in (script, image, alerting, framed, tabbed_link))
    page.set_content("<main>" + "".join(raw) + "</main>")
    findings.inspect(detector, "control")
    executed = " ".join(problem for problem in findings.problems if "EXECUTED" in problem)
    for number in (script, image, alerting, framed):
        assert f"payload #{number} " in executed
    for kind in (
        "event handler attribute onerror",
        "srcdoc",
        "not the site's own",
        "script URL",
        "a frame was loaded",
    ):
        assert any(kind in problem for problem in findings.problems), kind

    # Without the overrides a real dialog opens: the listener records and dismisses it.
    context = browser.new_context()
    try:
        bare = Detector(context.new_page(), overrides=False)
        bare.page.set_content(PAYLOADS[alerting])
        bare.page.wait_for_load_state("networkidle")
        assert bare.hits() == [f"dialog alert:{alerting}"]
    finally:
        context.close()


def test_stored_payloads_never_run_on_any_page_queue_or_feed(
    live_server, page_ignoring_csp, make_user, moderator, unlimited_posting
):
    """Payloads stored in every field stay inert on articles, reports, queues, log and feeds."""
    page = page_ignoring_csp
    stored = store_everywhere(make_user)
    findings = stored.findings
    live = live_server.url
    tabs = TabPool(page.context)
    statuses = stored.statuses
    published = {pk for pk, status in statuses.items() if status == CommentStatus.PUBLISHED}

    # A reader's pages: the article list, every page of every article, report pages, feeds.
    pages: dict[str, int] = {}
    shown: dict[str, set[int]] = defaultdict(set)

    def collect(tab, url: str) -> None:
        pages[url] = page_count(tab)
        ids = tab.eval_on_selector_all(
            "li.comment, .queue-item", "items => items.map(item => item.id.replace(/\\D/g, ''))"
        )
        tab_name = url.split("/moderation/")[-1].split("/")[0] if "/moderation/" in url else ""
        shown[tab_name].update(int(item_id) for item_id in ids)

    article_urls = [f"{live}{article.get_absolute_url()}" for article in stored.articles]
    sample = sorted(published)[:: max(len(published) // 6, 1)]
    report_urls = [f"{live}/moderation/report/{pk}/" for pk in sample]
    feeds = ["/feeds/articles.atom", "/feeds/articles.rss"]
    for article in stored.articles:
        for kind in ("comments", "updates"):
            feeds += [f"/articles/{article.slug}/{kind}.{ext}" for ext in ("atom", "rss")]
    feed_urls = [f"{live}{path}" for path in feeds]
    tabs.visit(findings, [f"{live}/", *article_urls, *report_urls, *feed_urls], after=collect)
    later = [f"{url}?cpage={n}" for url in article_urls for n in range(2, pages[url] + 1)]
    assert later, "no article had a second page of comments"
    tabs.visit(findings, later, after=collect)
    assert published <= shown[""], f"published comments not shown: {published - shown['']}"

    # Feeds as a feed reader shows them: entry titles as text, summaries as HTML.
    reader_pages, entries = [], 0
    for url in feed_urls:
        feed = page.request.get(url)
        if feed.ok:
            findings.problems += feed_markup_problems(url, feed.text())
            reader_pages.append(feed_reader_html(url, feed.text()))
            entries += reader_pages[-1].count('class="feed-entry"')
    detector = Detector(page)
    page.goto("about:blank")
    page.set_content("<main>" + "".join(reader_pages) + "</main>")
    assert entries and page.locator(".feed-entry").count() == entries
    findings.inspect(detector, "feed reader (summaries rendered as HTML)")

    # A moderator's pages: every page of every queue tab, the audit log, an article page.
    log_in(detector, live, "moderator", "/moderation/")
    paginated = [f"{live}/moderation/{tab}/" for tab in ("held", "reported", "spam", "published")]
    paginated.append(f"{live}/moderation/log/")
    tabs.visit(findings, [*paginated, f"{live}/moderation/", article_urls[0]], after=collect)
    later = [f"{url}?page={n}" for url in paginated for n in range(2, pages[url] + 1)]
    tabs.visit(findings, later, after=collect)
    for status, tab in ((CommentStatus.HELD, "held"), (CommentStatus.SPAM, "spam")):
        expected = {pk for pk, s in statuses.items() if s == status}
        assert expected <= shown[tab], f"{tab} comments not shown: {expected - shown[tab]}"
    assert shown["reported"], "no reported comments were shown"

    assert len(findings.placements) == len(PAYLOADS)
    assert not findings.problems, (
        f"{len(findings.problems)} problem(s) on {findings.pages} pages:\n"
        + "\n".join(findings.problems)
    )


def test_hostile_input_through_the_browser_form_stays_inert(
    live_server, page_ignoring_csp, article, unlimited_posting
):
    """A reader types payloads into the real form; its pages, edit and delete views are inert."""
    page = page_ignoring_csp
    detector = Detector(page)
    findings = Findings()
    live = live_server.url
    text_number = payload_number("</textarea>")
    name_number = payload_number('"><img src=x')
    url_number = payload_number('https://example.com/"><svg')
    for number, where in (
        (text_number, "comment text (browser)"),
        (name_number, "commenter name (browser)"),
        (url_number, "website (browser)"),
    ):
        findings.place(number, where)

    url = f"{live}{article.get_absolute_url()}"
    findings.visit(detector, url)
    page.fill("#id_comment", PAYLOADS[text_number])
    page.fill("#id_name", PAYLOADS[name_number])
    page.fill("#id_url", PAYLOADS[url_number])
    page.check("#id_remember")
    page.click("#submit")
    page.wait_for_url("**#c*")
    findings.inspect(detector, "article page after posting")
    comment = Comment.objects.get(user_name=PAYLOADS[name_number])
    assert comment.user_url == PAYLOADS[url_number]
    assert page.locator(f"#c{comment.pk} .comment-author").inner_text() == PAYLOADS[name_number]

    findings.visit(detector, f"{live}/comments/{comment.pk}/edit/", "edit page")
    assert page.input_value("textarea[name=comment]") == PAYLOADS[text_number]
    findings.visit(detector, f"{live}/comments/{comment.pk}/delete/", "delete page")
    comment_transition(comment_id=comment.pk, to_status="published", actor_label="xss-test")
    findings.visit(detector, f"{live}/moderation/report/{comment.pk}/", "report page")
    findings.visit(detector, url, "article page with the remembered commenter")
    assert page.input_value("#id_name") == PAYLOADS[name_number]
    assert page.input_value("#id_url") == PAYLOADS[url_number]
    assert (
        page.locator(f"#c{comment.pk} .comment-author a").get_attribute("href")
        == (PAYLOADS[url_number])
    )
    assert not findings.problems, "\n".join(findings.problems)
