"""The spam scorer: a pure function from a submission and the rules to a verdict with reasons.

No database, cache or network in here. Persistence, model loading and routing sit around it
in moderation.services, which is what makes the scorer testable, benchmarkable and
explainable: every point of the score comes with a sentence a moderator can read.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .contacts import contacts_find
from .keywords import DEFAULT_DISALLOWED_KEYWORDS, DEFAULT_MODERATION_KEYWORDS, keyword_list
from .links import links_find
from .normalise import submission_normalise, text_normalise

PUBLISHED, HELD, SPAM = "published", "held", "spam"
HOLD_WEIGHT = 0.5  # a rule that on its own sends a comment to a moderator
SPAM_WEIGHT = 1.0  # a rule that on its own marks a comment spam
AUTHOR_SPAM_WEIGHT = 0.3  # earlier spam counts against an author, but holds nothing alone
TRUSTED_WEIGHT = -0.4  # approved history outweighs one hold-level rule, not two
# Readers write bare domains ("I read it on bbc.co.uk") and shortened links too, so each only
# tips a doubtful comment (a model's 0.3 or more) over to a moderator; a shortener weighs more
# because it hides where it leads. Together with the default moderation keyword 'bit.ly' a
# shortener stays held (0.8), not spam.
BARE_DOMAIN_WEIGHT = 0.2
SHORTENER_WEIGHT = 0.3
# A link spaced out or written in look-alike characters is written to get past a filter, and
# a phone number or messenger contact asks readers to leave the site: each holds on its own,
# and with a second signal (a keyword, the model) reaches spam.
EVASION_WEIGHT = HOLD_WEIGHT
CONTACT_WEIGHT = HOLD_WEIGHT
# A repeated text counts against its poster only from this length: short replies ("Like",
# "wow", "nice song", "thanks for this") are what many people say, not a copy.
DISTINCTIVE_WORDS = 5
DISTINCTIVE_CHARS = 25


class SpamClassifier(Protocol):
    version: str

    def predict_proba(self, texts: Sequence[str], *, own_hosts: tuple[str, ...] = ()): ...


@dataclass(frozen=True)
class Rules:
    hold_all: bool = False
    link_limit: int = 2
    moderation_keywords: tuple[str, ...] = ()
    disallowed_keywords: tuple[str, ...] = ()
    min_seconds_to_submit: int = 3
    hold_first_comment: bool = False
    trust_approved_authors: bool = True
    hold_threshold: float = 0.5
    spam_threshold: float = 0.9
    # The site's own host names (core.http.site_host): a reader linking to another page here
    # is the most ordinary thing on a blog, so links to them count in no link rule but
    # hidden_link, nor in the model's link cues (moderation.links.site_host_own).
    own_hosts: tuple[str, ...] = ()

    @classmethod
    def defaults(cls) -> "Rules":
        """The rules a new site starts with, keyword lists included."""
        return cls(
            moderation_keywords=keyword_list(DEFAULT_MODERATION_KEYWORDS),
            disallowed_keywords=keyword_list(DEFAULT_DISALLOWED_KEYWORDS),
        )


@dataclass(frozen=True)
class AuthorHistory:
    is_staff: bool = False
    approved: int = 0
    spam: int = 0
    # False for a guest whose address nobody confirmed: a new author every time.
    known: bool = True


@dataclass(frozen=True)
class Submission:
    text: str
    name: str = ""
    email: str = ""
    url: str = ""
    ip_address: str = ""
    user_agent: str = ""
    seconds_to_submit: float | None = None
    honeypot: str = ""
    earlier_copies: int = 0
    # Earlier copies of this text on the site, by anyone, that a moderator marked spam, and
    # that a moderator approved.
    spam_copies: int = 0
    approved_copies: int = 0
    shadow_banned: bool = False
    author: AuthorHistory = field(default_factory=AuthorHistory)


@dataclass(frozen=True)
class Reason:
    code: str
    text: str  # in English, as the audit record keeps it
    weight: float
    # The figures in the text, kept beside it so that moderation.reasons can say it again in
    # a moderator's language (the scorer itself knows nothing of languages).
    params: dict = field(default_factory=dict, hash=False)

    def as_dict(self) -> dict:
        found = {"code": self.code, "reason": self.text, "weight": round(self.weight, 3)}
        return {**found, "params": self.params} if self.params else found


@dataclass(frozen=True)
class Verdict:
    score: float
    decision: str
    reasons: tuple[Reason, ...]
    model_version: str = ""


def count_links(text: str) -> int:
    """Links a reader put in the comment text, in every form: URLs, www. addresses, Markdown
    links, bare domains and spaced-out links, in the text as normalised for the rules."""
    return links_find(text_normalise(text)).total


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _shown(found: Sequence[str]) -> list[str]:
    """The first few of what a rule found, each once: enough to see the rule was right."""
    return list(dict.fromkeys(found[:3]))


def _listed(found: Sequence[str], word: str) -> str:
    """'2 bare domains: a.com, b.com': what a moderator needs to see the rule was right."""
    return f"{_plural(len(found), word)}: {', '.join(_shown(found))}"


def _traps(submission: Submission, rules: Rules) -> Iterator[Reason]:
    if submission.shadow_banned:
        yield Reason("shadow_ban", "the author is shadow-banned", SPAM_WEIGHT * 2)
    if submission.honeypot:
        yield Reason("honeypot", "the hidden honeypot field was filled in", SPAM_WEIGHT)


def _keywords(submission: Submission, rules: Rules) -> Iterator[Reason]:
    haystack = "\n".join(
        [submission.text, submission.name, submission.email, submission.url,
         submission.ip_address, submission.user_agent]
    ).lower()  # fmt: skip
    disallowed = next((k for k in rules.disallowed_keywords if k in haystack), None)
    if disallowed:
        yield Reason(
            "disallowed_keyword", f"matches disallowed keyword '{disallowed}'", SPAM_WEIGHT,
            {"keyword": disallowed},
        )  # fmt: skip
    suspicious = next((k for k in rules.moderation_keywords if k in haystack), None)
    if suspicious:
        yield Reason(
            "moderation_keyword", f"matches moderation keyword '{suspicious}'", HOLD_WEIGHT,
            {"keyword": suspicious},
        )  # fmt: skip


# Each kind of link or contact a scan finds: its reason code, the scan's field, the words a
# moderator reads and its weight.
LINK_KINDS = (
    ("bare_domain", "bare_domains", "bare domain", BARE_DOMAIN_WEIGHT),
    ("spaced_link", "spaced", "spaced-out link", EVASION_WEIGHT),
    ("shortener", "shorteners", "shortened link", SHORTENER_WEIGHT),
)
CONTACT_KINDS = (
    ("phone", "phones", "phone number", CONTACT_WEIGHT),
    ("telegram", "telegram", "Telegram contact", CONTACT_WEIGHT),
    ("whatsapp", "whatsapp", "WhatsApp contact", CONTACT_WEIGHT),
)


def _kinds_found(scan: object, kinds: Sequence[tuple[str, str, str, float]]) -> Iterator[Reason]:
    for code, field_name, word, weight in kinds:
        found = getattr(scan, field_name)
        if found:
            yield Reason(
                code, _listed(found, word), weight, {"count": len(found), "found": _shown(found)}
            )


def _links(submission: Submission, rules: Rules) -> Iterator[Reason]:
    found = links_find(submission.text).elsewhere(rules.own_hosts)
    if rules.link_limit and found.total >= rules.link_limit:
        yield Reason("links", _plural(found.total, "link"), HOLD_WEIGHT, {"count": found.total})
    yield from _kinds_found(found, LINK_KINDS)


def _hidden_links(original: Submission, normalised: Submission) -> Iterator[Reason]:
    # Links that only appear once full-width, styled or invisible characters are folded away
    # were disguised on purpose: nobody types a URL in full-width letters or puts a zero-width
    # space inside one by accident.
    if original.text == normalised.text:
        return
    # Compared by host: a URL with an invisible character after it is the same link.
    hidden = set(links_find(normalised.text).hosts) - set(links_find(original.text).hosts)
    if hidden:
        found = sorted(hidden)
        yield Reason(
            "hidden_link",
            _listed(found, "link") + " written in look-alike or invisible characters",
            EVASION_WEIGHT,
            {"count": len(found), "found": _shown(found)},
        )


def _contacts(submission: Submission, rules: Rules) -> Iterator[Reason]:
    yield from _kinds_found(contacts_find(submission.text), CONTACT_KINDS)


def _content(submission: Submission, rules: Rules) -> Iterator[Reason]:
    seconds = submission.seconds_to_submit
    if seconds is not None and seconds < rules.min_seconds_to_submit:
        shown = round(max(seconds, 0))  # as f"{seconds:.0f}" rounds: half to even
        yield Reason(
            "too_fast",
            f"sent {shown} s after the form was shown (minimum {rules.min_seconds_to_submit} s)",
            HOLD_WEIGHT,
            {"seconds": shown, "minimum": rules.min_seconds_to_submit},
        )
    # Copies count only when they are the same poster's (the selectors count those) and the
    # text is long enough to be distinctive: "nice song" is common, not a repeat.
    if submission.earlier_copies and distinctive(submission.text):
        yield Reason(
            "duplicate",
            f"the same poster sent this text {_plural(submission.earlier_copies, 'time')} before",
            HOLD_WEIGHT,
            {"count": submission.earlier_copies},
        )
    # A campaign posts one text from many accounts: once a moderator here has marked a
    # distinctive text spam, they need not be asked about it again, whoever sends it.
    if submission.spam_copies and distinctive(submission.text):
        yield Reason(
            "spam_copy",
            "a moderator marked this text spam here "
            f"{_plural(submission.spam_copies, 'time')} before",
            SPAM_WEIGHT,
            {"count": submission.spam_copies},
        )
    elif submission.approved_copies and distinctive(submission.text):
        # The same words a moderator already read and let through here ("Song - Title:
        # link"): asking again is wasted time. Like trust, it outweighs one hold-level rule.
        yield Reason(
            "approved_copy",
            "a moderator approved this text here "
            f"{_plural(submission.approved_copies, 'time')} before",
            TRUSTED_WEIGHT,
            {"count": submission.approved_copies},
        )


def distinctive(text: str) -> bool:
    """Long enough for a repeat to be a copy, not what many people say."""
    return len(text.split()) >= DISTINCTIVE_WORDS and len(text.strip()) >= DISTINCTIVE_CHARS


def _author(submission: Submission, rules: Rules) -> Iterator[Reason]:
    author = submission.author
    if author.spam:
        yield Reason(
            "author_spam", f"author has {_plural(author.spam, 'comment')} marked spam",
            AUTHOR_SPAM_WEIGHT, {"count": author.spam},
        )  # fmt: skip
    if author.is_staff:
        yield Reason("staff", "author is a member of staff", -SPAM_WEIGHT)
    elif rules.trust_approved_authors and author.approved and not author.spam:
        yield Reason(
            "trusted", f"trusted author: {_plural(author.approved, 'approved comment')}",
            TRUSTED_WEIGHT, {"count": author.approved},
        )  # fmt: skip
    elif not author.approved:
        text = (
            "first comment from this author"
            if author.known
            else "guest without a confirmed email: treated as a first comment"
        )
        yield Reason("first_comment", text, HOLD_WEIGHT if rules.hold_first_comment else 0.0)


# Each rule reads the normalised submission and the site's rules and gives its reasons, in
# the order a moderator reads them.
RULE_CHECKS = (_traps, _keywords, _links, _contacts, _content, _author)


def _model_decides_alone(reasons: Sequence[Reason], rules: Rules) -> bool:
    """Whether the model's vote is what takes a comment over the spam threshold while the model
    itself is below it. A model trained elsewhere reads a reader citing two sources as link
    spam; it may send such a comment to a moderator, but not to the spam folder, where
    nobody would look."""
    model = next((r.weight for r in reasons if r.code == "model"), 0.0)
    without_model = sum(r.weight for r in reasons) - model
    return 0.0 < model < rules.spam_threshold and without_model < rules.spam_threshold


def score_submission(
    submission: Submission,
    rules: Rules,
    model: SpamClassifier | None = None,
    model_note: str = "",
) -> Verdict:
    """Score a submission in [0, 1] and decide: published, held or spam, with reasons."""
    normalised = submission_normalise(submission)
    reasons = [reason for check in RULE_CHECKS for reason in check(normalised, rules)]
    reasons.extend(_hidden_links(submission, normalised))
    model_version = ""
    if model is not None:
        # The model normalises the original text itself, as its stored settings say it was
        # trained: a model trained before normalisation keeps scoring as it did.
        probability = float(model.predict_proba([submission.text], own_hosts=rules.own_hosts)[0])
        model_version = model.version
        reasons.append(
            Reason(
                "model", f"model: {probability:.2f} spam", probability,
                {"probability": round(probability, 2)},
            )
        )  # fmt: skip
    elif model_note:
        reasons.append(Reason("model", model_note, 0.0))
    if rules.hold_all:
        reasons.append(Reason("hold_all", "every comment is approved by a moderator", 0.0))

    score = min(max(sum(r.weight for r in reasons), 0.0), 1.0)
    if score >= rules.spam_threshold and _model_decides_alone(reasons, rules):
        reasons.append(
            Reason("model_unsure", "the model alone is not sure it is spam: held, not marked", 0.0)
        )
        decision = HELD
    elif score >= rules.spam_threshold:
        decision = SPAM
    elif score >= rules.hold_threshold or rules.hold_all:
        decision = HELD
    else:
        decision = PUBLISHED
    return Verdict(
        score=score, decision=decision, reasons=tuple(reasons), model_version=model_version
    )
