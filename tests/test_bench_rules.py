"""The benchmarks' posters are scripts that send the form at once. bench.peers (through
http_load), bench.post_profile and bench.worker_batch turn the scorer's too-fast rule off with
bench.seed.scripted_posters_allowed; post_profile once did not, so the posts a machine got
through in the form's first seconds were held and the rest were not, and its queries per post
(12.0 on one machine, 13.4 on a slower one) depended on the machine's speed."""

import pytest

from bench.seed import scripted_posters_allowed
from comments.services import Poster, comment_submit
from moderation.models import SpamVerdict


def _reasons(article, text: str) -> list[str]:
    comment = comment_submit(
        article=article, poster=Poster(name="Script"), text=text, meta={"form_seconds": 0}
    )
    return [reason["code"] for reason in SpamVerdict.objects.get(comment=comment).reasons]


@pytest.mark.django_db
def test_a_form_sent_at_once_is_judged_as_if_a_person_had_taken_their_time(article):
    assert "too_fast" in _reasons(article, "A first remark about the harbour works.")
    scripted_posters_allowed()
    assert "too_fast" not in _reasons(article, "A second remark, on the ferry timetable.")
