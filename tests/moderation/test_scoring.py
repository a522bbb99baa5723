"""The pure scorer: each rule, its weight, its explanation, and the three bands."""

import pytest

from moderation.keywords import keyword_list
from moderation.scoring import (
    AuthorHistory,
    Rules,
    Submission,
    count_links,
    score_submission,
)

RULES = Rules(moderation_keywords=("casino",), disallowed_keywords=("viagra",))
REGULAR = AuthorHistory(approved=0, spam=0)


class FixedModel:
    version = "test-v1"

    def __init__(self, probability):
        self.probability = probability

    def predict_proba(self, texts, *, own_hosts=()):
        return [self.probability for _ in texts]


def verdict_for(text="A considered reply about the grid.", rules=RULES, model=None, **fields):
    return score_submission(Submission(text=text, **fields), rules, model)


def codes(verdict):
    return {reason.code for reason in verdict.reasons}


def test_an_ordinary_comment_is_published():
    """No rule fires for a plain comment from a new author: score 0, published."""
    verdict = verdict_for(seconds_to_submit=40)
    assert (verdict.score, verdict.decision) == (0.0, "published")
    assert codes(verdict) == {"first_comment"}


@pytest.mark.parametrize(
    ("fields", "code", "explanation", "decision"),
    [
        (
            {"text": "Try a casino tonight"},
            "moderation_keyword",
            "matches moderation keyword 'casino'",
            "held",
        ),
        (
            {"name": "Casino Bob"},
            "moderation_keyword",
            "matches moderation keyword 'casino'",
            "held",
        ),
        (
            {"text": "cheap viagra"},
            "disallowed_keyword",
            "matches disallowed keyword 'viagra'",
            "spam",
        ),
        (
            {"url": "https://viagra.example"},
            "disallowed_keyword",
            "matches disallowed keyword 'viagra'",
            "spam",
        ),
        ({"text": "see http://a.example and www.b.example"}, "links", "2 links", "held"),
        ({"honeypot": "filled"}, "honeypot", "the hidden honeypot field was filled in", "spam"),
        (
            {"seconds_to_submit": 1},
            "too_fast",
            "sent 1 s after the form was shown (minimum 3 s)",
            "held",
        ),
        (
            {"earlier_copies": 2, "text": "Read my review of the new phone on my own blog"},
            "duplicate",
            "the same poster sent this text 2 times before",
            "held",
        ),
    ],
)
def test_each_rule_explains_itself(fields, code, explanation, decision):
    """Each rule adds a reason with its sentence and weight, and routes as documented."""
    verdict = verdict_for(**fields)
    reason = next(r for r in verdict.reasons if r.code == code)
    assert reason.text == explanation
    assert verdict.decision == decision


@pytest.mark.parametrize("text", ["Like", "wow", "nice song", "thanks for this", "Great point!"])
def test_short_common_replies_are_never_held_for_being_repeated(text):
    """However often the same poster says "nice song", a short reply is not a copy."""
    verdict = verdict_for(text=text, earlier_copies=5)
    assert "duplicate" not in {reason.code for reason in verdict.reasons}


def test_weights_add_up_and_are_clamped():
    """Two hold-level rules make spam-level evidence; the score never exceeds 1."""
    verdict = verdict_for(
        text="casino offers at http://a and http://b for you", seconds_to_submit=0, earlier_copies=3
    )
    assert verdict.score == 1.0
    assert verdict.decision == "spam"


def test_link_limit_zero_means_no_limit():
    """With link_limit 0 any number of links is fine."""
    rules = Rules(link_limit=0)
    assert verdict_for("http://a http://b http://c", rules=rules).decision == "published"


def test_first_comment_rule_holds_only_when_switched_on():
    """WordPress's "previously approved comment" option holds unknown authors."""
    assert verdict_for().decision == "published"
    held = verdict_for(rules=Rules(hold_first_comment=True))
    assert held.decision == "held"
    assert "first comment from this author" in [r.text for r in held.reasons]


def test_trusted_and_staff_authors_get_the_benefit_of_the_doubt():
    """Approved authors offset a hold-level rule; staff offset spam-level ones."""
    trusted = verdict_for("casino night", author=AuthorHistory(approved=4))
    assert trusted.decision == "published"
    assert "trusted author: 4 approved comments" in [r.text for r in trusted.reasons]
    staff = verdict_for("viagra discussion", author=AuthorHistory(is_staff=True))
    assert staff.decision == "published"


def test_an_author_with_spam_history_is_not_trusted():
    """A spam history adds weight and cancels the trusted discount."""
    verdict = verdict_for(author=AuthorHistory(approved=5, spam=2))
    assert "trusted" not in codes(verdict)
    assert "author has 2 comments marked spam" in [r.text for r in verdict.reasons]


@pytest.mark.parametrize(
    ("probability", "decision"), [(0.1, "published"), (0.6, "held"), (0.95, "spam")]
)
def test_model_probability_is_a_reason_and_routes(probability, decision):
    """The model's probability is shown ("model: 0.95 spam") and weighs as itself."""
    verdict = verdict_for(model=FixedModel(probability))
    assert f"model: {probability:.2f} spam" in [r.text for r in verdict.reasons]
    assert verdict.decision == decision
    assert verdict.model_version == "test-v1"


def test_thresholds_are_settings():
    """Raising the thresholds turns a held verdict into a published one."""
    rules = Rules(hold_threshold=0.8, spam_threshold=0.99)
    assert verdict_for("one http://a http://b", rules=rules).decision == "published"


def test_hold_all_holds_an_otherwise_clean_comment():
    """ "Every comment must be approved" holds even a perfect comment."""
    verdict = verdict_for(rules=Rules(hold_all=True))
    assert verdict.decision == "held"


def test_helpers_parse_keywords_and_links():
    """Keyword boxes are one per line; links count URLs, www addresses and Markdown links."""
    assert keyword_list(" Casino \n\n Bet Now\n") == ("casino", "bet now")
    assert count_links("[x](https://a) and www.b.example and http://c") == 3
