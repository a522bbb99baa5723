"""Bans and shadow-bans: accounts, emails and IPs (kept hashed), with an end date, audited."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, CommentStatus
from core.keys import keyed_hash
from moderation import services
from moderation.models import Ban, ModerationEvent, ModerationRules
from tests.conftest import form_data

S = CommentStatus
pytestmark = pytest.mark.django_db


def test_email_ban_refuses_with_the_text_kept_and_the_address_hashed(article, submit, moderator):
    """A banned address gets a 403 that keeps the text; the ban stores no address in clear."""
    ban = services.ban_create(kind=Ban.Kind.EMAIL, value="Troll@Example.com", actor=moderator,
                              reason="abuse", days=7)  # fmt: skip
    assert (
        "troll@example.com" not in (ban.value_hash + ban.display)
        and ban.display == "t***@example.com"
    )
    response = submit(form_data(article, comment="Let me in", email="troll@example.com"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot comment on this site until" in html and "Let me in" in html
    assert Comment.objects.count() == 0


def test_ip_and_account_bans_refuse_posts(article, submit, moderator, make_user):
    """IP bans stop guests from that address; account bans stop the account anywhere."""
    services.ban_create(kind=Ban.Kind.IP, value="192.0.2.9", actor=moderator, reason="flood")
    assert submit(form_data(article), REMOTE_ADDR="192.0.2.9").status_code == 403
    assert (
        submit(form_data(article, comment="other ip"), REMOTE_ADDR="192.0.2.10").status_code == 302
    )
    user = make_user("banned")
    services.ban_create(kind=Ban.Kind.ACCOUNT, user=user, actor=moderator, reason="spam")
    client = Client()
    client.force_login(user)
    data = form_data(article, comment="account post")
    for field in ("name", "email", "url"):
        data.pop(field)
    assert submit(data, using=client).status_code == 403


def test_an_ipv6_ban_matches_however_the_address_was_written(article, submit, moderator):
    """A ban typed as "2001:DB8:0:0::1" stops the poster recorded as 2001:db8::1."""
    services.ban_create(kind=Ban.Kind.IP, value="2001:DB8:0:0::1", actor=moderator, reason="x")
    assert submit(form_data(article), REMOTE_ADDR="2001:db8::1").status_code == 403
    assert submit(form_data(article), REMOTE_ADDR="2001:db8:0:1::1").status_code == 302


def test_an_ipv6_ban_covers_the_posters_whole_network(article, submit, moderator):
    """A subscriber holds a whole /64 and rotates through it: banning the address a comment
    came from bans that network, not the one address they leave behind."""
    services.ban_create(kind=Ban.Kind.IP, value="2001:db8:1:2::1", actor=moderator, reason="x")
    rotated = submit(form_data(article, comment="same again"), REMOTE_ADDR="2001:db8:1:2:abcd::7")
    assert rotated.status_code == 403
    elsewhere = submit(form_data(article, comment="a neighbour"), REMOTE_ADDR="2001:db8:1:3::1")
    assert elsewhere.status_code == 302


def test_a_ban_on_an_ipv4_client_seen_over_ipv6_bans_that_client_alone(article, submit, moderator):
    """A server listening on IPv6 sees IPv4 clients as ::ffff:a.b.c.d: banning one bans its
    IPv4 address, not every IPv4 client (they would all be the /64 "::")."""
    services.ban_create(kind=Ban.Kind.IP, value="::ffff:192.0.2.40", actor=moderator, reason="x")
    assert submit(form_data(article), REMOTE_ADDR="192.0.2.40").status_code == 403
    other = submit(form_data(article, comment="another"), REMOTE_ADDR="::ffff:192.0.2.41")
    assert other.status_code == 302


def test_an_ipv6_ban_made_on_one_address_before_still_holds(article, submit, moderator):
    """A ban kept as the hash of one IPv6 address (as they were made before) still refuses it."""
    Ban.objects.create(kind=Ban.Kind.IP, value_hash=keyed_hash("ban.ip", "2001:db8::9"),
                       display="2001:db8:0:…", reason="x", created_by=moderator)  # fmt: skip
    assert submit(form_data(article), REMOTE_ADDR="2001:db8::9").status_code == 403


def test_expired_and_lifted_bans_no_longer_apply(article, submit, moderator):
    """A ban past its end date, or lifted, lets the poster back in; lifting is audited."""
    ban = services.ban_create(kind=Ban.Kind.IP, value="192.0.2.20", actor=moderator, reason="x")
    assert submit(form_data(article), REMOTE_ADDR="192.0.2.20").status_code == 403
    assert services.ban_lift(ban_id=ban.pk, actor=moderator)
    assert not services.ban_lift(ban_id=ban.pk, actor=moderator)
    assert submit(form_data(article, comment="back"), REMOTE_ADDR="192.0.2.20").status_code == 302
    old = services.ban_create(
        kind=Ban.Kind.IP, value="192.0.2.21", actor=moderator, reason="y", days=1
    )
    Ban.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert submit(form_data(article, comment="later"), REMOTE_ADDR="192.0.2.21").status_code == 302
    assert ModerationEvent.objects.filter(ban__isnull=False).count() == 3


def test_lifting_a_ban_twice_or_one_that_is_not_there_says_so(client, moderator):
    """The second Lift (a double click, or two moderators) says the ban was already lifted;
    an unknown ban says there is none: never a silent redirect."""
    ban = services.ban_create(kind=Ban.Kind.IP, value="192.0.2.30", actor=moderator, reason="x")
    client.force_login(moderator)
    said = []
    for ban_id in (ban.pk, ban.pk, 999999):
        response = client.post(reverse("moderation:ban_lift", args=[ban_id]), follow=True)
        said.append([str(m) for m in response.context["messages"]])
    assert said == [
        ["Ban lifted."],
        ["That ban had already been lifted."],
        ["There is no such ban."],
    ]


def test_lifting_a_ban_that_ended_meanwhile_records_nothing_and_says_it_had_ended(
    client, moderator
):
    """A Lift clicked after the ban ran out writes no unban to the log and says the ban had
    ended, instead of claiming to have lifted it."""
    ban = services.ban_create(kind=Ban.Kind.IP, value="192.0.2.31", actor=moderator,
                              reason="x", days=1)  # fmt: skip
    Ban.objects.filter(pk=ban.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(moderator)
    response = client.post(reverse("moderation:ban_lift", args=[ban.pk]), follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert len(said) == 1 and said[0].startswith("That ban had already ended on ")
    ban.refresh_from_db()
    assert ban.lifted_at is None
    assert not ModerationEvent.objects.filter(ban=ban, reasons__0__code="unban").exists()


def test_a_comment_that_keeps_nothing_to_ban_by_says_so_instead_of_a_form(
    client, article, post, moderator
):
    """A guest's comment with no email and no IP address kept (past the retention period, or
    imported without one) offers no ban form that could only answer "choose what to ban":
    the page says there is nothing to ban it by, and a POST bans nobody."""
    comment = post(article, "Old words")
    assert comment.user_id is None and not comment.user_email and comment.ip_address is None
    client.force_login(moderator)
    url = reverse("moderation:ban", args=[comment.pk])
    shown = client.get(url)
    html = shown.content.decode()
    assert shown.status_code == 200 and "There is nothing to ban" in html
    assert 'name="reason"' not in html
    refused = client.post(url, {"reason": "Trolling <em>again</em>", "duration": "7"})
    html = refused.content.decode()
    assert refused.status_code == 400 and "There is nothing to ban" in html
    # The reason typed on a form drawn before the last of it went is handed back, escaped.
    assert '<textarea id="kept-text" rows="8" readonly>Trolling &lt;em&gt;again' in html
    assert not Ban.objects.exists()
    assert 'id="kept-text"' not in client.get(url).content.decode()


def test_shadow_banned_poster_sees_their_comment_and_nobody_else_does(
    client, article, submit, moderator, django_capture_on_commit_callbacks
):
    """A shadow-banned poster's comment looks published to them and is spam to everyone else."""
    services.ban_create(kind=Ban.Kind.EMAIL, value="shade@example.com", actor=moderator,
                        reason="quietly", shadow=True)  # fmt: skip
    response = submit(form_data(article, comment="Can anyone see me?", email="shade@example.com"))
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == S.SPAM
    mine = client.get(article.get_absolute_url()).content.decode()
    assert "Can anyone see me?" in mine and "awaiting moderation" not in mine
    assert "Can anyone see me?" not in Client().get(article.get_absolute_url()).content.decode()
    # Their edit (spam the scorer marked is editable) is scored again, shadow-ban and all.
    with django_capture_on_commit_callbacks(execute=True):
        edited = client.post(f"/comments/{comment.pk}/edit/", {"comment": "Now can you?"})
    assert edited.status_code == 302
    comment.refresh_from_db()
    assert (comment.comment, comment.status) == ("Now can you?", S.SPAM)
    assert "Now can you?" not in Client().get(article.get_absolute_url()).content.decode()
    assert "Now can you?" in client.get(article.get_absolute_url()).content.decode()


def test_a_shadow_ban_holds_while_the_scorer_only_logs(article, submit, moderator):
    """Log-only mode lets the scorer's verdicts pass, not the moderators' shadow-bans: the
    shadow-banned poster's comment stays hidden from everyone else."""
    ModerationRules.objects.update_or_create(pk=1, defaults={"log_only": True})
    services.ban_create(kind=Ban.Kind.EMAIL, value="shade@example.com", actor=moderator,
                        reason="quietly", shadow=True)  # fmt: skip
    submit(form_data(article, comment="Still unseen?", email="shade@example.com"))
    assert Comment.objects.get().status == S.SPAM
    assert "Still unseen?" not in Client().get(article.get_absolute_url()).content.decode()
    submit(form_data(article, comment="An ordinary word", email="plain@example.com"))
    assert Comment.objects.get(user_email="plain@example.com").status == S.PUBLISHED


def test_moderators_ban_from_the_queue_and_see_it_in_the_log(client, article, post, moderator):
    """The queue's "Ban author" form bans the chosen parts; bans and the log list it."""
    comment = post(article, "held text", email="x@example.com", status=S.HELD)
    Comment.objects.filter(pk=comment.pk).update(ip_address="203.0.113.50")
    client.force_login(moderator)
    assert "Ban author" in client.get(reverse("moderation:queue")).content.decode()
    url = reverse("moderation:ban", args=[comment.pk])
    assert client.post(url, {"reason": "no choice"}).status_code == 400
    response = client.post(
        url, {"ban_email": "on", "ban_ip": "on", "reason": "spam run", "duration": "30"}
    )
    assert response.status_code == 302
    assert set(Ban.objects.values_list("kind", flat=True)) == {"email", "ip"}
    assert "203.0.113.x" in client.get(reverse("moderation:bans")).content.decode()
    assert "spam run" in client.get(reverse("moderation:log")).content.decode()


def test_a_ban_from_the_queue_returns_to_the_tab_and_page_it_was_opened_from(
    client, article, post, moderator
):
    """The queue's "Ban author…" says where it was pressed: the ban, and its Cancel, come
    back to that tab and page, where the ban is said, not to the bans page or the held tab."""
    post(article, "spam text", email="x@example.com", status=S.SPAM)
    client.force_login(moderator)
    queue = reverse("moderation:tab", args=["spam"]) + "?page=1"
    html = client.get(queue).content.decode()
    # A button of the queue's form (its `next` is the tab and page), not a link.
    button = re.search(
        r'<button type="submit" formaction="([^"]+)"[^>]*class="link-button ban-link"', html
    )
    next_field = re.search(r'<input type="hidden" name="next" value="([^"]+)"', html).group(1)
    opened = client.post(button.group(1), {"next": next_field.replace("&amp;", "&")})
    link = opened.url
    assert client.get(link).content.decode().count(f'<a href="{queue}">Cancel</a>') == 1

    response = client.post(link, {"ban_email": "on", "reason": "spam run"})

    assert response.status_code == 302 and response.url == queue
    assert "Banned" in client.get(queue).content.decode()


def test_banning_someone_already_banned_replaces_the_ban_in_force(
    client, article, post, submit, moderator, make_user
):
    """Two moderators ban the same account from pages opened at once: the ban form says a
    ban is in force, the second ban takes the first one's place, and lifting it lets them
    post again (before, two bans stood, and "Ban lifted." left them banned)."""
    reader = make_user("reader1")
    comment = post(article, "held text", user=reader, status=S.HELD)
    client.force_login(moderator)
    url = reverse("moderation:ban", args=[comment.pk])
    second_page = client.get(url).content.decode()
    assert "Already banned" not in second_page
    ban = {"ban_account": "on", "reason": "abuse", "duration": ""}
    first = client.post(url, ban, follow=True).content.decode()
    assert "in place of the ban in force" not in first
    assert (
        "Already banned until lifted; a new ban takes its place."
        in client.get(url).content.decode()
    )
    replaced = client.post(url, {**ban, "duration": "7"}, follow=True).content.decode()
    assert "in place of the ban in force" in replaced
    in_force = Ban.objects.filter(lifted_at__isnull=True)
    assert in_force.count() == 1 and in_force.get().expires_at is not None
    client.post(reverse("moderation:ban_lift", args=[in_force.get().pk]))
    reader_client = Client()
    reader_client.force_login(reader)
    response = reader_client.post(reverse("comments:post"), form_data(article, comment="Back"))
    assert response.status_code == 302


def test_every_ban_in_force_can_be_found_and_lifted_on_the_bans_page(client, moderator, make_user):
    """However many bans have ended or been lifted since, those in force come first, and the
    list goes on over pages instead of stopping at a fixed number."""
    standing = services.ban_create(
        kind=Ban.Kind.ACCOUNT, user=make_user("old"), actor=moderator, reason="first"
    )
    Ban.objects.filter(pk=standing.pk).update(created_at=timezone.now() - timedelta(days=400))
    for n in range(105):
        services.ban_create(
            kind=Ban.Kind.IP, value=f"198.51.100.{n}", actor=moderator, reason="x",
            expires_at=timezone.now() - timedelta(days=1),
        )  # fmt: skip
    client.force_login(moderator)
    first = client.get(reverse("moderation:bans")).content.decode()
    assert first.index("Account old") < first.index("198.51.100")
    assert reverse("moderation:ban_lift", args=[standing.pk]) in first
    assert 'rel="next" href="?page=2"' in first
    second = client.get(reverse("moderation:bans"), {"page": 2}).content.decode()
    assert "198.51.100" in second and "Page 2 of 2" in second


@pytest.mark.parametrize("url_name", ["moderation:bans"])
def test_ban_pages_are_for_moderators_only(client, make_user, article, post, url_name):
    """Readers get 403 on ban pages and actions; nothing is banned."""
    comment = post(article)
    client.force_login(make_user())
    assert client.get(reverse(url_name)).status_code == 403
    assert (
        client.post(
            reverse("moderation:ban", args=[comment.pk]), {"ban_ip": "on", "reason": "x"}
        ).status_code
        == 403
    )
    assert Ban.objects.count() == 0


def test_cancel_on_the_ban_page_goes_back_where_the_moderator_came_from(
    client, article, post, moderator
):
    """Opened from a comment on its article's moderator view, the ban page's Cancel leads
    back to that comment, not to the queue; a hostile `next` falls back to the queue."""
    comment = post(article, "Words", email="someone@example.com")
    client.force_login(moderator)
    url = reverse("moderation:ban", args=[comment.pk])
    back = f"{article.get_absolute_url()}?moderate=1#c{comment.pk}"
    html = client.get(url, {"next": back}).content.decode()
    assert f'<a href="{article.get_absolute_url()}?moderate=1#c{comment.pk}">Cancel</a>' in html
    hostile = client.get(url, {"next": "https://evil.example/"}).content.decode()
    assert f'<a href="{reverse("moderation:queue")}">Cancel</a>' in hostile


def test_lifting_a_ban_comes_back_to_the_page_of_bans_it_was_pressed_on(
    client, moderator, make_user
):
    """The Lift button says which page of bans it was pressed on, and the answer returns
    there, where the row now reads "lifted", instead of to the first page."""
    ban = services.ban_create(
        kind=Ban.Kind.ACCOUNT, user=make_user("troll"), actor=moderator, reason="x"
    )
    client.force_login(moderator)
    page = client.get(reverse("moderation:bans"), {"page": 1}).content.decode()
    lift = reverse("moderation:ban_lift", args=[ban.pk])
    assert re.search(
        rf'action="{lift}">.*?<input type="hidden" name="next" value="/moderation/bans/\?page=1">',
        page,
    )
    lifted = client.post(
        reverse("moderation:ban_lift", args=[ban.pk]), {"next": "/moderation/bans/?page=1"}
    )
    assert lifted["Location"] == "/moderation/bans/?page=1"


def test_rotating_the_secret_key_lifts_no_ban(article, submit, moderator, settings, make_user):
    """With the old key in SECRET_KEY_FALLBACKS, as the README's rotation says, bans on an
    email and an IP made under it still refuse, a signed-in reader stays signed in, and a
    comment form signed under it posts."""
    services.ban_create(kind=Ban.Kind.IP, value="192.0.2.9", actor=moderator, reason="flood")
    services.ban_create(kind=Ban.Kind.EMAIL, value="troll@example.com", actor=moderator,
                        reason="abuse")  # fmt: skip
    reader = Client()
    reader.force_login(make_user("steady"))
    open_form = form_data(article, comment="Written before the rotation")
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "n" * 50, [old_key]

    assert (
        submit(form_data(article, comment="from the ip"), REMOTE_ADDR="192.0.2.9").status_code
        == 403
    )
    by_email = form_data(article, comment="by email", email="troll@example.com")
    assert submit(by_email, REMOTE_ADDR="192.0.2.50").status_code == 403
    assert (
        submit(form_data(article, comment="anyone else"), REMOTE_ADDR="192.0.2.51").status_code
        == 302
    )
    assert reader.get(article.get_absolute_url()).wsgi_request.user.is_authenticated
    assert submit(open_form, REMOTE_ADDR="192.0.2.52").status_code == 302


def test_a_choice_no_longer_kept_since_the_form_was_drawn_is_said_so(
    client, article, post, moderator
):
    """The form offered the IP address; it was cleared before Ban was pressed (the retention
    sweep): nobody is banned, the page says the choice is gone, not "choose what to ban",
    and keeps the reason typed."""
    comment = post(article, "held text", email="x@example.com", status=S.HELD)
    Comment.objects.filter(pk=comment.pk).update(ip_address="203.0.113.50")
    client.force_login(moderator)
    url = reverse("moderation:ban", args=[comment.pk])
    assert 'name="ban_ip"' in client.get(url).content.decode()
    Comment.objects.filter(pk=comment.pk).update(ip_address=None)

    refused = client.post(url, {"ban_ip": "on", "reason": "Flooding the thread", "duration": "7"})

    html = refused.content.decode()
    assert refused.status_code == 400
    assert "What you chose to ban is no longer kept for this comment" in html
    assert "Choose what to ban." not in html
    assert "Flooding the thread" in html
    assert not Ban.objects.exists()
