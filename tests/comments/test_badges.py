"""Badges beside a commenter's name: "Author" for the article's authors, "Moderator" for
moderators, "Member" for every other account, nothing for a guest."""

import re

import pytest

pytestmark = pytest.mark.django_db


def badges_of(html, comment):
    entry = re.search(rf'<li id="c{comment.pk}".*?</footer>', html, re.S).group(0)
    return re.findall(r'<span class="badge">([^<]*)</span>', entry)


def test_the_articles_author_moderator_and_guest_get_their_badges(
    client, make_article, author, moderator, make_user, post
):
    """On an article's page its author's comment says Author, a moderator's says Moderator,
    another reader's says Member (an account's), and a guest's carries none."""
    article = make_article(authors=[author])
    by_author = post(article, "From the writer", name="Ada Writer", user=author)
    by_moderator = post(article, "From the desk", name="Mod", user=moderator)
    by_reader = post(article, "From a reader", name="Reader", user=make_user())
    by_guest = post(article, "From a guest", name="Guest")
    html = client.get(article.get_absolute_url()).content.decode()
    assert badges_of(html, by_author) == ["Author"]
    assert badges_of(html, by_moderator) == ["Moderator"]
    assert badges_of(html, by_reader) == ["Member"] and badges_of(html, by_guest) == []


def test_the_author_badge_belongs_to_the_article_not_the_role(client, make_article, author, post):
    """An author commenting on someone else's article is shown without the Author badge,
    as any account: a Member."""
    article = make_article(authors=[])
    comment = post(article, "Visiting", name="Ada Writer", user=author)
    html = client.get(article.get_absolute_url()).content.decode()
    assert badges_of(html, comment) == ["Member"]


def test_a_guest_under_an_accounts_name_is_told_apart_from_the_account(
    client, make_article, make_user, post
):
    """A guest comment under an account's name (posted before names were checked, or
    imported) carries no badge, the account's own comment carries Member: readers can tell
    which one the account wrote."""
    article = make_article()
    by_account = post(article, "The real one", name="bea", user=make_user("bea"))
    by_guest = post(article, "The other one", name="bea")
    html = client.get(article.get_absolute_url()).content.decode()
    assert badges_of(html, by_account) == ["Member"]
    assert badges_of(html, by_guest) == []
