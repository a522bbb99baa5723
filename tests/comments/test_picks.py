"""Editor's picks: an article's authors and the moderators set up to three published comments
above its threads; the limit holds under concurrency, and the page stays as cheap."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment, CommentStatus
from comments.selectors_picks import article_picks
from comments.services.picks import PickRefused, comment_pick, comment_unpick
from core.roles import AUTHORS_GROUP
from moderation.services.transitions import comment_transition

pytestmark = pytest.mark.django_db
S = CommentStatus


@pytest.fixture
def authored(make_article, author):
    return make_article(title="Picked over", authors=[author])


def pick_url(comment, verb="pick"):
    return reverse(f"comments:{verb}", args=[comment.pk])


def page(client, article, query=""):
    response = client.get(article.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def picks_section(html):
    found = re.search(r'<section id="editors-picks".*?</section>', html, re.S)
    return found.group(0) if found else ""


def thread_entry(html, comment):
    return re.search(rf'<li id="c{comment.pk}".*?</article>', html, re.S).group(0)


def picked_ids(article):
    return set(
        Comment.objects.filter(article=article, picked_at__isnull=False).values_list(
            "pk", flat=True
        )
    )


class TestPickService:
    def test_a_pick_records_when_and_by_whom(self, authored, author, post):
        """Picking stores the time and the picker; the article's picks list it."""
        comment = post(authored, "Worth reading")
        assert comment_pick(comment_id=comment.pk, picker=author) is True
        comment.refresh_from_db()
        assert comment.picked_at is not None and comment.picked_by == author
        assert [pick.pk for pick in article_picks(article=authored)] == [comment.pk]

    def test_picking_twice_or_unpicking_a_non_pick_changes_nothing(self, authored, author, post):
        """A second pick and an unpick of a comment that is not a pick report no change."""
        comment = post(authored)
        assert comment_pick(comment_id=comment.pk, picker=author) is True
        first = Comment.objects.get(pk=comment.pk).picked_at
        assert comment_pick(comment_id=comment.pk, picker=author) is False
        assert Comment.objects.get(pk=comment.pk).picked_at == first
        assert comment_unpick(comment_id=comment.pk) is True
        assert comment_unpick(comment_id=comment.pk) is False
        assert picked_ids(authored) == set()

    def test_a_fourth_pick_is_refused_and_nothing_changes(self, authored, author, post):
        """Three picks is the most: the fourth raises a "limit" refusal and is not stored."""
        comments = [post(authored, f"Comment {n}") for n in range(4)]
        for comment in comments[:3]:
            comment_pick(comment_id=comment.pk, picker=author)
        with pytest.raises(PickRefused) as refused:
            comment_pick(comment_id=comments[3].pk, picker=author)
        assert refused.value.reason == "limit"
        assert "already has 3 Editor's picks" in refused.value.message
        assert picked_ids(authored) == {c.pk for c in comments[:3]}

    @pytest.mark.parametrize("status", [S.HELD, S.PENDING, S.SPAM, S.REMOVED])
    def test_only_a_published_comment_can_be_picked(self, authored, author, post, status):
        """A comment that is not published is refused, with its status named."""
        comment = post(authored, status=status)
        with pytest.raises(PickRefused) as refused:
            comment_pick(comment_id=comment.pk, picker=author)
        assert refused.value.reason == "not_published"
        assert S(status).label.lower() in refused.value.message
        assert picked_ids(authored) == set()

    def test_a_hidden_pick_leaves_the_picks_and_frees_its_slot(self, authored, author, post):
        """A pick that a moderator holds stops showing and counting, with no write of the
        picks' own; a fourth comment can then be picked."""
        comments = [post(authored, f"Comment {n}") for n in range(4)]
        for comment in comments[:3]:
            comment_pick(comment_id=comment.pk, picker=author)
        comment_transition(comment_id=comments[0].pk, to_status=S.HELD, actor_label="test")
        assert [p.pk for p in article_picks(article=authored)] == [c.pk for c in comments[1:3]]
        assert comment_pick(comment_id=comments[3].pk, picker=author) is True
        assert [p.pk for p in article_picks(article=authored)] == [c.pk for c in comments[1:]]

    def test_a_pick_published_again_does_not_push_out_its_replacement(self, authored, author, post):
        """A hidden pick whose slot went to another comes back published without taking the
        slot back: the page keeps the three picked last, and a fourth is still refused."""
        comments = [post(authored, f"Comment {n}") for n in range(5)]
        for comment in comments[:3]:
            comment_pick(comment_id=comment.pk, picker=author)
        comment_transition(comment_id=comments[0].pk, to_status=S.HELD, actor_label="test")
        comment_pick(comment_id=comments[3].pk, picker=author)
        comment_transition(comment_id=comments[0].pk, to_status=S.PUBLISHED, actor_label="test")
        assert [p.pk for p in article_picks(article=authored)] == [c.pk for c in comments[1:4]]
        with pytest.raises(PickRefused):
            comment_pick(comment_id=comments[4].pk, picker=author)

    def test_a_pick_drops_the_cached_anonymous_page(
        self, authored, author, post, settings, django_capture_on_commit_callbacks
    ):
        """Once a pick commits, the next anonymous reader gets a fresh page showing it;
        so does an unpick."""
        settings.PARLEY_PAGE_CACHE_SECONDS = 60
        comment = post(authored, "Soon a pick")
        assert picks_section(page(Client(), authored)) == ""
        assert Client().get(authored.get_absolute_url())["X-Parley-Cache"] == "hit"
        with django_capture_on_commit_callbacks(execute=True):
            comment_pick(comment_id=comment.pk, picker=author)
        response = Client().get(authored.get_absolute_url())
        assert response["X-Parley-Cache"] == "miss"
        assert "Soon a pick" in picks_section(response.content.decode())
        with django_capture_on_commit_callbacks(execute=True):
            comment_unpick(comment_id=comment.pk)
        response = Client().get(authored.get_absolute_url())
        assert response["X-Parley-Cache"] == "miss"
        assert picks_section(response.content.decode()) == ""


class TestPickPermissions:
    def test_anonymous_is_sent_to_log_in_and_nothing_changes(self, client, authored, post):
        """A reader who is not signed in is sent to log in, back to the comment after."""
        comment = post(authored)
        response = client.post(pick_url(comment))
        assert response.status_code == 302
        login = reverse("account_login")
        assert response["Location"].startswith(login)
        assert reverse("comments:permalink", args=[comment.pk]) in response["Location"]
        assert picked_ids(authored) == set()

    def test_a_reader_and_another_articles_author_get_403(
        self, client, authored, post, make_user, make_article
    ):
        """Signed in without the right (a reader, or the author of another article): 403."""
        comment = post(authored)
        other_author = make_user(groups=[AUTHORS_GROUP])
        make_article(authors=[other_author])
        for user in (make_user(), other_author):
            client.force_login(user)
            response = client.post(pick_url(comment))
            assert response.status_code == 403
            assert "authors and the moderators" in response.content.decode()
        assert picked_ids(authored) == set()

    def test_an_author_who_lost_the_author_role_gets_403(self, client, authored, author, post):
        """Being listed on the article is not enough once the author role is gone."""
        comment = post(authored)
        author.groups.clear()
        client.force_login(author)
        assert client.post(pick_url(comment)).status_code == 403
        assert picked_ids(authored) == set()

    def test_only_post_is_accepted(self, client, authored, author, post):
        """A GET of the pick address changes nothing: 405."""
        comment = post(authored)
        client.force_login(author)
        assert client.get(pick_url(comment)).status_code == 405
        assert picked_ids(authored) == set()

    def test_a_post_without_the_csrf_token_is_refused(self, authored, author, post):
        """The pick form is protected by CSRF like every other form."""
        comment = post(authored)
        client = Client(enforce_csrf_checks=True)
        client.force_login(author)
        assert client.post(pick_url(comment)).status_code == 403
        assert picked_ids(authored) == set()

    def test_a_missing_comment_is_404(self, client, author):
        """Picking a comment that does not exist is a 404, not an error."""
        client.force_login(author)
        assert client.post(reverse("comments:pick", args=[987654])).status_code == 404


class TestPickPages:
    def test_the_author_picks_from_the_thread_and_sees_it_above_the_threads(
        self, client, authored, author, post
    ):
        """The article's author gets a Pick button; pressing it returns to the comment with a
        true message, the pick above the threads and the marker in the thread."""
        comment = post(authored, "A <b>fine</b> point", name="Grace")
        post(authored, "Another remark")
        client.force_login(author)
        html = page(client, authored)
        entry = thread_entry(html, comment)
        assert f'form="pick-c{comment.pk}"' in entry and ">Pick</button>" in entry
        form = re.search(rf'<form id="pick-c{comment.pk}" method="post" action="([^"]+)"', html)
        assert form.group(1) == pick_url(comment)
        token = re.search(
            rf'<form id="pick-c{comment.pk}"[^>]*><input type="hidden" '
            r'name="csrfmiddlewaretoken" value="([^"]+)"',
            html,
        )
        assert token and token.group(1)
        response = client.post(pick_url(comment))
        assert response.status_code == 302
        assert response["Location"] == reverse("comments:permalink", args=[comment.pk])
        html = page(client, authored)
        picked = "Picked: the comment by Grace now shows among the Editor&#x27;s picks."
        # Said inside the comment the redirect lands on, not at the top of the page.
        assert picked in thread_entry(html, comment) and html.count(picked) == 1
        section = picks_section(html)
        assert "Grace" in section and "fine" in section and "Another remark" not in section
        assert reverse("comments:permalink", args=[comment.pk]) in section
        assert html.index('id="editors-picks"') < html.index('<ol class="comment-list">')
        entry = thread_entry(html, comment)
        assert "badge-pick" in entry and ">Unpick</button>" in entry

    def test_a_moderator_can_pick_and_unpick(self, client, authored, moderator, post):
        """A moderator who is not the article's author may pick, and unpick from the section."""
        comment = post(authored, "Moderator's choice")
        client.force_login(moderator)
        assert client.post(pick_url(comment)).status_code == 302
        html = page(client, authored)
        assert f'action="{pick_url(comment, "unpick")}"' in picks_section(html)
        assert client.post(pick_url(comment, "unpick")).status_code == 302
        html = page(client, authored)
        assert "Unpicked: the comment by Reader is no longer an Editor&#x27;s pick." in html
        assert picks_section(html) == ""

    def test_a_fourth_pick_on_the_page_is_409_with_the_reason_and_the_picks(
        self, client, authored, author, post
    ):
        """The no-JavaScript form answers a fourth pick with 409, says why, lists the three
        picks with their Unpick buttons, and changes nothing."""
        comments = [post(authored, f"Comment {n}", name=f"Poster {n}") for n in range(4)]
        client.force_login(author)
        for comment in comments[:3]:
            assert client.post(pick_url(comment)).status_code == 302
        response = client.post(pick_url(comments[3]))
        assert response.status_code == 409
        html = response.content.decode()
        assert "already has 3 Editor&#x27;s picks, the most it can show" in html
        section = picks_section(html)
        for comment in comments[:3]:
            assert f'action="{pick_url(comment, "unpick")}"' in section
        assert "csrfmiddlewaretoken" in section
        assert reverse("comments:permalink", args=[comments[3].pk]) in html
        assert picked_ids(authored) == {c.pk for c in comments[:3]}

    def test_a_held_comment_gets_a_409_that_names_its_status(self, client, authored, author, post):
        """A comment held since the page was shown is not picked: 409 with a true reason."""
        comment = post(authored)
        comment_transition(comment_id=comment.pk, to_status=S.HELD, actor_label="test")
        client.force_login(author)
        response = client.post(pick_url(comment))
        assert response.status_code == 409
        assert "this one is held for a moderator" in response.content.decode()
        assert picked_ids(authored) == set()

    def test_readers_see_the_picks_and_markers_but_no_buttons(
        self, client, authored, author, post, make_user
    ):
        """Anonymous and signed-in readers see the section and the marker, never a Pick or
        Unpick control; a held pick shows neither."""
        kept, hidden = post(authored, "Kept pick"), post(authored, "Hidden pick")
        for comment in (kept, hidden):
            comment_pick(comment_id=comment.pk, picker=author)
        comment_transition(comment_id=hidden.pk, to_status=S.HELD, actor_label="test")
        signed_in = Client()
        signed_in.force_login(make_user())
        for viewer in (client, signed_in):
            html = page(viewer, authored)
            section = picks_section(html)
            assert "Kept pick" in section and "Hidden pick" not in section
            assert "badge-pick" in thread_entry(html, kept)
            assert "comment-pick-link" not in html and "/pick/" not in html
            assert "/unpick/" not in html

    def test_the_picks_section_escapes_what_readers_wrote(self, client, authored, author, post):
        """A poster's name and text are shown escaped in the section and its buttons."""
        comment = post(authored, "<script>alert(1)</script> plain", name='<img src=x onerror="1">')
        comment_pick(comment_id=comment.pk, picker=author)
        client.force_login(author)
        html = page(client, authored)
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;img src=x onerror=&quot;1&quot;&gt;" in picks_section(html)

    def test_one_conversation_view_leaves_the_section_out(self, client, authored, author, post):
        """The one-thread view keeps to its thread; the marker stays on the comment."""
        comment = post(authored, "In its thread")
        comment_pick(comment_id=comment.pk, picker=author)
        html = page(client, authored, f"?thread={comment.pk}")
        assert picks_section(html) == ""
        assert "badge-pick" in thread_entry(html, comment)

    @pytest.mark.parametrize("who", ["anonymous", "author"])
    def test_query_count_with_picks_does_not_grow_with_comments(
        self, client, authored, author, post, make_user, who, settings
    ):
        """With picks shown, the article page costs the same queries for 5 and 80 comments
        (whole and collapsed threads), for readers and for a picker alike."""
        settings.PARLEY_COMMENTS_PER_PAGE = 20  # collapsing starts early: fewer posts to add
        if who == "author":
            client.force_login(author)
        users = [make_user() for _ in range(3)]

        def add(n):
            previous = None
            for i in range(n):
                reply_to = previous.pk if previous and i % 3 else 0
                previous = post(authored, reply_to=reply_to, name=f"n{i}")
                if i % 5 == 0:
                    Comment.objects.filter(pk=previous.pk).update(user=users[i % 3])

        def count_queries():
            with CaptureQueriesContext(connection) as queries:
                html = page(client, authored)
            assert picks_section(html)
            sql = [query["sql"] for query in queries.captured_queries]
            assert sum("picked_at" in statement for statement in sql) == 1, "one for the picks"
            return len(queries)

        add(5)
        for comment in Comment.objects.filter(article=authored)[:3]:
            comment_pick(comment_id=comment.pk, picker=author)
        page(client, authored)  # the first view may store site-wide defaults once
        small = count_queries()
        add(75)
        assert small == count_queries()

    def test_picks_cost_a_readers_page_no_query(self, client, authored, author, post, settings):
        """A reader's page with three picks, one of them in a thread on another page, runs
        exactly the queries it ran with none, and shows all three above the threads."""
        settings.PARLEY_THREADS_PER_PAGE = 2
        comments = [post(authored, name=f"n{i}") for i in range(5)]

        def count_queries():
            cache.clear()  # the shared page is built, not served from the cache
            with CaptureQueriesContext(connection) as queries:
                html = page(client, authored)
            texts = [q["sql"] for q in queries.captured_queries if "comment_html" in q["sql"]]
            assert len(texts) == 1, "the picks come with the page's comments"
            return len(queries), html

        page(client, authored)  # the first view may store site-wide defaults once
        without, html = count_queries()
        assert picks_section(html) == ""
        for comment in (comments[0], comments[1], comments[4]):  # comments[4]: page 3
            comment_pick(comment_id=comment.pk, picker=author)
        with_picks, html = count_queries()
        assert with_picks == without
        section = picks_section(html)
        assert all(f'id="pick-{c.pk}"' in section for c in (comments[0], comments[1], comments[4]))
        assert f'id="c{comments[4].pk}"' not in html  # its thread stays on its own page


@pytest.mark.django_db(transaction=True)
def test_racing_pickers_never_pass_the_limit(make_article, author, post):
    """Six pickers, each picking a different comment at once: exactly three succeed, and
    the others are told the article already has three."""
    article = make_article(authors=[author])
    comments = [post(article, f"Racer {n}") for n in range(6)]

    def attempt(comment):
        try:
            return comment_pick(comment_id=comment.pk, picker=author)
        except PickRefused as refused:
            return refused.reason
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(attempt, comments))
    assert sorted(outcomes, key=str) == [True, True, True, "limit", "limit", "limit"]
    assert len(picked_ids(article)) == 3
