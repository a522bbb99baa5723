"""The live thread's server side: which events a status change publishes, and the stream
(embedded: this process's buffers; Redis: tests/integration/test_live_redis.py)."""

import asyncio
import json
import re
import threading

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient
from django.urls import reverse

from comments import live
from comments.live_transport import LocalTransport, transport_for
from comments.models import Comment, CommentStatus
from moderation.live import comment_status_announce
from moderation.services import comment_transition
from readers.services.ownership import comment_edit

from .asgi_reader import AsgiReader

S = CommentStatus


@pytest.fixture
def published_events(monkeypatch):
    """What live_publish was asked to send, as (kind, data) pairs."""
    sent = []
    monkeypatch.setattr(
        "moderation.live.live_publish",
        lambda *, article_id, kind, data: sent.append((kind, data)),
    )
    return sent


def move(comment, to_status, capture):
    with capture(execute=True):
        comment_transition(comment_id=comment.pk, to_status=to_status, actor_label="test")


def test_a_published_comment_is_new_and_its_poster_hears_the_verdict(
    article, post, published_events, django_capture_on_commit_callbacks
):
    """Pending → published sends `comment` (with where it goes) and `status` published."""
    comment = post(article, status=S.PENDING)
    move(comment, S.PUBLISHED, django_capture_on_commit_callbacks)
    assert published_events == [
        ("comment", {"id": comment.pk, "parent_id": comment.pk, "thread_id": comment.pk}),
        ("status", {"id": comment.pk, "status": "published"}),
    ]


def test_spam_is_told_as_held_and_nothing_is_removed(
    article, post, published_events, django_capture_on_commit_callbacks
):
    """Pending → spam tells its poster "held" (a bot learns nothing) and no page loses it."""
    comment = post(article, status=S.PENDING)
    move(comment, S.SPAM, django_capture_on_commit_callbacks)
    assert published_events == [("status", {"id": comment.pk, "status": "held"})]


def test_a_removed_comment_leaves_open_pages(
    article, post, published_events, django_capture_on_commit_callbacks
):
    """Published → removed (or held, spam, deleted) sends `remove`, with its thread (a page
    that counts it behind "Show N replies" counts one fewer)."""
    comment = post(article)
    reply = post(article, reply_to=comment.pk)
    move(reply, S.REMOVED, django_capture_on_commit_callbacks)
    assert published_events == [("remove", {"id": reply.pk, "thread_id": comment.pk})]


@pytest.mark.django_db(transaction=True)
def test_a_moderators_word_on_a_held_comment_reaches_its_poster_and_tells_nobody_more(
    article, post, local_feed
):
    """Held → published, held → removed and spam → published (its poster saw it held) each
    send `status` for the poster's page; the removal's names the comment's id, nothing else,
    and no page that never showed the comment hears `remove`."""
    approved, removed = post(article, status=S.HELD), post(article, status=S.HELD)
    rescued = post(article, status=S.SPAM)
    _, before = local_feed.catch_up(article.pk, None)
    for comment, to_status in ((approved, S.PUBLISHED), (removed, S.REMOVED),
                               (rescued, S.PUBLISHED)):  # fmt: skip
        comment_transition(comment_id=comment.pk, to_status=to_status, actor_label="test")
    frames, _ = local_feed.catch_up(article.pk, before)
    told = re.findall(rb"event: (\w+)\ndata: (.*)\n", b"".join(frames))
    assert [(kind.decode(), json.loads(data)) for kind, data in told] == [
        ("comment", {"id": approved.pk, "parent_id": approved.pk, "thread_id": approved.pk}),
        ("status", {"id": approved.pk, "status": "published"}),
        ("status", {"id": removed.pk}),
        ("comment", {"id": rescued.pk, "parent_id": rescued.pk, "thread_id": rescued.pk}),
        ("status", {"id": rescued.pk, "status": "published"}),
    ]


def test_an_authors_edit_comes_back_as_an_edit(
    article, post, published_events, django_capture_on_commit_callbacks
):
    """A published comment edited by its author stays on open pages while it is scored again,
    then comes back as `edit` (not a new comment), or leaves them (`remove`) when held."""
    first, second = post(article), post(article)
    with django_capture_on_commit_callbacks() as scheduled:  # not scored here
        comment_edit(comment=first, text="Better words.")
        comment_edit(comment=second, text="Worse words.")
    comment_status_announce(comment_id=first.pk, from_status=S.PUBLISHED, to_status=S.PENDING)
    assert scheduled and published_events == []
    move(first, S.PUBLISHED, django_capture_on_commit_callbacks)
    move(second, S.HELD, django_capture_on_commit_callbacks)
    assert published_events == [
        ("edit", {"id": first.pk}),
        ("status", {"id": first.pk, "status": "published"}),
        ("remove", {"id": second.pk, "thread_id": second.pk}),
        ("status", {"id": second.pk, "status": "held"}),
    ]


@pytest.fixture
def local_feed(settings):
    """The embedded transport, fresh for the test."""
    settings.PARLEY_LIVE_REDIS_URL = ""
    transport = LocalTransport()
    from comments import live_transport

    live_transport._transports[""] = transport
    yield transport
    live_transport._transports.pop("", None)


def test_live_publish_waits_for_the_commit_and_never_raises(
    article, local_feed, django_capture_on_commit_callbacks, monkeypatch
):
    """An event reaches the feed only once the transaction commits; a failing transport or
    an unknown kind is logged, not raised into the caller."""
    with django_capture_on_commit_callbacks() as callbacks:
        live.live_publish(article_id=article.pk, kind="score", data={"id": 1, "score": 2})
        assert local_feed.catch_up(article.pk, (local_feed.epoch, 0)) == ([], (local_feed.epoch, 0))
    for callback in callbacks:
        callback()
    frames, _ = local_feed.catch_up(article.pk, (local_feed.epoch, 0))
    assert frames == [b'id: %d-1\nevent: score\ndata: {"id":1,"score":2}\n\n' % local_feed.epoch]

    def broken(**kwargs):
        raise OSError("down")

    monkeypatch.setattr(local_feed, "publish", broken)
    with django_capture_on_commit_callbacks(execute=True):
        live.live_publish(article_id=article.pk, kind="score", data={"id": 1})
        live.live_publish(article_id=article.pk, kind="nonsense", data={})
    assert transport_for("") is local_feed


def read_events(chunks, count: int) -> list[tuple[str, str, dict]]:
    """Read `count` events (id, kind, data) from a stream's chunks, skipping other lines."""
    events: list[tuple[str, str, dict]] = []
    buffer = b""
    for chunk in chunks:
        buffer += chunk
        while b"\n\n" in buffer:
            block, buffer = buffer.split(b"\n\n", 1)
            fields = dict(
                line.split(": ", 1) for line in block.decode().split("\n") if ": " in line
            )
            if fields.get("event", "position") != "position":  # where it starts: no news
                events.append((fields["id"], fields["event"], json.loads(fields["data"])))
            if len(events) == count:
                return events
    raise AssertionError(f"the stream ended after {events}")


def stream_position(chunks) -> str:
    """The id the stream starts at (its first frame, where a reader starts)."""
    buffer = b""
    for chunk in chunks:
        buffer += chunk
        for block in buffer.split(b"\n\n"):
            if block.startswith(b"id: "):
                # A named event, so the page's script can read where it starts too.
                assert b"\nevent: position\n" in block + b"\n"
                return block.split(b"\n", 1)[0][4:].decode()
    raise AssertionError("no position")


def stream_close(response) -> None:
    """Leave a stream as a browser would, through the test client's wrapper (which keeps
    the test's database connection open); response.close() alone would close it."""
    response._iterator.close()


def test_the_stream_resumes_from_last_event_id_missing_nothing(client, article, local_feed):
    """The stream is text/event-stream, uncached and unbuffered; a reader reconnecting with
    the id it last had gets every event published since, each with its id."""
    url = reverse("comments:live", args=[article.pk])
    response = client.get(url)
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache"
    assert response["X-Accel-Buffering"] == "no"
    start = stream_position(response.streaming_content)
    stream_close(response)
    for number in (1, 2):
        local_feed.publish(article_id=article.pk, kind="comment", payload=f'{{"id":{number}}}')
    response = client.get(url, headers={"Last-Event-ID": start})
    events = read_events(response.streaming_content, 2)
    stream_close(response)
    assert [(kind, data) for _, kind, data in events] == [("comment", {"id": 1}),
                                                          ("comment", {"id": 2})]  # fmt: skip
    response = client.get(f"{url}?last={events[0][0]}")
    assert read_events(response.streaming_content, 1) == events[1:]
    stream_close(response)


def test_a_reader_the_feed_cannot_account_for_is_told_to_reset(client, article, local_feed):
    """An id from before a restart gets `reset`; one that is not an id at all is a 400;
    a draft has no stream."""
    url = reverse("comments:live", args=[article.pk])
    response = client.get(url, headers={"Last-Event-ID": "12-3"})
    assert [kind for _, kind, _ in read_events(response.streaming_content, 1)] == ["reset"]
    stream_close(response)
    assert client.get(url, headers={"Last-Event-ID": "<script>"}).status_code == 400


def test_drafts_have_no_stream(client, make_article):
    """An article not yet published answers 404."""
    draft = make_article(publish=False)
    assert client.get(reverse("comments:live", args=[draft.pk])).status_code == 404


def test_the_asgi_stream_hears_another_thread_and_closes_when_cancelled(article, local_feed):
    """Under ASGI the stream is an async iterator woken by a publish from any thread, and a
    reader leaving (the task cancelled, as at shutdown) leaves no subscription behind."""
    url = reverse("comments:live", args=[article.pk])

    async def scenario():
        response = await AsyncClient().get(url)
        assert response["Content-Type"] == "text/event-stream"
        chunks = aiter(response.streaming_content)
        while b"id: " not in await anext(chunks):
            pass
        feed = local_feed.feeds[article.pk]
        assert len(feed.waiters) == 1
        threading.Thread(
            target=local_feed.publish,
            kwargs={"article_id": article.pk, "kind": "remove", "payload": '{"id":7}'},
        ).start()
        frame = await asyncio.wait_for(anext(chunks), 5)
        assert b"event: remove" in frame
        task = asyncio.ensure_future(anext(chunks))
        await asyncio.sleep(0)  # let it start waiting
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await chunks.aclose()
        return len(feed.waiters)

    assert async_to_sync(scenario)() == 0


def test_the_asgi_server_answers_streams_beside_django(article, make_article, monkeypatch):
    """Under ASGI (config/asgi.py) a stream is answered without Django's request handling,
    with the same answers: events for a published article, 404 for a draft, 400 for an id
    that is not one; every other path goes on to Django."""
    from comments.live_asgi import live_streams_beside

    # It would close the test's connection, which is inside the test's transaction.
    monkeypatch.setattr("comments.live_asgi.close_old_connections", lambda: None)

    passed_on = []

    async def django_application(scope, receive, send):
        passed_on.append(scope["path"])

    application = live_streams_beside(django_application)
    draft = make_article(publish=False)

    async def call(path: str, headers=()) -> list[dict]:
        # The reader leaves after the first frame.
        reader = AsgiReader(application, path, list(headers), leave_after=1)
        await asyncio.wait_for(reader.call, 5)
        return reader.sent

    async def scenario():
        stream = await call(f"/comments/live/{article.pk}/")
        draft_answer = await call(f"/comments/live/{draft.pk}/")
        bad = await call(f"/comments/live/{article.pk}/", [(b"last-event-id", b"x")])
        await call("/articles/")
        return stream, draft_answer, bad

    stream, draft_answer, bad = async_to_sync(scenario)()
    assert stream[0]["status"] == 200
    assert (b"content-type", b"text/event-stream") in stream[0]["headers"]
    assert stream[1]["body"] == live.RETRY_FRAME
    assert draft_answer[0]["status"] == 404
    assert bad[0]["status"] == 400
    assert passed_on == ["/articles/"]


def _events(frames) -> list[bytes]:
    return re.findall(rb"data: (.*)\n", b"".join(frames))


@pytest.mark.django_db(transaction=True)
def test_a_batch_move_sends_its_live_events_together_in_order(
    article, post, local_feed, monkeypatch
):
    """A worker's batch of verdicts (comments_status_move) sends its comments' live events
    at once, when every comment's receivers have run: one round trip to Redis, not one per
    comment; and readers get them all, in order."""
    from django.db import transaction

    from moderation.services.transitions import StatusMove, comments_lock, comments_status_move

    ids = [post(article, status=S.PENDING).pk for _ in range(3)]
    # Committed for real, each was scored as it was stored: back to waiting, as a worker
    # finds a backlog.
    Comment.objects.filter(pk__in=ids).update(status=S.PENDING, is_public=False)
    _, before = local_feed.catch_up(article.pk, None)
    sent = []
    real = local_feed.publish_many
    monkeypatch.setattr(
        local_feed, "publish_many", lambda events: (sent.append(events), real(events))
    )
    with transaction.atomic():  # committed for real: the receivers run as in production
        moves = [StatusMove(comment, S.PUBLISHED) for comment in comments_lock(comment_ids=ids)]
        comments_status_move(moves, actor_label="test")
    assert len(sent) == 1
    told = [(kind, json.loads(payload)["id"]) for _, kind, payload in sent[0]]
    assert told == [(kind, pk) for pk in ids for kind in ("comment", "status")]
    assert len(_events(local_feed.catch_up(article.pk, before)[0])) == 6


def test_live_batch_holds_events_until_it_ends_and_an_inner_one_leaves_it_to_the_outer(
    article, local_feed
):
    start = (local_feed.epoch, 0)
    with live.live_batch():
        with live.live_batch():
            live._publish_now(article.pk, "score", '{"id":1}')
        live._publish_now(article.pk, "score", '{"id":2}')
        assert local_feed.catch_up(article.pk, start)[0] == []
    assert _events(local_feed.catch_up(article.pk, start)[0]) == [b'{"id":1}', b'{"id":2}']
    # Outside a batch an event goes at once.
    live._publish_now(article.pk, "score", '{"id":3}')
    assert len(_events(local_feed.catch_up(article.pk, start)[0])) == 3


def test_a_script_asking_for_a_comment_that_is_not_shown_gets_no_csrf_cookie(article, post):
    """The live thread asks for a removed comment's fragment (and a poster's script for a
    status) while the page may be fetching its CSRF token: a 404 that made a second cookie
    could replace the one that token belongs to, and the comment posted next be refused."""
    from django.test import Client

    from comments.models import CommentStatus

    gone = post(article, "Removed meanwhile", status=CommentStatus.REMOVED)
    for url in (f"/comments/{gone.pk}/fragment/", f"/comments/{gone.pk}/status/"):
        response = Client().get(url)
        assert response.status_code == 404
        assert "csrftoken" not in response.cookies, url
