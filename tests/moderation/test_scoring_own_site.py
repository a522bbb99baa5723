"""Links to the site's own pages: the most ordinary thing on a blog, no sign of spam."""

from dataclasses import replace

import pytest
from django.test import override_settings

from comments.services import Poster, comment_submit
from moderation import features, selectors
from moderation.links import links_find, site_host_own
from moderation.models import SpamVerdict
from moderation.scoring import Rules, Submission, score_submission
from moderation.starter import starter_model

SITE = "myblog.example.org"
RULES = replace(Rules.defaults(), own_hosts=(SITE,))
LINK_CODES = {"links", "bare_domain", "shortener", "spaced_link", "hidden_link"}
# A reader pointing at two earlier articles here, in the two forms readers write links.
OWN_LINKS = (
    "Your piece on the budget (myblog.example.org/2023/budget) said the same about the "
    "council vote, and so did https://myblog.example.org/2024/council-vote"
)
OTHER_LINKS = OWN_LINKS.replace("myblog.example.org", "news.example.net")


def codes(text: str, rules: Rules = RULES, model=None) -> set[str]:
    return {r.code for r in score_submission(Submission(text=text), rules, model).reasons}


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_links_to_the_sites_own_pages_are_no_reason():
    """Neither the link count nor the bare-domain rule reads the site's own links."""
    assert codes(OWN_LINKS) & LINK_CODES == set()
    # Without the site's host the same text is two links, one a bare domain.
    assert {"links", "bare_domain"} <= codes(OWN_LINKS, Rules.defaults())


def test_links_to_another_host_still_count():
    """Another host's links are reasons as before, beside the site's own or not."""
    assert {"links", "bare_domain"} <= codes(OTHER_LINKS)
    mixed = f"{OWN_LINKS} and bbc.co.uk/news and https://www.theguardian.com/politics"
    verdict = score_submission(Submission(text=mixed), RULES)
    links = next(r for r in verdict.reasons if r.code == "links")
    assert links.params == {"count": 2}
    bare = next(r for r in verdict.reasons if r.code == "bare_domain")
    assert bare.params["found"] == ["bbc.co.uk"]


@pytest.mark.parametrize(
    ("site", "host", "own"),
    [
        (SITE, SITE, True),
        (SITE, "MyBlog.Example.org", True),
        (f"www.{SITE}", SITE, True),  # the site's name without www. is its own
        (SITE, f"www.{SITE}", True),
        (SITE, f"docs.{SITE}", True),  # names under the site's are in its owner's zone
        (SITE, "example.org", False),  # its parent is not
        (SITE, f"{SITE}.evil.example.net", False),
        (SITE, f"not{SITE}", False),
        # On a hosting service's public suffix the neighbours are other people's sites.
        ("myblog.github.io", "spam.github.io", False),
        ("github.io", "spam.github.io", False),
        ("127.0.0.1", "127.0.0.1", True),
    ],
)
def test_which_hosts_are_the_sites_own(site, host, own):
    """The site's host, the same without www., and names under it; never its neighbours."""
    assert site_host_own(host, (site,)) is own


def test_a_link_that_only_looks_like_the_sites_own_counts():
    """An address whose host is another once a browser reads it is not the site's."""
    spoof = f"https://{SITE}@evil.example.net/a and https://{SITE}:x@evil.example.net/b"
    assert "links" in codes(spoof)
    assert links_find(spoof).elsewhere((SITE,)).total == 2


def test_a_disguised_link_to_the_site_is_still_a_hidden_link():
    """A link written in look-alike characters is suspicious wherever it leads."""
    assert "hidden_link" in codes(f"read {full_width(SITE + '/2024/vote')} now")


def test_a_spaced_out_link_to_the_site_is_still_a_spaced_link():
    """A link broken up to get past a filter is suspicious wherever it leads."""
    assert "spaced_link" in codes(f"read h t t p s : / / {SITE}/2024 now")


def test_the_models_link_cues_leave_out_the_sites_own_links():
    """The starter reads a reader's links to the site as no links, others as before."""
    model = starter_model()
    spam = model.predict_proba([OWN_LINKS])[0]
    assert model.predict_proba([OWN_LINKS], own_hosts=(SITE,))[0] < spam - 0.3
    assert model.predict_proba([OTHER_LINKS], own_hosts=(SITE,))[0] == pytest.approx(
        model.predict_proba([OTHER_LINKS])[0]
    )
    own, other = features.dense_rows([OWN_LINKS, OTHER_LINKS], own_hosts=(SITE,))
    links, hidden_links = features.NAMES.index("links"), features.NAMES.index("hidden_links")
    assert (own[links], own[hidden_links]) == (0.0, 0.0)
    assert other[links] > 0 and other[hidden_links] == 1.0


@pytest.mark.django_db(transaction=True)
@override_settings(PARLEY_SITE_URL=f"https://{SITE}:8443/")
def test_the_sites_host_reaches_the_scorer_through_comment_submit(make_article):
    """Posted and scored inline, and scored again by a worker, the site's links are none."""
    assert selectors.rules_for_scoring(selectors.rules_get()).own_hosts == (SITE,)
    article = make_article()
    own = comment_submit(article=article, poster=Poster(name="Ann"), text=OWN_LINKS)
    other = comment_submit(article=article, poster=Poster(name="Bob"), text=OTHER_LINKS)
    own.refresh_from_db()
    assert own.status == "published"
    own_codes = {r["code"] for r in SpamVerdict.objects.get(comment=own).reasons}
    assert own_codes & LINK_CODES == set()
    other_codes = {r["code"] for r in SpamVerdict.objects.get(comment=other).reasons}
    assert {"links", "bare_domain"} <= other_codes

    # Without the judge it is stored pending and scored once committed (comment_score).
    with override_settings(PARLEY_COMMENT_JUDGE=""):
        queued = comment_submit(article=article, poster=Poster(name="Cy"), text=OWN_LINKS)
    queued.refresh_from_db()
    assert queued.status == "published"
    queued_codes = {r["code"] for r in SpamVerdict.objects.get(comment=queued).reasons}
    assert queued_codes & LINK_CODES == set()


@pytest.mark.django_db
def test_the_site_model_learns_the_sites_own_links_as_no_links():
    """Trained as it is served: its readers citing the site's pages do not teach the site
    model that links are no sign of spam."""
    from moderation.learning_model import TrainedModel
    from moderation.models import SpamModel, TrainingExample
    from moderation.services import spam_model_train

    for n in range(6):
        TrainingExample.objects.create(
            text=f"As the article on the vote said (https://{SITE}/2024/vote-{n}), it passed.",
            is_spam=False,
            source="moderator",
        )
        TrainingExample.objects.create(
            text=f"Cheap followers at https://spam{n}.example.net/buy today", is_spam=True,
            source="moderator",
        )  # fmt: skip
    links = features.NAMES.index("links")

    def links_weight(site_url: str) -> float:
        with override_settings(PARLEY_SITE_URL=site_url):
            stored = spam_model_train(force=True)
        model = TrainedModel.from_bytes(bytes(stored.parameters))
        SpamModel.objects.all().delete()
        return float(model.dense_coef[links])

    # Read as links, the readers' citations weigh against links being spam.
    assert links_weight(f"https://{SITE}/") > links_weight("https://elsewhere.example.com/")
