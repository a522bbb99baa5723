"""Links and contacts in every form a spammer writes them, and the normalisation before them."""

import re
from dataclasses import replace

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from moderation import learning, links
from moderation.contacts import contacts_find
from moderation.links import domain_registrable, links_find
from moderation.normalise import submission_normalise, text_normalise
from moderation.scoring import (
    HOLD_WEIGHT,
    Rules,
    Submission,
    count_links,
    score_submission,
)

RULES = Rules.defaults()
ZERO_WIDTH_SPACE = "\u200b"
LINK_CODES = {"links", "bare_domain", "spaced_link", "shortener", "hidden_link"}
CONTACT_CODES = {"phone", "telegram", "whatsapp"}


def full_width(text: str) -> str:
    """Write ASCII text in full-width forms (U+FF01-U+FF5E), as in spam."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def mathematical_bold(text: str) -> str:
    """Write lowercase letters in mathematical bold (U+1D41A onwards)."""
    return "".join(chr(0x1D41A + ord(c) - ord("a")) if "a" <= c <= "z" else c for c in text)


def reasons_of(text: str, model=None) -> dict[str, str]:
    verdict = score_submission(Submission(text=text), RULES, model)
    return {reason.code: reason.text for reason in verdict.reasons}


def score_of(text: str, model=None) -> float:
    return score_submission(Submission(text=text), RULES, model).score


class FixedModel:
    version = "fixed"

    def __init__(self, probability: float):
        self.probability = probability

    def predict_proba(self, texts, *, own_hosts=()):
        return [self.probability for _ in texts]


# Prose with dots and digits that no rule may read as a link or a contact.
ORDINARY_PROSE = [
    "Prices rose, e.g. bread and milk, i.e. the basics.",
    "Mr.Smith wrote to the council about it.",
    "Pi is 3.14 and the ratio was 2.5 to 1.",
    "The site is built with node.js and React.",
    "The U.S. and the U.K. signed it (see annex B, etc.) last week.",
    "Run script.py, then open photo.jpg and notes.md.",
    "Version v1.2 fixed it; 1.2.3 broke it again.",
    "It was a special thing.You could share anything.",
    "Remember the dot com bubble? I wrote about it at the time.",
    "I code in C# and .net every day. me too, said Anna.",
    "The seasons 2012 2013 2014 were the best.",
    "The house sold for $1 000 000 after 18 months.",
    "Gangnam Style passed 2 000 000 000 views.",
    "See ISBN 978-3-16-148410-0, pages 12-14.",
    "My order 1234567890 never arrived; the router is at 192.168.100.200.",
    "It ran from 1999-2005 and cost 1.299,00 EUR.",
    "Count with me: 1 2 3 4 5 6 7 8 9 10.",
    "Write to me@example.com if you like.",
    "Thanks @anna, great point about the buses.",
    "I heard about it on Telegram and WhatsApp groups yesterday.",
]


@pytest.mark.parametrize("text", ORDINARY_PROSE)
def test_ordinary_prose_has_no_links_or_contacts(text):
    """Abbreviations, decimals, file names, versions, years, counts and prices are neither
    links nor contact details, and give none of the new reasons."""
    assert links_find(text_normalise(text)).total == 0
    assert contacts_find(text_normalise(text)) == contacts_find("")
    assert not (set(reasons_of(text)) & (LINK_CODES | CONTACT_CODES))


def test_normalise_folds_compatibility_forms_and_removes_invisible_characters():
    """NFKC folds full-width, bold and circled letters; zero-width characters, the soft
    hyphen and the byte order mark are dropped; ASCII text is returned as it is."""
    assert text_normalise(full_width("http://example.com/x")) == "http://example.com/x"
    assert text_normalise(mathematical_bold("casino")) == "casino"
    assert text_normalise("\u24b7\u24be\u24c9") == "BIT"  # circled capitals
    for invisible in "\u200b\u200c\u200d\u2060\ufeff\u00ad":
        assert text_normalise(f"exa{invisible}mple.com") == "example.com"
    assert text_normalise("plain text. 3.14") == "plain text. 3.14"
    assert text_normalise("") == ""


def test_normalise_reads_an_ideographic_full_stop_as_a_dot_only_inside_a_name():
    """example\u3002com is a domain to a browser; a full stop ending Chinese text stays."""
    assert text_normalise("example\u3002com") == "example.com"
    assert text_normalise("\u4f60\u597d\u3002") == "\u4f60\u597d\u3002"


def test_submission_normalise_covers_every_field_a_rule_reads():
    """Name, email, URL and user agent are normalised as well as the text."""
    normalised = submission_normalise(
        Submission(text=full_width("hi"), name=full_width("Casino"), url=full_width("x.com"))
    )
    assert (normalised.text, normalised.name, normalised.url) == ("hi", "Casino", "x.com")


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("see example.com/xyz now", "example.com"),
        ("You guys should visit EXAMPLE.COM today", "EXAMPLE.COM"),
        ("read it on news.example.co.uk/story", "news.example.co.uk"),
        ("donate at example.org.", "example.org"),
        (full_width("example.net/win"), "example.net"),
        (f"exam{ZERO_WIDTH_SPACE}ple.com/xyz", "example.com"),
    ],
)
def test_bare_domains_are_found_against_the_public_suffix_list(text, domain):
    """A name under a public suffix counts as a link without http:// or www., also when
    written in full-width letters or split by a zero-width space."""
    found = links_find(text_normalise(text))
    assert found.bare_domains == (domain,)
    assert found.total == 1
    assert reasons_of(text)["bare_domain"] == f"1 bare domain: {domain}"


def test_prose_whose_dots_end_sentences_is_not_scanned_for_bare_domains(monkeypatch):
    """The bare-domain pattern, a quarter of a comment's scan, runs only on a text with a dot
    between a name's characters; the links are found as before either way."""
    scanned = []
    pattern = links.BARE_DOMAIN

    class Watched:
        def finditer(self, text):
            scanned.append(text)
            return pattern.finditer(text)

    monkeypatch.setattr(links, "BARE_DOMAIN", Watched())
    prose = "We met at the station. It rained . Then dot the i and go (see https://example.org/a)."
    assert links.links_find.__wrapped__(prose).total == 1
    assert scanned == []
    assert links.links_find.__wrapped__("Then see Example.ORG today. Or not.").bare_domains == (
        "Example.ORG",
    )
    assert len(scanned) == 1


@pytest.mark.parametrize(
    "name", ["shortener.example", "a.test", "site.invalid", "app.localhost", "photo.jpg", "co.uk"]
)
def test_reserved_names_file_names_and_bare_suffixes_are_not_domains(name):
    """Reserved test names, unknown suffixes and a public suffix alone are no domain."""
    assert domain_registrable(name) is None
    assert links_find(f"see {name}/abc").total == 0


def test_a_file_extension_that_is_also_a_suffix_counts_only_with_a_path():
    """script.py and notes.md are files; evil.zip/get is a link."""
    assert links_find("run script.py and notes.md").total == 0
    assert links_find("get evil.zip/get").bare_domains == ("evil.zip",)


@pytest.mark.parametrize(
    "text",
    [
        "h t t p s : / / example . com / abc",
        "example . com / abc",
        "example dot com",
        "example(dot)com",
        "example [dot] com",
        "example.com / Ab12",
        "w w w . example . com",
        "h t t p : / /",
        full_width("h t t p s : / / example . com"),
    ],
)
def test_spaced_out_links_count_once_each(text):
    """A scheme, a dot or a path spaced out so nothing links it is one link, shown as such."""
    found = links_find(text_normalise(text))
    assert (found.total, len(found.spaced)) == (1, 1)
    assert reasons_of(text)["spaced_link"].startswith("1 spaced-out link: ")


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("The only thing she used was pimpmyviews. com", "pimpmyviews. com"),
        ("get yours at freegifts .org today", "freegifts .org"),
    ],
)
def test_a_com_or_org_after_a_dot_spaced_on_one_side_is_a_link_without_a_path(text, link):
    """No sentence goes on with "com" or "org": "views. com" is a link broken up, path or not,
    while a dot spaced on one side before any other word still ends a sentence."""
    assert links_find(text).spaced == (link,)
    assert reasons_of(text)["spaced_link"] == f"1 spaced-out link: {link}"
    assert links_find("It ended there. me too, I said.").total == 0
    assert links_find("We ran it on .net for years. info desk staff agreed.").total == 0


@pytest.mark.parametrize(
    ("text", "host"),
    [
        ("https://bit.ly/3abc", "bit.ly"),
        ("tinyurl.com/y7x", "tinyurl.com"),
        ("t.co/AbCd", "t.co"),
        ("www.goo.gl/xyz", "www.goo.gl"),
        ("rb.gy/abc and cutt.ly/x", "rb.gy"),
        (full_width("is.gd/x"), "is.gd"),
    ],
)
def test_url_shorteners_are_named(text, host):
    """Links through a well-known shortener give the shortener reason."""
    assert host in links_find(text_normalise(text)).shorteners
    assert host in reasons_of(text)["shortener"]


def test_a_normal_url_to_a_shortener_is_still_one_link():
    """https://www.bit.ly/x is one link (not one per scheme and www.), and a shortener."""
    found = links_find("https://www.bit.ly/x")
    assert (found.total, found.shorteners) == (1, ("www.bit.ly",))
    assert count_links("https://www.example.com/x") == 1


def test_every_form_of_link_counts_toward_the_link_limit():
    """A URL, a bare domain and a spaced-out link are three links: over the limit of 2."""
    text = "https://a.example/x and example.com/y and other . com / z"
    assert count_links(text) == 3
    reasons = reasons_of(text)
    assert reasons["links"] == "3 links"
    assert {"bare_domain", "spaced_link"} <= set(reasons)


@pytest.mark.parametrize(
    "text",
    [
        full_width("https://example.com/deal"),
        f"https://exam{ZERO_WIDTH_SPACE}ple.com/deal",
        mathematical_bold("example.com/deal"),
    ],
)
def test_a_link_only_visible_after_normalisation_is_hidden(text):
    """A link disguised in full-width, styled or invisible characters holds on its own."""
    verdict = score_submission(Submission(text=f"Great deal {text}"), RULES)
    hidden = next(reason for reason in verdict.reasons if reason.code == "hidden_link")
    assert hidden.text == "1 link: example.com written in look-alike or invisible characters"
    assert hidden.weight == HOLD_WEIGHT
    assert verdict.decision == "held"


def test_an_invisible_character_after_a_plain_url_hides_nothing():
    """YouTube appends U+FEFF to comments: a plain URL before it is not a hidden one."""
    assert "hidden_link" not in reasons_of("Roar: http://youtu.be/CevxZvSJLk8\ufeff")


@pytest.mark.parametrize(
    ("plain", "obfuscated"),
    [
        ("https://example.com/deal", full_width("https://example.com/deal")),
        ("https://example.com/deal", "h t t p s : / / example . com / deal"),
        ("https://example.com/deal", f"exam{ZERO_WIDTH_SPACE}ple.com/deal"),
        ("https://example.com/deal", "example dot com / deal"),
        ("https://bit.ly/deal", full_width("bit.ly/deal")),
        ("https://t.me/dealsbot", f"t{ZERO_WIDTH_SPACE}.me/dealsbot"),
        ("casino at https://example.com", mathematical_bold("casino") + " at example . com"),
    ],
)
@pytest.mark.parametrize("model", [None, FixedModel(0.3)])
def test_obfuscated_links_score_at_least_as_high_as_plain_ones(plain, obfuscated, model):
    """Disguising a link never lowers the score, with or without a model."""
    template = "Amazing offer for everyone, click {} now"
    plain_score = score_of(template.format(plain), model)
    obfuscated_score = score_of(template.format(obfuscated), model)
    assert obfuscated_score >= plain_score
    assert obfuscated_score >= HOLD_WEIGHT


@pytest.mark.parametrize(
    "text",
    [
        "call me +44 20 7946 0958",
        "text 555-123-4567 tonight",
        "ring (555) 123-4567",
        "+15551234567 lovely girl talk to me",
        "my mobile is 07911 123456",
        full_width("+44 20 7946 0958"),
        f"+44{ZERO_WIDTH_SPACE}20 7946 0958",
    ],
)
def test_phone_numbers_are_found(text):
    """International numbers and national ones with separators are a contact reason."""
    assert len(contacts_find(text_normalise(text)).phones) == 1
    assert reasons_of(text)["phone"].startswith("1 phone number: ")


@pytest.mark.parametrize(
    "text",
    [
        "join t.me/cryptokings",
        "https://telegram.me/cryptokings",
        "message me on Telegram: @cryptoking99",
        full_width("t.me/cryptokings"),
    ],
)
def test_telegram_contacts_are_found(text):
    """t.me links, and @handles in a text that names Telegram, give the telegram reason."""
    assert contacts_find(text_normalise(text)).telegram
    assert "telegram" in reasons_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "wa.me/15551234567",
        "join chat.whatsapp.com/AbCdEf123",
        "whatsapp +1 555 123 4567",
        "WhatsApp me on +44 7911 123456 for the offer",
        "Whats app: 07911 123456",
    ],
)
def test_whatsapp_contacts_are_found_once(text):
    """wa.me links, invitations and a number near the name give the whatsapp reason; the
    number is not counted again as a phone."""
    reasons = reasons_of(text)
    assert "whatsapp" in reasons
    assert "phone" not in reasons


def test_each_kind_gives_its_own_reason():
    """One comment with every kind lists each, so a moderator sees why."""
    text = (
        "visit example.com/a, example . com / b, bit.ly/c, call +44 20 7946 0958, "
        "t.me/deals, wa.me/15551234567 and " + full_width("https://example.org")
    )
    reasons = reasons_of(text)
    assert set(reasons) >= LINK_CODES | CONTACT_CODES
    assert score_of(text) == 1.0


def test_the_keyword_rules_read_normalised_text():
    """A disallowed word in full-width or bold letters, or split by a zero-width space,
    still matches."""
    for text in (full_width("viagra"), mathematical_bold("viagra"), f"via{ZERO_WIDTH_SPACE}gra"):
        assert "disallowed_keyword" in reasons_of(text)


def test_the_model_reads_normalised_text():
    """The model's features fold full-width and invisible characters, so a disguised text
    scores as the plain one does; a model stored before keeps its own reading."""
    texts = ["win money at example.com/x"] * 4 + ["thanks for the article"] * 4
    model = learning.train(texts, [1] * 4 + [0] * 4)
    plain, wide, split = model.predict_proba(
        [texts[0], full_width(texts[0]), f"win mo{ZERO_WIDTH_SPACE}ney at example.com/x"]
    )
    assert wide == pytest.approx(plain)
    assert split == pytest.approx(plain)
    assert learning.normalize(full_width("Casino")) == "casino"
    settings_before = {k: v for k, v in model.settings.items() if k != "normalise_unicode"}
    stored_before = replace(model, settings=settings_before)
    assert stored_before.predict_proba([full_width(texts[0])])[0] != pytest.approx(plain)


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "a",
                "Z",
                "9",
                "-",
                ".",
                " ",
                "  ",
                "com",
                "org",
                "dot",
                "(",
                ")",
                "[",
                "]",
                "{",
                "}",
                "/",
                "x" * 40,
                "\u017f",
                "é",
                "_",
                "@",
                "\n",
            ]
        ),
        max_size=14,
    ).map("".join)
)
@example("see example . com / abc and foo- . com and " + "a" * 70 + " . com")
@example("example(dot)com and a [ dot ] org and x-y-z dot net")
def test_the_spaced_domain_pattern_matches_as_the_backtracking_label_would(text):
    """SPACED_DOMAIN takes a label whole (atomic) where _LABEL gives characters back: the
    same matches, at the same places, as the pattern written with _LABEL."""
    backtracking = re.compile(
        links.SPACED_DOMAIN.pattern.replace(links._WHOLE_LABEL, links._LABEL), re.IGNORECASE
    )
    assert links._WHOLE_LABEL in links.SPACED_DOMAIN.pattern
    assert [(m.span(), m.groups()) for m in links.SPACED_DOMAIN.finditer(text)] == [
        (m.span(), m.groups()) for m in backtracking.finditer(text)
    ]
