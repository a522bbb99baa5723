"""Moderating comments where they sit on the article page: the moderator's view of the
section (?moderate=1), its buttons without JavaScript and as JSON, who may use them, and
what it leaves alone (readers' pages, the shared page cache, the page's query count)."""

import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment, CommentStatus
from core.roles import AUTHORS_GROUP
from moderation.models import ModerationEvent, ModerationRules
from moderation.permissions import comment_moderation_allowed
from moderation.services import comment_transition

pytestmark = pytest.mark.django_db
S = CommentStatus
JSON = {"HTTP_ACCEPT": "application/json"}


def page(client, article, query=""):
    response = client.get(article.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def comment_html(html: str, comment_id: int) -> str:
    """The markup of one comment on the page, up to the next comment."""
    start = html.index(f'<li id="c{comment_id}"')
    following = html.find('<li id="c', start + 1)
    return html[start : following if following != -1 else len(html)]


def act(client, comment, action, *, next_url="", seen="", **extra):
    data = {"action": action}
    if next_url:
        data["next"] = next_url
    if seen:
        data["seen"] = seen
    return client.post(reverse("moderation:inplace", args=[comment.pk]), data, **extra)


def status_of(comment) -> str:
    return Comment.objects.values_list("status", flat=True).get(pk=comment.pk)


@pytest.fixture
def authors_moderate():
    ModerationRules.objects.update_or_create(pk=1, defaults={"authors_moderate_own_articles": True})


class TestTheModeratorsView:
    def test_a_moderator_switches_held_and_spam_comments_into_place(
        self, client, article, post, moderator
    ):
        """The switch counts the held and spam comments; switched on, they show where they
        sit, labelled, with their buttons; off, the section is the readers' one."""
        published = post(article, "Published words", name="Pam")
        held = post(article, "Held words", name="Hal", status=S.HELD, reply_to=published.pk)
        spam = post(article, "Spam words", name="Sid", status=S.SPAM)
        post(article, "Second spam", status=S.SPAM)
        client.force_login(moderator)

        plain = page(client, article)
        assert "Show held and spam comments (1 held, 2 spam)" in plain
        assert "Held words" not in plain and "Spam words" not in plain

        html = page(client, article, "?moderate=1")
        assert "Show the comments as readers see them" in html
        held_html = comment_html(html, held.pk)
        assert "Held words" in held_html
        assert '<span class="comment-state" data-state="held">Held</span>' in held_html
        # The reply sits under its parent, in the parent's list of children.
        assert html.index(f'id="c{published.pk}"') < html.index(f'id="c{held.pk}"')
        assert '<ol class="children">' in comment_html(html, published.pk)
        assert '<span class="comment-state" data-state="spam">Spam</span>' in comment_html(
            html, spam.pk
        )
        approve = re.search(r"<button[^>]*value=\"approve\"[^>]*>", held_html).group(0)
        assert " hidden" not in approve
        # Nobody replies to, or reports, a comment readers do not see.
        assert "comment-reply-link" not in held_html and "comment-report-link" not in held_html

    def test_the_moderate_link_leads_to_the_moderators_view_never_to_the_admin(
        self, client, article, post, make_user, settings
    ):
        """A moderator who is not staff is sent to the comment in the moderator's view of
        the same page, not to the Django admin."""
        settings.PARLEY_THREADS_PER_PAGE = 1
        post(article, "First thread")
        later = post(article, "Second thread")
        client.force_login(make_user(groups=["Moderators"]))
        html = page(client, article, "?cpage=2")
        link = re.search(r'<a class="comment-moderate-link" href="([^"]+)"', html).group(1)
        assert link == f"?cpage=2&amp;moderate=1#c{later.pk}"
        assert "/admin/" not in html

    def test_every_link_of_the_moderators_view_keeps_it(self, client, article, post, moderator):
        """Order, pagination, thread and reply links carry moderate=1."""
        root = post(article, "Root")
        post(article, "Reply", reply_to=root.pk)
        client.force_login(moderator)
        html = page(client, article, "?moderate=1&corder=newest")
        assert 'href="?moderate=1&amp;corder=oldest#comments"' in html
        assert f'href="?moderate=1&amp;corder=newest&amp;replyto={root.pk}#respond"' in html
        thread = page(client, article, f"?moderate=1&thread={root.pk}")
        assert f'href="{article.get_absolute_url()}?moderate=1#comments"' in thread

    def test_readers_get_the_readers_page_whatever_they_ask(self, client, article, post, make_user):
        """?moderate=1 means nothing to a reader, signed in or not: no held comment, no
        switch, no buttons."""
        post(article, "Held words", status=S.HELD)
        for viewer in (None, make_user()):
            if viewer:
                client.force_login(viewer)
            html = page(client, article, "?moderate=1")
            assert "Held words" not in html
            assert "comment-moderation" not in html and "moderate_inplace.js" not in html

    def test_commenters_names_are_escaped_in_the_moderators_view(
        self, client, article, post, moderator
    ):
        """A name written as markup stays text in labels, buttons and the note."""
        held = post(article, "Held", name='<img src=x onerror="alert(1)">', status=S.HELD)
        client.force_login(moderator)
        response = act(client, held, "approve", next_url=f"{article.get_absolute_url()}?moderate=1")
        html = page(client, article, "?moderate=1")
        assert "<img src=x" not in html
        assert "the comment by &lt;img src=x" in comment_html(html, held.pk)
        assert response.status_code == 302


class TestWithoutJavaScript:
    def test_approve_comes_back_to_the_comment_with_a_true_note_inside_it(
        self, client, article, post, moderator
    ):
        """The form's answer leads to the comment's anchor on the same page; the note there
        says what was done, and the page's top messages do not repeat it."""
        held = post(article, "Held words", name="Hal", status=S.HELD)
        client.force_login(moderator)
        here = f"{article.get_absolute_url()}?moderate=1&corder=newest"
        response = act(client, held, "approve", next_url=here)
        assert response.status_code == 302
        assert response["Location"] == f"{here}#c{held.pk}"
        assert status_of(held) == S.PUBLISHED
        html = client.get(response["Location"]).content.decode()
        note = "Approved: the comment by Hal is published."
        assert note in comment_html(html, held.pk)
        assert html.count(note) == 1
        event = ModerationEvent.objects.filter(comment_id=held.pk).latest("pk")
        assert (event.from_status, event.to_status, event.actor) == (S.HELD, S.PUBLISHED, moderator)

    def test_a_comment_that_leaves_the_page_is_reported_at_the_top_of_the_section(
        self, client, article, post, moderator
    ):
        """Removed, a comment without replies is gone from the page: the answer leads to the
        section, where the note says so."""
        comment = post(article, "Rude words", name="Rex")
        client.force_login(moderator)
        response = act(client, comment, "remove")
        assert response["Location"] == f"{article.get_absolute_url()}?moderate=1#comments"
        html = client.get(response["Location"]).content.decode()
        assert "Rude words" not in html
        section = html[html.index('<section id="comments"') :]
        assert "Removed: the comment by Rex is hidden from readers." in section

    def test_spam_keeps_the_comment_in_place_labelled(self, client, article, post, moderator):
        """Marked spam, the comment stays on the moderator's page, labelled Spam."""
        comment = post(article, "Buy now", name="Bot")
        client.force_login(moderator)
        response = act(client, comment, "spam")
        assert response["Location"].endswith(f"#c{comment.pk}")
        html = client.get(response["Location"]).content.decode()
        assert 'data-state="spam">Spam</span>' in comment_html(html, comment.pk)
        assert "Marked spam: the comment by Bot" in comment_html(html, comment.pk)

    def test_an_action_that_changes_nothing_says_so(self, client, article, post, moderator):
        """Approving a published comment is not reported as an approval."""
        comment = post(article, "Fine words", name="Fay")
        client.force_login(moderator)
        response = act(client, comment, "approve")
        html = client.get(response["Location"]).content.decode()
        assert "Nothing changed: the comment by Fay was already published." in html
        assert "Approved:" not in html
        assert not ModerationEvent.objects.filter(comment_id=comment.pk, actor=moderator).exists()

    def test_an_unknown_action_is_a_clear_400_that_changes_nothing(
        self, client, article, post, moderator
    ):
        """A forged button value is refused with a reason; the comment keeps its status."""
        held = post(article, status=S.HELD)
        client.force_login(moderator)
        response = act(client, held, "delete_everything")
        assert response.status_code == 400
        assert "Choose Approve, Spam or Remove." in response.content.decode()
        assert status_of(held) == S.HELD

    def test_next_never_leads_off_the_site(self, client, article, post, moderator):
        """An off-site `next` falls back to the article's moderator view."""
        held = post(article, status=S.HELD)
        client.force_login(moderator)
        response = act(client, held, "approve", next_url="https://evil.example/")
        assert response["Location"] == f"{article.get_absolute_url()}?moderate=1#c{held.pk}"


class TestWithJavaScript:
    def test_the_answer_is_the_new_status_its_label_and_what_happened(
        self, client, article, post, moderator
    ):
        """Asked for JSON, the view answers with the comment's status, its label, a true
        message and the article's counts now, and queues no note for a later page."""
        held = post(article, "Held words", name="Hal", status=S.HELD)
        post(article, "Another held", status=S.HELD)
        client.force_login(moderator)
        answer = act(client, held, "spam", **JSON).json()
        assert answer == {
            "status": "spam",
            "label": "Spam",
            "message": "Marked spam: the comment by Hal is hidden from readers.",
            "changed": True,
            "counts": {"held": 1, "spam": 1},
        }
        answer = act(client, held, "approve", **JSON).json()
        assert (answer["status"], answer["label"]) == ("published", "")
        assert answer["counts"] == {"held": 1, "spam": 0}
        html = page(client, article, "?moderate=1")
        assert "Approved:" not in html and "Marked spam:" not in html

    def test_a_comment_its_author_deleted_is_a_conflict_not_a_success(
        self, client, article, post, moderator
    ):
        """A comment deleted by its author meanwhile cannot be moderated: 409, said plainly."""
        comment = post(article, "Gone words", name="Gus")
        comment_transition(comment_id=comment.pk, to_status=S.DELETED, actor_label="Gus")
        client.force_login(moderator)
        response = act(client, comment, "approve", **JSON)
        assert response.status_code == 409
        assert response.json()["message"] == (
            "Nothing changed: the comment by Gus was deleted by its author."
        )
        assert status_of(comment) == S.DELETED

    def test_a_comment_moved_on_since_the_page_loaded_is_left_alone(
        self, client, article, post, moderator
    ):
        """Approve pressed on a page that showed the comment held, after another moderator
        removed it: nothing changes, the answer says what became of it (409), with and
        without JavaScript. The page's form carries the status it showed."""
        held = post(article, "Held words", name="Hal", status=S.HELD)
        client.force_login(moderator)
        form = comment_html(page(client, article, "?moderate=1"), held.pk)
        assert '<input type="hidden" name="seen" value="held">' in form
        comment_transition(comment_id=held.pk, to_status=S.REMOVED, actor_label="another")
        said = "Nothing changed: the comment by Hal was removed after this page was loaded."
        response = act(client, held, "approve", seen="held", **JSON)
        assert response.status_code == 409
        assert (response.json()["status"], response.json()["message"]) == ("removed", said)
        response = act(client, held, "approve", seen="held")
        assert said in client.get(response["Location"]).content.decode()
        assert status_of(held) == S.REMOVED
        # What the page shows now is what is decided on.
        assert act(client, held, "approve", seen="removed", **JSON).json()["changed"] is True
        assert status_of(held) == S.PUBLISHED

    def test_refusals_answer_json_too(self, client, article, post, make_user):
        """Anonymous and unauthorised requests asking for JSON get 401 and 403 with a reason."""
        held = post(article, status=S.HELD)
        assert act(client, held, "approve", **JSON).status_code == 401
        client.force_login(make_user())
        response = act(client, held, "approve", **JSON)
        assert response.status_code == 403 and "moderators" in response.json()["message"]
        assert status_of(held) == S.HELD


class TestWhoMayModerate:
    def test_the_permission_function(self, make_article, author, make_user, moderator):
        """Moderators everywhere; an article's author only on that article and only when the
        rules allow it; nobody else."""
        own = make_article(authors=[author])
        other = make_article(authors=[make_user(groups=[AUTHORS_GROUP])])
        reader = make_user()
        assert comment_moderation_allowed(user=moderator, article=own)
        assert comment_moderation_allowed(user=moderator, article=other)
        assert not comment_moderation_allowed(user=author, article=own)
        assert not comment_moderation_allowed(user=reader, article=own)
        ModerationRules.objects.update_or_create(
            pk=1, defaults={"authors_moderate_own_articles": True}
        )
        assert comment_moderation_allowed(user=author, article=own)
        assert not comment_moderation_allowed(user=author, article=other)
        assert not comment_moderation_allowed(user=reader, article=own)

    def test_anonymous_is_sent_to_log_in_and_back_to_the_page(self, client, article, post):
        """Without an account, the login page comes first, then the page the form was on."""
        held = post(article, status=S.HELD)
        response = act(client, held, "approve", next_url=article.get_absolute_url())
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert "next=/articles/" in response["Location"]
        assert status_of(held) == S.HELD

    def test_an_author_is_refused_unless_the_rules_allow_it(
        self, client, make_article, post, author
    ):
        """With the rule off (the default), an article's own author gets 403."""
        own = make_article(authors=[author])
        held = post(own, status=S.HELD)
        client.force_login(author)
        assert act(client, held, "approve").status_code == 403
        assert status_of(held) == S.HELD
        assert "comment-moderation" not in page(client, own, "?moderate=1")

    def test_an_author_moderates_their_own_article_only(
        self, client, make_article, post, author, authors_moderate
    ):
        """With the rule on, an author moderates in place on their article, gets 403 on
        another's, and is offered no Ban (banning stays with moderators)."""
        own = make_article(authors=[author])
        other = make_article()
        mine, theirs = post(own, "Mine", status=S.HELD), post(other, "Theirs", status=S.HELD)
        client.force_login(author)
        html = page(client, own, "?moderate=1")
        assert "Mine" in html and 'value="approve"' in html
        assert "comment-ban-link" not in html
        assert act(client, mine, "approve").status_code == 302
        assert status_of(mine) == S.PUBLISHED
        assert act(client, theirs, "approve").status_code == 403
        assert status_of(theirs) == S.HELD
        assert "Theirs" not in page(client, other, "?moderate=1")
        assert client.post(reverse("moderation:ban", args=[mine.pk])).status_code == 403

    def test_an_author_who_moderates_follows_a_held_comments_link_on_their_article(
        self, client, make_article, post, author, authors_moderate
    ):
        """The link to a held comment on their own article opens the moderators' view at
        it, as a moderator's does; on another's article it is as missing as for a reader."""
        own, other = make_article(authors=[author]), make_article()
        mine, theirs = post(own, "Mine, held", status=S.HELD), post(other, status=S.HELD)
        client.force_login(author)

        landing = client.get(reverse("comments:permalink", args=[mine.pk]))

        assert landing.status_code == 302 and "moderate=1" in landing["Location"]
        assert "Mine, held" in comment_html(
            client.get(landing["Location"]).content.decode(), mine.pk
        )
        assert client.get(reverse("comments:permalink", args=[theirs.pk])).status_code == 404
        ModerationRules.objects.update_or_create(
            pk=1, defaults={"authors_moderate_own_articles": False}
        )
        assert client.get(reverse("comments:permalink", args=[mine.pk])).status_code == 404

    def test_a_moderator_is_offered_a_ban_that_comes_back_here(
        self, client, article, post, moderator
    ):
        """The Ban link opens the ban page with this page (at the comment) as where to return."""
        held = post(article, status=S.HELD)
        Comment.objects.filter(pk=held.pk).update(ip_address="203.0.113.9")
        client.force_login(moderator)
        html = page(client, article, "?moderate=1")
        ban = re.search(r'<a class="comment-ban-link" href="([^"]+)"', html).group(1)
        slug = article.get_absolute_url()
        assert ban == f"/moderation/ban/{held.pk}/?next={slug}%3Fmoderate%3D1%23c{held.pk}"
        assert client.get(ban).status_code == 200

    def test_a_ban_made_from_the_page_is_confirmed_inside_the_comment(
        self, client, article, post, moderator
    ):
        """Back from the ban page at the comment, the moderator reads what was banned inside
        that comment, where the page lands, not at the top of a long page out of view."""
        comment = post(article, "Troll words", name="Tor")
        Comment.objects.filter(pk=comment.pk).update(ip_address="203.0.113.9")
        client.force_login(moderator)
        here = f"{article.get_absolute_url()}?moderate=1#c{comment.pk}"
        response = client.post(
            reverse("moderation:ban", args=[comment.pk]) + f"?next={quote(here)}",
            {"ban_ip": "on", "reason": "trolling", "duration": "7"},
        )
        assert response.status_code == 302 and response["Location"] == here
        html = client.get(response["Location"]).content.decode()
        said = "Ban of IP address 203.0.113.x."
        assert said in comment_html(html, comment.pk)
        assert html.count(said) == 1


class TestWhatItLeavesAlone:
    def test_the_moderators_page_is_never_shared_nor_served_from_the_cache(
        self, article, post, moderator, settings
    ):
        """With the page cache on, readers share one page without held comments or buttons,
        and a moderator's page is private: neither stored nor answered from the cache."""
        settings.PARLEY_PAGE_CACHE_SECONDS = 60
        post(article, "Held words", status=S.HELD)
        url = article.get_absolute_url()
        assert Client().get(url)["X-Parley-Cache"] == "miss"
        shared = Client().get(url + "?moderate=1")
        assert shared["X-Parley-Cache"] == "hit"
        assert "Held words" not in shared.content.decode()
        moderating = Client()
        moderating.force_login(moderator)
        response = moderating.get(url + "?moderate=1")
        assert "X-Parley-Cache" not in response
        assert response["Cache-Control"] == "private, no-cache"
        assert "Held words" in response.content.decode()
        again = Client().get(url)
        assert again["X-Parley-Cache"] == "hit"
        assert "comment-moderation" not in again.content.decode()

    def test_the_moderators_view_costs_a_fixed_number_of_queries(
        self, client, article, post, make_user, moderator
    ):
        """The moderator's view costs the same for 6 and for 240 comments, held and spam
        among them, and at most two queries more than a signed-in reader's page."""
        client.force_login(moderator)
        users = [make_user() for _ in range(3)]
        statuses = (S.PUBLISHED, S.PUBLISHED, S.HELD, S.PUBLISHED, S.SPAM, S.PUBLISHED)
        made = []

        def add(n):
            previous = None
            for i in range(n):
                reply_to = previous.pk if previous and i % 3 else 0
                previous = post(article, reply_to=reply_to)
                if i % 5 == 0:
                    Comment.objects.filter(pk=previous.pk).update(user=users[i % 3])
                made.append(previous)
            # Held and spam once their replies are in (nobody replies to a held comment).
            for comment in made[-n:]:
                status = statuses[comment.pk % len(statuses)]
                if status != S.PUBLISHED:
                    comment_transition(comment_id=comment.pk, to_status=status, actor_label="t")

        reader = Client()
        reader.force_login(make_user())

        def count(query, using=client):
            with CaptureQueriesContext(connection) as queries:
                page(using, article, query)
            return len(queries)

        add(6)
        page(client, article, "")  # the first view may store site-wide defaults (the rules) once
        small = count("?moderate=1")
        add(234)
        large = count("?moderate=1")
        assert small == large
        assert large <= count("", reader) + 2
        assert page(client, article, "?moderate=1").count('data-state="held">Held<') > 10


def test_no_ban_is_offered_where_nothing_is_kept_to_ban_by(client, article, post, moderator):
    """A guest's comment with no email and no IP address kept offers no "Ban" link, on the
    article page in place or in the queue (it could only lead to "nothing to ban"); one
    with an IP address offers it in both."""
    bare = post(article, "Old words", status=S.HELD)
    kept = post(article, "Newer words", status=S.HELD)
    Comment.objects.filter(pk=kept.pk).update(ip_address="203.0.113.9")
    client.force_login(moderator)
    html = (
        page(client, article, "?moderate=1")
        + client.get(reverse("moderation:queue")).content.decode()
    )
    assert f"/moderation/ban/{bare.pk}/" not in html
    assert html.count(f"/moderation/ban/{kept.pk}/") == 2
