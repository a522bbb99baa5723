"""An article's publication and comment states, named once on the model."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, CommentsState, PublicationState

pytestmark = pytest.mark.django_db


def test_publication_states(make_article):
    """Draft, scheduled (published in the future) and published."""
    draft, live = make_article(publish=False), make_article()
    scheduled = make_article()
    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() + timedelta(days=1))
    scheduled.refresh_from_db()
    assert [a.publication_state for a in (draft, scheduled, live)] == [
        PublicationState.DRAFT, PublicationState.SCHEDULED, PublicationState.PUBLISHED
    ]  # fmt: skip


def test_comment_states(make_article, settings):
    """Open, closed by hand, closed by age, and open once a draft is published."""
    settings.PARLEY_CLOSE_COMMENTS_AFTER_DAYS = 10
    old = make_article()
    Article.objects.filter(pk=old.pk).update(published_at=timezone.now() - timedelta(days=11))
    old.refresh_from_db()
    states = [
        make_article().comments_state,
        make_article(comments_open=False).comments_state,
        old.comments_state,
        make_article(publish=False).comments_state,
    ]
    assert states == [
        CommentsState.OPEN, CommentsState.CLOSED, CommentsState.CLOSED_BY_AGE,
        CommentsState.AWAITING_PUBLICATION,
    ]  # fmt: skip
