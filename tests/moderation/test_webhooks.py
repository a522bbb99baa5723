"""Webhooks: moderators manage them, each held, reported or published comment is POSTed to
them signed, failures are retried with backoff and logged, and a site without webhooks pays
nothing for them on the posting path."""

import hashlib
import hmac
import json
import re
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery.exceptions import Retry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, CommentStatus
from config.celery import app as celery_app
from moderation import services
from moderation.models import Webhook, WebhookDelivery
from moderation.services import webhooks as webhooks_service
from moderation.services.webhooks import BACKOFF_FIRST, WEBHOOK_MAX_ATTEMPTS
from moderation.tasks import webhook_deliver_task
from tests.conftest import form_data
from tests.support import ROOT, wait_until

pytestmark = pytest.mark.django_db
HELD, PUBLISHED = CommentStatus.HELD, CommentStatus.PUBLISHED


class Receiver:
    """A real HTTP server on 127.0.0.1 that records each POST and answers with the status
    codes it is given, in turn (200 once they run out), `delay` seconds after reading it.
    It can be stopped and started again on the same port."""

    def __init__(self, *, delay: float = 0.0):
        self.requests: list[tuple[dict, bytes]] = []
        self.statuses: list[int] = []
        self.delay = delay
        self.port = 0
        self.start()

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                # A slow receiver: it has the body, and answers only later.
                threading.Event().wait(receiver.delay)
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def received(self, count: int) -> bool:
        return len(self.requests) >= count

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def inline_deliveries(request, settings):
    """Post webhooks in the committing thread: these tests' rows never commit, so a
    background thread could not see them. A class with `threaded = True` uses the thread."""
    settings.PARLEY_WEBHOOK_INLINE_SYNC = not getattr(request.cls, "threaded", False)


@pytest.fixture
def receiver(settings):
    settings.PARLEY_WEBHOOK_ALLOW_PRIVATE = True  # the test server is on loopback
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def webhook(receiver, moderator):
    return services.webhook_create(
        url=receiver.url, events=["held", "reported", "published"], actor=moderator
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block as committed work: on_commit callbacks (and the tasks they queue) run."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _signature_ok(secret: str, headers: dict, body: bytes) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["X-Parley-Signature"], expected)


class TestDelivery:
    def test_a_held_comment_is_posted_signed_with_slack_and_discord_text(
        self, webhook, receiver, article, post, committed
    ):
        """Holding a comment POSTs signed JSON naming it, with `text` and `content` lines,
        and the delivery log records the answer."""
        comment = post(article, "Buy <!channel> pills @everyone", status=CommentStatus.PENDING)
        with committed():
            services.comment_transition(comment_id=comment.pk, to_status=HELD, actor_label="t")
        assert len(receiver.requests) == 1
        headers, body = receiver.requests[0]
        assert _signature_ok(webhook.secret, headers, body)
        payload = json.loads(body)
        assert headers["X-Parley-Event"] == payload["event"] == "held"
        assert headers["X-Parley-Timestamp"] == str(payload["timestamp"])
        assert payload["comment"]["id"] == comment.pk
        assert payload["comment"]["excerpt"] == "Buy <!channel> pills @everyone"
        assert payload["article"]["title"] == "The test article"
        assert payload["comment"]["url"].endswith(f"/comments/{comment.pk}/")
        # What readers wrote cannot ping a Slack channel or a Discord server.
        assert "&lt;!channel&gt;" in payload["text"] and "<!channel>" not in payload["text"]
        assert "held for review" in payload["content"]
        assert payload["allowed_mentions"] == {"parse": []}
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.response_status) == (
            WebhookDelivery.Status.SUCCEEDED,
            1,
            200,
        )
        assert delivery.duration_ms is not None and delivery.finished_at is not None

    def test_a_tampered_body_fails_the_signature(self, webhook, receiver, article, post, committed):
        """The signature covers the raw body: a changed byte no longer matches."""
        with committed():
            post(article, "Fine words")
        headers, body = receiver.requests[0]
        assert _signature_ok(webhook.secret, headers, body)
        assert not _signature_ok(webhook.secret, headers, body.replace(b"Fine", b"Fake"))

    def test_a_report_is_posted(self, webhook, receiver, article, post, committed):
        """A reader's report sends a `reported` event with its reason."""
        comment = post(article, "Reported words")
        receiver.requests.clear()
        with committed():
            services.report_create(
                comment_id=comment.pk, user=None, ip_address="192.0.2.9", reason="spam"
            )
        events = [json.loads(body)["event"] for _, body in receiver.requests]
        assert events == ["reported"]
        assert json.loads(receiver.requests[0][1])["reason"] == "spam"

    def test_only_the_events_a_webhook_asked_for_are_sent(
        self, receiver, moderator, article, post, committed
    ):
        """A webhook for held comments hears nothing of a published one; a switched-off
        webhook hears nothing at all."""
        held_only = services.webhook_create(url=receiver.url, events=["held"], actor=moderator)
        with committed():
            post(article, "Published quietly")
        assert receiver.requests == []
        services.webhook_active_set(webhook_id=held_only.pk, active=False)
        with committed():
            post(article, "Held quietly", status=HELD)
        assert receiver.requests == [] and not WebhookDelivery.objects.exists()


class TestRetries:
    def _failed_once(self, webhook, receiver, article, post, committed, status=500):
        receiver.statuses = [status]
        with committed():
            post(article, "Hello")
        return WebhookDelivery.objects.get()

    def test_a_500_is_retried_with_backoff_then_succeeds(
        self, webhook, receiver, article, post, committed
    ):
        """A 500 leaves the delivery pending with its error, due again after the backoff;
        the next attempt that gets a 200 completes it."""
        delivery = self._failed_once(webhook, receiver, article, post, committed)
        assert (delivery.status, delivery.attempts, delivery.response_status) == ("pending", 1, 500)
        assert delivery.error.startswith("HTTP 500")
        wait = delivery.next_attempt_at - delivery.created_at
        assert timedelta(seconds=BACKOFF_FIRST - 1) < wait < timedelta(seconds=BACKOFF_FIRST + 5)
        # Not yet due: nothing is posted.
        assert services.webhook_deliver(delivery_id=delivery.pk).retry_in is None
        assert len(receiver.requests) == 1
        attempt = services.webhook_deliver(delivery_id=delivery.pk, now=delivery.next_attempt_at)
        delivery.refresh_from_db()
        assert attempt.status == delivery.status == WebhookDelivery.Status.SUCCEEDED
        assert (delivery.attempts, delivery.response_status, delivery.error) == (2, 200, "")
        assert len(receiver.requests) == 2
        first, second = (json.loads(body) for _, body in receiver.requests)
        assert (first["attempt"], second["attempt"]) == (1, 2)

    def test_the_task_asks_celery_to_retry_after_the_backoff(
        self, webhook, receiver, article, post, committed
    ):
        """Run by a worker, a failed attempt raises Celery's Retry with the backoff."""
        delivery = self._failed_once(webhook, receiver, article, post, committed)
        receiver.statuses = [503]
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)
        with pytest.raises(Retry):
            webhook_deliver_task(delivery.pk)
        delivery.refresh_from_db()
        # The second failure waits twice as long as the first.
        wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
        assert delivery.attempts == 2 and BACKOFF_FIRST * 2 - 5 < wait <= BACKOFF_FIRST * 2

    def test_attempts_are_bounded(self, webhook, receiver, article, post, committed):
        """After WEBHOOK_MAX_ATTEMPTS failures the delivery is failed and not tried again."""
        delivery = self._failed_once(webhook, receiver, article, post, committed)
        receiver.statuses = [500] * 10
        when = delivery.next_attempt_at
        for _ in range(WEBHOOK_MAX_ATTEMPTS):
            attempt = services.webhook_deliver(delivery_id=delivery.pk, now=when)
            when += timedelta(hours=2)
        delivery.refresh_from_db()
        assert attempt.retry_in is None
        assert (delivery.status, delivery.attempts) == ("failed", WEBHOOK_MAX_ATTEMPTS)
        assert len(receiver.requests) == WEBHOOK_MAX_ATTEMPTS

    def test_a_404_fails_at_once(self, webhook, receiver, article, post, committed):
        """An answer that asking again will not change (404: the hook was deleted) fails the
        delivery without retries."""
        delivery = self._failed_once(webhook, receiver, article, post, committed, status=404)
        assert (delivery.status, delivery.attempts, delivery.response_status) == ("failed", 1, 404)

    def test_an_unreachable_address_is_logged(self, settings, moderator, article, post, committed):
        """A refused connection is an attempt with an error and no status code."""
        settings.PARLEY_WEBHOOK_ALLOW_PRIVATE = True
        services.webhook_create(url="http://127.0.0.1:9/", events=["published"], actor=moderator)
        with committed():
            post(article, "Into the void")
        delivery = WebhookDelivery.objects.get()
        assert delivery.response_status is None and "refused" in delivery.error.lower()
        assert delivery.status == "pending" and delivery.attempts == 1

    def test_the_sweep_requeues_a_lost_delivery(self, webhook, receiver, article, post, committed):
        """A pending delivery long overdue (its task was lost) is posted by the sweep."""
        delivery = self._failed_once(webhook, receiver, article, post, committed)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=delivery.created_at - timedelta(hours=1)
        )
        assert services.webhook_deliveries_sweep() == 1
        delivery.refresh_from_db()
        assert delivery.status == "succeeded" and len(receiver.requests) == 2


class TestReceiverDown:
    def test_a_receiver_that_is_down_loses_nothing(
        self, webhook, receiver, article, post, committed
    ):
        """A receiver that is down leaves the delivery pending with its next attempt time;
        once it is back, the retry posts that event once, signed, and nothing posts it again."""
        receiver.close()
        with committed():
            comment = post(article, "Said while nobody listened")
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.response_status) == (
            "pending",
            1,
            None,
        )
        assert "refused" in delivery.error.lower()
        wait = delivery.next_attempt_at - delivery.created_at
        assert timedelta(seconds=BACKOFF_FIRST - 1) < wait < timedelta(seconds=BACKOFF_FIRST + 5)

        receiver.start()  # the same address as before
        # Not yet due: the backoff holds even though the receiver is back.
        assert services.webhook_deliver(delivery_id=delivery.pk).status == "pending"
        assert receiver.requests == []
        due = delivery.next_attempt_at
        attempt = services.webhook_deliver(delivery_id=delivery.pk, now=due)
        assert attempt.status == WebhookDelivery.Status.SUCCEEDED
        assert len(receiver.requests) == 1
        headers, body = receiver.requests[0]
        expected = json.dumps(
            {**delivery.payload, "delivery_id": delivery.pk, "attempt": 2,
             "timestamp": int(due.timestamp())},
            ensure_ascii=False, separators=(",", ":"),
        ).encode()  # fmt: skip
        assert body == expected and _signature_ok(webhook.secret, headers, body)
        assert headers["X-Parley-Delivery"] == str(delivery.pk)
        assert json.loads(body)["comment"]["id"] == comment.pk
        # A retry message delivered again, and the sweep, find it done and post nothing.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=timezone.now() - timedelta(hours=1)
        )
        assert webhook_deliver_task(delivery.pk) == "succeeded"
        assert services.webhook_deliveries_sweep() == 0
        assert len(receiver.requests) == 1
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.response_status) == (
            "succeeded", 2, 200,
        )  # fmt: skip


@pytest.mark.django_db(transaction=True)
class TestEmbeddedInBackground:
    """With no broker, deliveries are posted by a background thread once the request's work
    has committed (these tests commit for real, so that thread sees the rows)."""

    threaded = True

    @pytest.fixture
    def slow_receiver(self, settings):
        settings.PARLEY_WEBHOOK_ALLOW_PRIVATE = True
        server = Receiver(delay=3)
        yield server
        server.close()

    @pytest.mark.slow
    def test_a_slow_receiver_holds_up_no_request(
        self, slow_receiver, moderator, article, client, no_rate_limits
    ):
        """A guest's post and a moderator's action return at once while the receiver takes
        3 s to answer; the receiver still gets both bodies, and both are logged delivered."""
        # The first post in a process loads the scorer's model: not what is timed here.
        client.post(reverse("comments:post"), form_data(article, comment="Warming up"))
        services.webhook_create(
            url=slow_receiver.url, events=["held", "published"], actor=moderator
        )
        started = time.monotonic()
        response = client.post(reverse("comments:post"), form_data(article, comment="Quick"))
        assert response.status_code == 302 and time.monotonic() - started < 1
        comment = Comment.objects.latest("pk")
        assert comment.status == PUBLISHED
        client.force_login(moderator)
        started = time.monotonic()
        response = client.post(reverse("moderation:act"), {"item_action": f"hold:{comment.pk}"})
        assert response.status_code == 302 and time.monotonic() - started < 1
        wait_until(lambda: slow_receiver.received(2), 10, "the receiver to get both bodies")
        events = sorted(json.loads(body)["event"] for _, body in slow_receiver.requests)
        assert events == ["held", "published"]
        wait_until(
            lambda: WebhookDelivery.objects.filter(status="succeeded").count() == 2,
            10,
            "both deliveries to be logged delivered",
        )

    def test_a_failed_delivery_goes_out_with_the_next_event_once_due(
        self, receiver, webhook, article, post
    ):
        """A delivery the receiver missed while down is posted, once due, beside the next
        event's, each once."""
        receiver.close()
        first = post(article, "While down")
        wait_until(
            lambda: WebhookDelivery.objects.exclude(error="").exists(),
            10,
            "the first attempt to be logged",
        )
        missed = WebhookDelivery.objects.get()
        assert missed.status == "pending" and "refused" in missed.error.lower()
        receiver.start()
        # Its backoff has run out.
        WebhookDelivery.objects.filter(pk=missed.pk).update(
            next_attempt_at=timezone.now() - timedelta(seconds=1)
        )
        second = post(article, "Back up")
        wait_until(
            lambda: WebhookDelivery.objects.filter(status="succeeded").count() == 2,
            10,
            "both deliveries to succeed",
        )
        ids = sorted(json.loads(body)["comment"]["id"] for _, body in receiver.requests)
        assert ids == sorted([first.pk, second.pk])

    def test_a_failed_delivery_is_retried_when_its_backoff_runs_out(
        self, receiver, webhook, article, post, monkeypatch
    ):
        """With no event to carry it, a failed delivery is posted again by the process's
        retry timer once due."""
        monkeypatch.setattr(webhooks_service, "BACKOFF_FIRST", 1)
        receiver.statuses = [503]
        post(article, "Try again soon")
        wait_until(
            lambda: WebhookDelivery.objects.filter(status="succeeded").exists(),
            10,
            "the timer's retry to succeed",
        )
        delivery = WebhookDelivery.objects.get()
        assert (delivery.attempts, len(receiver.requests)) == (2, 2)


class TestQueues:
    def test_webhook_tasks_run_on_their_own_queue(self):
        """Deliveries and their sweep go to the "webhooks" queue; scoring stays on the
        default one, so a slow receiver cannot hold it up."""
        route = celery_app.amqp.router.route
        for name in ("webhook_deliver_task", "webhook_deliveries_sweep_task"):
            assert route({}, f"moderation.tasks.{name}")["queue"].name == "webhooks"
        scoring = route({}, "moderation.tasks.comment_score_task")["queue"].name
        assert scoring == celery_app.conf.task_default_queue == "celery"

    @pytest.mark.parametrize(
        "path", ["deploy/parley-worker.service", "Makefile", "tests/support.py"]
    )
    def test_every_worker_consumes_both_queues(self, path):
        """Each worker Parley ships (production, `make worker`, the tests' real workers)
        takes both the default queue and the webhooks queue."""
        assert "--queues=celery,webhooks" in (ROOT / path).read_text()


class TestAddresses:
    @pytest.mark.parametrize(
        "url",
        [
            "ftp://example.com/hook",
            "http://127.0.0.1:8000/hook",
            "http://localhost/hook",
            "http://10.1.2.3/hook",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/hook",
        ],
    )
    def test_local_and_odd_addresses_are_refused(self, url, moderator):
        """Only http(s) to public addresses: the server is not made to post into its own
        network."""
        with pytest.raises(services.WebhookURLRefused):
            services.webhook_create(url=url, events=["held"], actor=moderator)
        assert not Webhook.objects.exists()

    @pytest.mark.parametrize("url", ["http://192.0.2.1:99999/hook", "http://192.0.2.1:0/hook"])
    def test_a_port_out_of_range_is_refused_as_a_port(self, url, moderator):
        """A port over 65535 (or 0) is said to be the port's fault, not a host not found."""
        with pytest.raises(services.WebhookURLRefused, match="Enter a port from 1 to 65535"):
            services.webhook_create(url=url, events=["held"], actor=moderator)
        assert not Webhook.objects.exists()

    def test_a_redirect_is_not_followed(self, receiver, moderator, article, post, committed):
        """A 3xx answer is a failed attempt: a redirect could lead into the local network."""
        receiver.statuses = [302]
        services.webhook_create(url=receiver.url, events=["published"], actor=moderator)
        with committed():
            post(article, "Redirected")
        delivery = WebhookDelivery.objects.get()
        assert (delivery.response_status, delivery.status) == (302, "pending")
        assert len(receiver.requests) == 1


class TestPage:
    def test_moderators_add_switch_and_delete_webhooks(self, client, moderator, receiver):
        """The page adds a webhook (POST, redirect, GET with a true message), switches it
        off and deletes it."""
        client.force_login(moderator)
        page = reverse("moderation:webhooks")
        response = client.post(page, {"url": receiver.url, "events": ["held", "reported"],
                                      "active": "on"}, follow=True)  # fmt: skip
        webhook = Webhook.objects.get()
        assert (webhook.on_held, webhook.on_reported, webhook.on_published) == (True, True, False)
        text = response.content.decode()
        assert "it will be told when a comment is held or reported." in text
        client.post(reverse("moderation:webhook_switch", args=[webhook.pk]), {"active": "0"})
        webhook.refresh_from_db()
        assert webhook.active is False
        response = client.post(reverse("moderation:webhook_delete", args=[webhook.pk]), follow=True)
        assert not Webhook.objects.exists() and "deleted" in response.content.decode()

    def test_what_moderators_do_to_webhooks_is_in_the_audit_log(self, client, moderator, receiver):
        """Adding, switching and deleting a webhook on the moderators' page is recorded as
        the same edits in the admin are, the address (a credential) marked, never shown."""
        from moderation.models import StaffEdit

        client.force_login(moderator)
        client.post(
            reverse("moderation:webhooks"),
            {"url": receiver.url, "events": ["held"], "active": "on"},
        )
        webhook = Webhook.objects.get()
        client.post(reverse("moderation:webhook_switch", args=[webhook.pk]), {"active": "0"})
        client.post(reverse("moderation:webhook_delete", args=[webhook.pk]))
        edits = list(StaffEdit.objects.order_by("pk"))
        assert [(e.action, e.actor_label, e.model) for e in edits] == [
            (action, moderator.get_username(), "moderation.webhook")
            for action in ("added", "changed", "deleted")
        ]
        assert [c["field"] for c in edits[1].changes] == ["active"]
        assert all(receiver.url not in str(e.changes) + e.object_repr for e in edits)

    def test_a_webhook_another_moderator_deleted_is_said_to_be_gone(
        self, client, moderator, webhook
    ):
        """Pressed on a page loaded before another moderator deleted it, Switch off and
        Delete come back to the list with a message, not a "page not found"."""
        client.force_login(moderator)
        Webhook.objects.filter(pk=webhook.pk).delete()
        for name, data in (("webhook_switch", {"active": "0"}), ("webhook_delete", {})):
            response = client.post(reverse(f"moderation:{name}", args=[webhook.pk]), data)
            assert response.status_code == 302
            assert response["Location"] == reverse("moderation:webhooks") + "#webhooks-list"
            page = client.get(response["Location"]).content.decode()
            assert "That webhook had already been deleted." in page

    def test_what_was_done_is_said_where_the_moderator_lands(self, client, moderator, receiver):
        """Adding or switching a webhook is said in its row, where the redirect lands, and
        deleting it above the list, never in the messages at the top of the page."""
        client.force_login(moderator)
        page = reverse("moderation:webhooks")
        added = client.post(page, {"url": receiver.url, "events": ["held"], "active": "on"})
        webhook = Webhook.objects.get()
        assert added["Location"] == f"{page}#webhook-{webhook.pk}"
        html = client.get(added["Location"]).content.decode()
        row = re.search(rf'<tr id="webhook-{webhook.pk}">.*?</tr>', html, re.S).group(0)
        assert "Webhook added for" in row
        assert "Webhook added for" not in html.split("<main", 1)[0]  # the page's top messages
        switched = client.post(reverse("moderation:webhook_switch", args=[webhook.pk]),
                               {"active": "0"})  # fmt: skip
        html = client.get(switched["Location"]).content.decode()
        row = re.search(rf'<tr id="webhook-{webhook.pk}">.*?</tr>', html, re.S).group(0)
        assert "is now off." in row
        # A second moderator's page still offered "Switch off": pressed, it says the truth.
        again = client.post(reverse("moderation:webhook_switch", args=[webhook.pk]),
                            {"active": "0"})  # fmt: skip
        html = client.get(again["Location"]).content.decode()
        row = re.search(rf'<tr id="webhook-{webhook.pk}">.*?</tr>', html, re.S).group(0)
        assert "was already off." in row and "is now off." not in row
        deleted = client.post(reverse("moderation:webhook_delete", args=[webhook.pk]))
        assert deleted["Location"] == f"{page}#webhooks-list"
        html = client.get(deleted["Location"]).content.decode()
        after_heading = html.split('id="webhooks-list"', 1)[1].split("<table", 1)[0]
        assert "deleted, with its deliveries." in after_heading
        assert html.count("deleted, with its deliveries.") == 1

    def test_a_refused_address_keeps_what_was_typed(self, client, moderator):
        """A private address is a 400 that says why and keeps the form's input."""
        client.force_login(moderator)
        response = client.post(
            reverse("moderation:webhooks"), {"url": "http://10.0.0.7/hook", "events": ["held"]}
        )
        assert response.status_code == 400
        text = response.content.decode()
        assert "public addresses only" in text and 'value="http://10.0.0.7/hook"' in text
        assert not Webhook.objects.exists()

    def test_the_delivery_log_is_shown(
        self, client, moderator, webhook, receiver, article, post, committed
    ):
        """Moderators see each delivery's outcome, status code and attempts."""
        receiver.statuses = [500]
        with committed():
            comment = post(article, "Logged")
        client.force_login(moderator)
        text = client.get(reverse("moderation:webhooks")).content.decode()
        assert "HTTP 500" in text and webhook.url in text and f"#{comment.pk}" in text

    @pytest.mark.parametrize("name", ["webhooks", "webhook_switch", "webhook_delete"])
    def test_only_moderators_manage_webhooks(self, client, make_user, webhook, name):
        """Anonymous visitors are sent to log in; signed-in non-moderators get a 403."""
        args = [] if name == "webhooks" else [webhook.pk]
        url = reverse(f"moderation:{name}", args=args)
        response = client.post(url, {"url": "https://example.com/x", "events": ["held"]})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        client.force_login(make_user("reader"))
        assert client.post(url, {"active": "0"}).status_code == 403
        assert client.get(reverse("moderation:webhooks")).status_code == 403
        webhook.refresh_from_db()
        assert webhook.active and Webhook.objects.count() == 1


class TestCost:
    def test_with_no_webhooks_a_status_change_reads_only_the_cache(self, article, post):
        """Once the empty list is cached, telling webhooks costs no query at all."""
        comment = post(article, "Quiet")
        services.webhooks_notify(event="published", comment_id=comment.pk)  # warms the cache
        with CaptureQueriesContext(connection) as queries:
            assert services.webhooks_notify(event="published", comment_id=comment.pk) == 0
        assert queries.captured_queries == []

    def test_posting_never_reads_the_webhooks_table_once_cached(self, article, submit):
        """A post that publishes a comment asks the database nothing about webhooks."""
        submit(form_data(article, comment="warming up"))
        with CaptureQueriesContext(connection) as queries:
            assert submit(form_data(article, comment="second")).status_code == 302
        assert "moderation_webhook" not in " ".join(q["sql"] for q in queries.captured_queries)

    def test_a_new_webhook_reaches_the_next_event(self, receiver, moderator, article, post):
        """Adding a webhook drops the cached empty list at once."""
        comment = post(article, "Before")
        assert services.webhooks_notify(event="published", comment_id=comment.pk) == 0
        services.webhook_create(url=receiver.url, events=["published"], actor=moderator)
        assert services.webhooks_notify(event="published", comment_id=comment.pk) == 1


class TestAdmin:
    @pytest.mark.parametrize("way", ["delete page", "delete selected"])
    def test_admins_delete_a_webhook_with_its_deliveries_through_the_service(
        self, client, make_user, webhook, receiver, article, post, way
    ):
        """A superuser deletes a webhook that has deliveries, as moderators do on their
        page: the deliveries are listed, no permission on them is asked, they go with it,
        and the next event reaches it no more."""
        client.force_login(make_user("boss", is_staff=True, is_superuser=True))
        comment = post(article, "Delivered")
        assert services.webhooks_notify(event="published", comment_id=comment.pk) == 1
        if way == "delete page":
            url, data = reverse("admin:moderation_webhook_delete", args=[webhook.pk]), {}
        else:
            url = reverse("admin:moderation_webhook_changelist")
            data = {"action": "delete_selected", "_selected_action": [webhook.pk]}
        confirmation = client.post(url, data) if data else client.get(url)
        assert confirmation.status_code == 200
        assert not confirmation.context["perms_lacking"]
        assert "webhook delivery" in confirmation.content.decode().lower()
        assert client.post(url, data | {"post": "yes"}).status_code == 302
        assert not Webhook.objects.exists() and not WebhookDelivery.objects.exists()
        assert services.webhooks_notify(event="published", comment_id=comment.pk) == 0

    def test_admins_add_webhooks_through_the_service(self, client, make_user):
        """The admin adds a webhook with a secret (shown, not editable) and refuses a
        private address with the same message as the moderators' page."""
        admin_user = make_user("boss", is_staff=True, is_superuser=True)
        client.force_login(admin_user)
        add = reverse("admin:moderation_webhook_add")
        refused = client.post(add, {"url": "http://192.168.1.5/hook", "on_held": "on"})
        assert refused.status_code == 200 and "public addresses only" in refused.content.decode()
        response = client.post(
            add, {"url": "https://93.184.215.14/hook", "on_held": "on", "active": "on"}
        )
        assert response.status_code == 302
        webhook = Webhook.objects.get()
        assert (webhook.events, webhook.created_by) == (["held"], admin_user)
        page = client.get(reverse("admin:moderation_webhook_change", args=[webhook.pk]))
        assert webhook.secret in page.content.decode()
