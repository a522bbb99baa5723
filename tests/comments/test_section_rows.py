"""A comment section reads its comments as plain rows (comments.selectors.SectionRow), not
as model instances: building a three-table model per comment was a fifth of the time a
1,000-comment thread took to render."""

import pytest
from django.db.models.signals import post_init

from comments.models import Comment
from comments.selectors import SectionRow, Viewer, comment_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def comments_built():
    """How many Comment instances were made while the fixture was in use."""
    built = []

    def count(sender, **_):
        built.append(sender)

    post_init.connect(count, sender=Comment)
    yield built
    post_init.disconnect(count, sender=Comment)


def test_the_article_page_builds_no_comment_model_for_its_threads(
    client, article, post, comments_built
):
    root = post(article, "The first words")
    post(article, "An answer", reply_to=root.pk)
    for n in range(20):
        post(article, f"More words, number {n}")
    comments_built.clear()

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert "The first words" in response.text and "An answer" in response.text
    assert comments_built == []


def test_a_section_row_carries_what_the_section_shows(article, post):
    root = post(article, "Root words")
    reply = post(article, "Reply words", reply_to=root.pk)
    Comment.objects.filter(pk=reply.pk).update(upvotes=3)

    rows = comment_page(article=article, viewer=Viewer()).rows

    assert all(isinstance(row, SectionRow) for row in rows)
    first, second = rows
    assert (first.pk, first.level, second.pk, second.parent_id) == (root.pk, 0, reply.pk, root.pk)
    assert second.upvotes == 3 and second.status == "published"
    assert "Reply words" in second.comment_html
    assert second.submit_date == Comment.objects.get(pk=reply.pk).submit_date
    assert second.submission_meta == {}
