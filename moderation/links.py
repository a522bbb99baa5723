"""Links in a comment, in every form a spammer writes them (contact details are in
moderation.contacts).

Pure functions of normalised text (moderation.normalise), used by the scorer's rules: URLs
with a scheme, www. addresses and Markdown links; bare domains (example.com/x) checked
against the Public Suffix List; links spaced out so nothing turns them into a link
(h t t p s : / /, example . com / abc, example dot com); URL shorteners among all of them.

The Public Suffix List is the snapshot bundled with the publicsuffixlist package, read once,
when a name is first looked up or as a scoring process starts (model_cache's
spam_model_libraries_load): nothing is fetched at run time. Read at import, it cost every
process that starts Django 30-90 ms of CPU, manage.py commands and tests included. Names
outside it are not domains, which is what keeps the reserved test names (.example, .test,
.invalid, .localhost), file names (photo.jpg) and abbreviations (e.g., U.S.) out.
"""

import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList


@cache
def public_suffixes() -> PublicSuffixList:
    # accept_unknown=False: a name under a suffix the list does not know is no domain.
    return PublicSuffixList(accept_unknown=False)


# A short list rather than a library: no maintained package lists shorteners, and the few
# services that carry most shortened spam change rarely. Admins can hold any other one with a
# moderation keyword.
SHORTENER_DOMAINS = frozenset(
    [
        "bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "cutt.ly",
        "rb.gy", "t.ly", "shorturl.at", "tiny.cc", "s.id", "v.gd", "rebrand.ly", "bl.ink",
        "lnkd.in", "soo.gd", "shorte.st", "adf.ly", "hyperurl.co",
    ]
)  # fmt: skip

# Suffixes that are also common file extensions: "script.py" or "notes.md" in prose is a
# file, so a name under one of them counts only with a path after it (evil.zip/get).
FILE_EXTENSION_SUFFIXES = frozenset(["py", "sh", "rs", "md", "ps", "pm", "zip", "mov"])

# Suffixes that are no word of a sentence: after a dot spaced on one side only, "views. com"
# is a link broken up to get past a filter even with no path after it.
WORDLESS_SUFFIXES = frozenset(["com", "org"])

# "the dot com bubble", "a polka dot com..." are prose, not spelled-out links.
DOT_WORD_NAMES = frozenset(["the", "a", "an", "polka"])

URL = re.compile(
    r"\[[^\]]*\]\(([^)]*)\)|https?://[^\s<>\"')\]]*|www\.[^\s<>\"')\]]*", re.IGNORECASE
)
URL_HOST = re.compile(r"(?:https?://)?([^/\s?#:@]+)", re.IGNORECASE)
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
BARE_DOMAIN = re.compile(
    rf"(?<![\w@.-])((?:{_LABEL}\.)+[a-z][a-z0-9-]*[a-z0-9])(?![\w-])(\s*/\s*\w)?",
    re.IGNORECASE,
)
# What every bare domain has: a label's last character, its dot, the next label's first
# letter. Prose without it (most comments: their dots end sentences) is not scanned for them,
# which took a quarter of a comment's scan.
_DOTTED = re.compile(r"[a-z0-9]\.[a-z]", re.IGNORECASE)
# A label taken whole, as SPACED_DOMAIN needs it: no separator after it can start with a
# label's character, so giving characters back (as _LABEL does, backtracking) only failed
# again at every word of a comment, half of the pattern's time. Same matches as _LABEL there.
_WHOLE_LABEL = r"(?>[a-z0-9][a-z0-9-]{0,62})(?<=[a-z0-9])"
# A dot with a space on one side or both, or spelled out: "example . com", "example dot com",
# "example(dot)com". With a space on one side only it counts when a path follows, since
# "ends the sentence. me too" has one too.
SPACED_DOMAIN = re.compile(
    rf"(?<![\w@.-])({_WHOLE_LABEL})(\s+\.\s+|\s*[(\[{{]\s*dot\s*[)\]}}]\s*|\s+dot\s+|\s+\.|\.\s+)"
    r"([a-z]{2,24})(?![\w-])(\s*/\s*\w)?",
    re.IGNORECASE,
)
# A scheme or www. with spaces between its characters.
SPACED_PREFIX = re.compile(
    r"h\s*t\s*t\s*p\s*s?\s*:\s*/\s*/(?:\s*w\s*w\s*w\s*\.)?|\bw\s*w\s*w\s*\.", re.IGNORECASE
)


@dataclass(frozen=True)
class LinkScan:
    urls: tuple[str, ...] = ()  # with a scheme or www., or Markdown links
    bare_domains: tuple[str, ...] = ()
    spaced: tuple[str, ...] = ()
    shorteners: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()  # the host name of each link that has one, lowercased
    # Beside each of urls, the host a browser would open, lowercased ("" if none is sure).
    url_hosts: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        # One address written twice (an HTML link whose text is its address) is one link.
        return len(set(self.urls)) + len(self.bare_domains) + len(self.spaced)

    def elsewhere(self, own_hosts: tuple[str, ...]) -> "LinkScan":
        """The links that lead off the site whose hosts are own_hosts (site_host_own).

        Spaced-out links stay, whatever their host: a link broken up to get past a filter is
        suspicious wherever it leads, as one in look-alike characters is (hidden_link)."""
        if not own_hosts:
            return self
        kept = [
            (url, host)
            for url, host in zip(self.urls, self.url_hosts, strict=True)
            if not site_host_own(host, own_hosts)
        ]
        return replace(
            self,
            urls=tuple(url for url, _ in kept),
            url_hosts=tuple(host for _, host in kept),
            bare_domains=tuple(
                name for name in self.bare_domains if not site_host_own(name, own_hosts)
            ),
            shorteners=tuple(
                host for host in self.shorteners if not site_host_own(host, own_hosts)
            ),
        )


def site_host_own(host: str, own_hosts: tuple[str, ...]) -> bool:
    """Whether a link's host is one of the site's own: one of own_hosts, the same without
    "www.", or a name under either. Names under a host are in the zone of whoever runs it;
    its neighbours (other blogs on one hosting service's suffix) are not, so a host that is
    itself a public suffix (github.io) owns no names under it."""
    host = host.lower().strip(".")
    if not host:
        return False
    for own in own_hosts:
        own = own.lower().strip(".").removeprefix("www.")
        if own and (
            host == own or (host.endswith(f".{own}") and domain_registrable(own) is not None)
        ):
            return True
    return False


def _url_host(url: str, target: str | None) -> str:
    """The host a browser opens for a URL found in text (target: a Markdown link's), or ""
    when the two ways of reading it disagree ("https://site@elsewhere.example/"): a link
    that only looks like the site's own is not."""
    address = target if target is not None else url
    written = URL_HOST.match(address)
    try:
        parsed = urlsplit(address if "://" in address else f"http://{address}").hostname or ""
    except ValueError:  # an unclosed [ where an IPv6 address would be
        return ""
    return parsed if written and written.group(1).lower() == parsed else ""


@lru_cache(maxsize=4096)  # spam repeats its domain; a lookup is the costliest step here
def domain_registrable(name: str) -> str | None:
    """Return the registrable domain of a host name (a.b.example.co.uk: example.co.uk), or
    None when the Public Suffix List does not make it one."""
    return public_suffixes().privatesuffix(name.lower().strip("."))


def _is_sentence_break(suffix: str) -> bool:
    # "thing.You" or "song.Love": a missing space before a new sentence, not a domain; links
    # are written in lower case or all capitals (FIREPA.COM).
    return suffix[:1].isupper() and suffix[1:].islower()


def _spaces(match: re.Match) -> str:
    """Stand in for a match already counted, so later patterns neither see it nor join
    across it, and positions stay as they were."""
    return " " * (match.end() - match.start())


def _prefix_before(text: str, start: int, prefix_ends: set[int]) -> int | None:
    """Return where the spaced scheme just before start (only whitespace between) ends."""
    # The scheme itself is blanked to spaces, so stop at the first end met walking back.
    position = start
    while position not in prefix_ends:
        if position == 0 or not text[position - 1].isspace():
            return None
        position -= 1
    return position


# A comment's text is scanned twice as it is scored, by the rules and by the model's cues,
# mostly as the same string: the second scan is a lookup. Scans are frozen, so sharing is safe.
@lru_cache(maxsize=256)
def links_find(text: str) -> LinkScan:
    """Find the links in normalised text, each counted once in the first form it matches."""
    urls, url_hosts, bare, spaced, hosts = [], [], [], [], []

    def url_found(match: re.Match) -> str:
        urls.append(match.group(0))
        url_hosts.append(_url_host(match.group(0), match.group(1)))
        host = URL_HOST.match(match.group(1) if match.group(1) is not None else match.group(0))
        hosts.append(host.group(1) if host else "")
        return _spaces(match)

    text = URL.sub(url_found, text)
    # A spaced scheme and the name after it are one link: the name is found below and counted
    # there; a scheme with no name after it counts on its own.
    prefix_ends: set[int] = set()

    def prefix_found(match: re.Match) -> str:
        if not any(character.isspace() for character in match.group(0)):
            return match.group(0)
        prefix_ends.add(match.end())
        return _spaces(match)

    text = SPACED_PREFIX.sub(prefix_found, text)
    absorbed: set[int | None] = set()

    def spaced_domain_found(match: re.Match) -> str:
        name, dot, suffix, path = match.groups()
        one_sided = dot.strip() == "." and not (dot[0].isspace() and dot[-1].isspace())
        if (
            (one_sided and not path and suffix.lower() not in WORDLESS_SUFFIXES)
            or (dot.strip().lower() == "dot" and name.lower() in DOT_WORD_NAMES)
            or _is_sentence_break(suffix)
            or domain_registrable(f"{name}.{suffix}") is None
        ):
            return match.group(0)
        spaced.append(match.group(0).strip())
        hosts.append(f"{name}.{suffix}")
        absorbed.add(_prefix_before(text, match.start(), prefix_ends))
        return _spaces(match)

    text = SPACED_DOMAIN.sub(spaced_domain_found, text)
    for match in BARE_DOMAIN.finditer(text) if _DOTTED.search(text) else ():
        name, path = match.groups()
        suffix = name.rsplit(".", 1)[1]
        if _is_sentence_break(suffix) or domain_registrable(name) is None:
            continue
        if suffix.lower() in FILE_EXTENSION_SUFFIXES and name.count(".") == 1 and not path:
            continue
        hosts.append(name)
        prefix = _prefix_before(text, match.start(), prefix_ends)
        # "shortener.example / Ab12": a domain whose path is spaced apart is a spaced link.
        if prefix is not None or (path and any(character.isspace() for character in path)):
            absorbed.add(prefix)
            spaced.append(match.group(0).strip())
        else:
            bare.append(name)
    spaced.extend("spaced-out scheme" for end in sorted(prefix_ends - absorbed))
    hosts = [host.lower() for host in hosts if host]
    shorteners = [host for host in hosts if (domain_registrable(host) or host) in SHORTENER_DOMAINS]
    return LinkScan(
        tuple(urls), tuple(bare), tuple(spaced), tuple(shorteners), tuple(hosts), tuple(url_hosts)
    )
