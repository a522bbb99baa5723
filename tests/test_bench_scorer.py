"""bench.peers prints the scorer's time per comment in the server (its verdicts' own) beside
the model's time on the same texts in one process (bench.peers_scorer): the figures must be
those of the posts asked about, and none when the model gave no verdict."""

import pytest
from django.test import override_settings

from bench.peers_scorer import scorer_times
from comments.services import Poster, comment_submit
from moderation.models import SpamVerdict


def _posted(article, *texts: str) -> list[int]:
    return [
        comment_submit(article=article, poster=Poster(name="Reader"), text=text).pk
        for text in texts
    ]


@pytest.mark.django_db
def test_the_times_are_those_of_the_comments_posted_after_the_one_named(article):
    before = _posted(article, "An earlier remark about the tram depot.")
    SpamVerdict.objects.filter(comment_id=before[0]).update(elapsed_ms=1000.0)
    after = _posted(
        article,
        "The timetable changes are welcome, though late.",
        "Will the night buses run over the holidays?",
        "A third point: the depot roof still leaks.",
    )
    SpamVerdict.objects.filter(comment_id__in=after).update(elapsed_ms=2.5)

    times = scorer_times(article.pk, after_id=before[0])

    assert times.comments == 3
    assert times.server_ms == 2.5
    assert 0 < times.one_process_ms < 1000


@pytest.mark.django_db
def test_no_times_without_verdicts_from_the_model(article):
    with override_settings(PARLEY_COMMENT_JUDGE=""):
        first = _posted(article, "Stored pending, as with a queue and no worker.")
    assert scorer_times(article.pk, after_id=first[0] - 1) is None
