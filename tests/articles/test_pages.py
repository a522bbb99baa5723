from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.services import article_create, update_publish

pytestmark = pytest.mark.django_db


def test_front_page_lists_published_articles_newest_first_with_counts(client, make_article, post):
    """/ lists published articles newest first with their published comment counts."""
    older = make_article(title="Older story")
    Article.objects.filter(pk=older.pk).update(published_at=timezone.now() - timedelta(days=3))
    newer = make_article(title="Newer story")
    make_article(title="Draft story", publish=False)
    post(newer)
    post(newer)
    post(newer, status="held")
    html = client.get("/").content.decode()
    assert html.index("Newer story") < html.index("Older story")
    assert "Draft story" not in html
    assert "2 comments" in html and "0 comments" in html


def test_front_page_query_count_is_fixed(client, make_article, django_assert_max_num_queries):
    """The front page costs the same few queries however many articles it lists."""
    for _ in range(8):
        make_article()
    with django_assert_max_num_queries(4):
        client.get("/")


def test_future_and_draft_articles_are_404(client, make_article):
    """A draft, or an article scheduled in the future, is not found by readers."""
    draft = make_article(publish=False)
    scheduled = make_article()
    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() + timedelta(days=1))
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_article_page_shows_body_and_update_timeline_newest_first(client, author):
    """Updates show as "Update, 27 November 2026: ..." above the comments, newest first."""
    article = article_create(
        title="Timeline", body="## Part one\n\n- a\n- b", authors=[author], publish=True
    )
    update_publish(
        article=article,
        author=author,
        body="First *follow-up*.",
        when=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
    )
    update_publish(
        article=article,
        author=author,
        body="Second follow-up.",
        when=datetime(2026, 11, 27, 9, 0, tzinfo=UTC),
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<h2>Part one</h2>" in html and "<li>a</li>" in html
    assert "By Ada Writer" in html
    second = html.index("Update, <time")
    assert "27 November 2026" in html[second : second + 120]
    assert html.index("Second follow-up.") < html.index("First <em>follow-up</em>.")
    assert html.index("First <em>follow-up</em>.") < html.index('id="comments"')


def test_article_markdown_is_sanitized_on_the_page(client, author):
    """Scripts and event handlers in an article's Markdown never reach the page."""
    article = article_create(
        title="Hostile",
        authors=[author],
        publish=True,
        body=(
            'Intro\n\n<script>alert("x")</script>\n\n<img src=x onerror=alert(1)>\n\n'
            "[a](javascript:alert(1))"
        ),
    )
    update_publish(article=article, author=author, body="<svg onload=alert(1)>hi")
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'alert("x")' not in html and "onerror" not in html and "onload" not in html
    assert "javascript:" not in html


def test_slugs_are_unique(author):
    """Two articles with one title get distinct slugs."""
    first = article_create(title="Same title", body="x", authors=[author])
    second = article_create(title="Same title", body="x", authors=[author])
    assert first.slug == "same-title" and second.slug == "same-title-2"
