import re
import time

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment, CommentStatus
from comments.owner import COMMENTER_COOKIE, OWN_COOKIE
from moderation.models import ModerationRules
from moderation.services.transitions import comment_transition
from tests.conftest import form_data

POST_URL = reverse("comments:post")
pytestmark = pytest.mark.django_db


def page(client, article, query=""):
    response = client.get(article.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


class TestLeaveAReplyForm:
    def test_guest_form_matches_the_classic_one(self, client, article):
        """The form has the classic title, notes, fields, labels and consent box."""
        html = page(client, article)
        assert '<h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>' in html
        assert '<span id="email-notes">Your email address will not be published.</span>' in html
        # The note is read with the field it is about; the marker it explains is read too.
        assert re.search(
            r'<input type="email" name="email"[^>]*aria-describedby="email-notes"', html
        )
        assert 'Required fields are marked <span class="required">*</span>' in html
        for field in ("comment", "name", "email", "url", "remember"):
            assert f'name="{field}"' in html
        assert re.search(r'<label for="id_comment">Comment <span class="required"', html)
        assert re.search(r'<label for="id_name">Name <span class="required"', html)
        assert '<label for="id_email">Email</label>' in html
        assert '<label for="id_url">Website</label>' in html
        assert (
            "Save my name, email, and website in this browser for the next time I comment." in html
        )
        assert re.search(r'<input type="email" name="email"(?![^>]*required)', html)

    def test_email_can_be_made_required_by_setting(self, client, article, settings, submit):
        """PARLEY_COMMENT_EMAIL_REQUIRED makes Email required, in the form and the label."""
        settings.PARLEY_COMMENT_EMAIL_REQUIRED = True
        html = page(client, article)
        assert re.search(r'<label for="id_email">Email <span class="required"', html)
        response = submit(form_data(article, email=""))
        assert response.status_code == 400
        assert Comment.objects.count() == 0

    def test_signed_in_user_sees_no_name_or_email_fields(self, client, article, make_user):
        """Signed in: "Logged in as X. Log out?" and no name, email or website fields."""
        client.force_login(make_user("kim"))
        html = page(client, article)
        assert "Logged in as" in html and ">kim</a>. " in html and "Log out?" in html
        for field in ("name", "email", "url"):
            assert f'name="{field}"' not in html

    def test_closed_article_shows_no_form(self, client, make_article):
        """A closed article says so and shows no form."""
        html = page(client, make_article(comments_open=False))
        assert "Comments are closed." in html
        assert 'id="commentform"' not in html


class TestPosting:
    def test_guest_posts_with_name_only(self, client, article, submit):
        """A guest comment with only a name and text is stored, published and shown."""
        response = submit(form_data(article, comment="First *thoughts*", name="Rui"))
        comment = Comment.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"{article.get_absolute_url()}#c{comment.pk}"
        assert comment.status == CommentStatus.PUBLISHED
        assert (comment.user_name, comment.user_email, comment.user_url) == ("Rui", "", "")
        html = page(client, article)
        assert "<em>thoughts</em>" in html and "Rui" in html

    def test_held_comment_is_shown_only_to_its_poster(self, client, article, submit):
        """With moderation, the poster sees "awaiting moderation", and their page's script
        where to ask for the moderator's word; others see nothing."""
        ModerationRules.objects.update_or_create(pk=1, defaults={"hold_all": True})
        submit(form_data(article, comment="Needs a look", name="Ida"))
        comment = Comment.objects.get()
        assert comment.status == CommentStatus.HELD
        mine = page(client, article)
        assert "Thank you: your comment is awaiting moderation." in mine and "Needs a look" in mine
        assert (
            f'data-status="held" data-status-url="/comments/{comment.pk}/status/?kind=posted"'
            in mine
        )
        again = page(client, article)
        assert "Your comment is awaiting moderation." in again
        assert f'data-status-url="/comments/{comment.pk}/status/"' in again
        theirs = page(Client(), article)
        assert "Needs a look" not in theirs and "awaiting moderation" not in theirs
        assert "data-status-url" not in theirs and f'id="c{comment.pk}"' not in theirs

    def test_forged_own_cookie_reveals_nothing(self, client, article, post):
        """An unsigned or tampered own-comments cookie shows nobody's held comments."""
        held = post(article, "secret held text", status=CommentStatus.HELD)
        client.cookies[OWN_COOKIE] = f"[{held.pk}]"
        assert "secret held text" not in page(client, article)

    def test_an_accounts_comment_is_not_left_to_the_browser_after_signing_out(
        self, client, article, submit, make_user
    ):
        """A comment posted from an account is the account's, not the browser's: whoever uses
        the browser after signing out does not see it held, nor as theirs to edit."""
        client.force_login(make_user("shared-computer"))
        submit(form_data(article, comment="account's own held words"))
        comment = Comment.objects.get()
        comment_transition(comment_id=comment.pk, to_status=CommentStatus.HELD, actor_label="test")
        after = Client()
        for name, morsel in client.cookies.items():
            if name != "sessionid":
                after.cookies[name] = morsel.value
        html = page(after, article)
        assert "account's own held words" not in html
        assert f"/comments/{comment.pk}/edit/" not in html

    def test_reply_lands_under_its_parent(self, client, article, post, submit):
        """Posting with reply_to nests the reply under the parent on the page."""
        parent = post(article, "parent text", name="Pat")
        submit(form_data(article, comment="child text", reply_to=str(parent.pk)))
        reply = Comment.objects.exclude(pk=parent.pk).get()
        assert (reply.parent_id, reply.level) == (parent.pk, 1)
        html = page(client, article)
        assert re.search(
            rf'id="c{parent.pk}".*<ol class="children">\s*<li id="c{reply.pk}"', html, re.S
        )

    def test_reply_link_without_javascript_opens_form_for_that_comment(self, client, article, post):
        """?replyto=ID shows "Replying to NAME · Cancel reply" and sets reply_to."""
        parent = post(article, name="Quinn")
        html = page(client, article, f"?replyto={parent.pk}")
        assert f'href="?replyto={parent.pk}#respond"' in html
        assert re.search(
            r'<p class="replying-to" id="replying-to">\s*'
            r'Replying to <strong id="replying-to-name">Quinn</strong>',
            html,
        )
        assert "Cancel reply" in html
        assert f'name="reply_to" value="{parent.pk}"' in html

    def test_reply_to_a_comment_on_another_article_is_a_form_error(
        self, client, make_article, article, post, submit
    ):
        """A reply_to from another article gives a 400 with the text kept, nothing stored."""
        foreign = post(make_article())
        response = submit(form_data(article, comment="keep me", reply_to=str(foreign.pk)))
        assert response.status_code == 400
        assert "does not exist here" in response.content.decode()
        assert "keep me" in response.content.decode()
        assert Comment.objects.filter(article=article).count() == 0

    def test_a_reply_whose_comment_went_meanwhile_can_be_posted_as_a_new_comment(
        self, client, article, post, submit
    ):
        """Replying to a comment held while the reply was written: the form comes back with
        the text, says the second press posts it as a new comment, and that press does."""
        parent = post(article, "Soon held")
        Comment.objects.filter(pk=parent.pk).update(status=CommentStatus.HELD)
        data = form_data(article, comment="keep my reply", reply_to=str(parent.pk))
        refused = submit(data)
        html = refused.content.decode()
        assert refused.status_code == 400 and "keep my reply" in html
        assert "is not available" in html and "as a new comment instead of a reply" in html
        assert re.search(r'name="reply_to" value="0"', html)
        assert submit({**data, "reply_to": "0"}).status_code == 302
        posted = Comment.objects.get(article=article, comment="keep my reply")
        assert posted.parent_id == posted.pk

    def test_reply_past_depth_limit_is_stored_beside(self, client, article, post, settings, submit):
        """A reply to the deepest comment is stored at that depth, not refused."""
        settings.PARLEY_THREAD_DEPTH = 2
        root = post(article)
        deepest = post(article, reply_to=root.pk)
        response = submit(form_data(article, reply_to=str(deepest.pk)))
        assert response.status_code == 302
        newest = Comment.objects.latest("pk")
        assert (newest.parent_id, newest.level) == (root.pk, 1)

    def test_remember_me_prefills_the_form_next_time(self, client, article, submit):
        """Ticking the consent box brings the name, email and website back next visit."""
        submit(
            form_data(
                article,
                name="Noor",
                email="noor@example.com",
                url="https://noor.example",
                remember="on",
            )
        )
        html = page(client, article)
        assert 'value="Noor"' in html and 'value="noor@example.com"' in html
        assert 'value="https://noor.example"' in html
        unticked = submit(form_data(article, comment="again", name="Noor"))
        assert unticked.cookies[COMMENTER_COOKIE]["max-age"] == 0
        assert 'value="Noor"' not in page(client, article)

    def test_the_box_unticked_sends_no_deletion_to_a_browser_that_saved_nothing(
        self, client, article, submit
    ):
        """Unticked, the consent box deletes the details a browser saved; a browser that
        saved none, as most posters, is sent no cookie for them at all."""
        response = submit(form_data(article, comment="just once", name="Ola"))
        assert response.status_code == 302
        assert COMMENTER_COOKIE not in response.cookies
        assert COMMENTER_COOKIE not in client.cookies

    def test_commenter_ip_is_remote_addr_unless_proxies_are_trusted(
        self, client, article, settings, submit
    ):
        """X-Forwarded-For is ignored by default and read at the trusted hop when configured."""
        headers = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9"}
        submit(form_data(article, comment="one"), **headers)
        settings.PARLEY_TRUSTED_PROXY_COUNT = 1
        submit(form_data(article, comment="two"), **headers)
        ips = list(Comment.objects.order_by("pk").values_list("ip_address", flat=True))
        assert ips == ["10.0.0.1", "203.0.113.9"]


def test_cancel_reply_without_javascript_keeps_the_text_as_a_new_comment(client, article, post):
    """Without JavaScript "Cancel reply" sends the form: the article comes back with the
    text, name and email in the box, replying to nobody, nothing posted and no error shown
    (a link reloaded the page with the box empty)."""
    parent = post(article, "Worth answering")
    data = form_data(
        article, comment="Half a reply I still want", name="Ida", email="ida@example.com",
        reply_to=str(parent.pk), cancel_reply="1", remember="on",
    )  # fmt: skip

    response = client.post(POST_URL, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "\nHalf a reply I still want</textarea>" in html
    assert 'value="Ida"' in html and 'value="ida@example.com"' in html
    assert '<input type="hidden" name="reply_to" id="id_reply_to">' in html  # a new comment
    assert re.search(r'id="replying-to"\s+hidden', html)
    assert "Your comment was not posted." not in html
    assert Comment.objects.count() == 1


def test_cancel_reply_from_the_shared_page_needs_no_token(article, post):
    """The shared page's form has no CSRF token without scripts; "Cancel reply" posts
    nothing, so it is answered at the first press (not with the page that says the comment
    was not posted), with a form that has the token."""
    parent = post(article, "Worth answering")
    data = form_data(article, comment="Not a reply after all", reply_to=str(parent.pk))
    data.update(cancel_reply="1", csrfmiddlewaretoken="")

    response = Client(enforce_csrf_checks=True).post(POST_URL, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "\nNot a reply after all</textarea>" in html
    assert '<input type="hidden" name="reply_to" id="id_reply_to">' in html
    assert "not posted" not in html.split("</title>")[0]
    assert re.search(r'name="csrfmiddlewaretoken" value="[^"]+"', html)
    assert Comment.objects.count() == 1


class TestBadInput:
    def test_a_bare_domain_is_a_website(self, client, article, submit):
        """A website typed without its scheme, as WordPress accepts it, is stored and shown
        as https://; the field is text with the URL keyboard, which no browser refuses."""
        response = submit(form_data(article, name="Dora", url="example.org/blog"))
        assert response.status_code == 302
        assert Comment.objects.get().user_url == "https://example.org/blog"
        html = client.get(article.get_absolute_url()).content.decode()  # the poster's page
        assert 'href="https://example.org/blog"' in html
        field = re.search(r'<input[^>]*name="url"[^>]*>', html).group(0)
        assert 'type="text"' in field and 'inputmode="url"' in field
        assert 'autocomplete="url"' in field

    def test_an_emoji_comment_at_the_limit_is_posted_and_one_over_is_not(
        self, article, submit, settings
    ):
        """Emoji count two, as the textarea's maxlength counts them in the browser: a
        comment of emoji right at the limit is posted, one character more is refused with
        its length as the browser counted it."""
        limit = settings.COMMENT_MAX_LENGTH
        at_limit = "🎉" * (limit // 2)
        assert submit(form_data(article, comment=at_limit)).status_code == 302
        refused = submit(form_data(article, comment=at_limit[:-1] + "ab!"))
        assert refused.status_code == 400
        assert f"to {limit} characters or fewer (it has {limit + 1})" in refused.content.decode()

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"comment": ""}, "Please write a comment."),
            ({"name": ""}, "Please enter your name."),
            ({"name": "n" * 51}, "at most 50 characters"),
            ({"comment": "x" * 3001}, "to 3000 characters or fewer"),
            ({"email": "not-an-email"}, "valid email"),
            ({"email": "a" * 250 + "@b.co"}, "at most 254 characters (it has 255)"),
            ({"url": "javascript:alert(1)"}, "only http:// and https:// addresses"),
            ({"url": "ftp://files.example"}, "only http:// and https:// addresses"),
            ({"url": "not a website"}, "Enter a web address, such as example.org;"),
        ],
    )
    def test_invalid_fields_keep_what_was_typed(self, client, article, fields, message, submit):
        """A field error is a 400 that re-renders the page with the reader's text kept."""
        data = form_data(article, comment="My carefully written words", name="Kept Name")
        data.update(fields)
        response = submit(data)
        html = response.content.decode()
        assert response.status_code == 400
        assert message in html
        if fields.get("comment", "x") and "comment" not in fields:
            assert "My carefully written words" in html
        if "name" not in fields:
            assert 'value="Kept Name"' in html
        assert Comment.objects.count() == 0

    def test_line_breaks_count_one_character_each_as_the_browser_counts_them(
        self, article, submit, settings
    ):
        """A browser sends a textarea's line breaks as CRLF and lets 3,000 characters through
        counting each break as one: the form counts them so too, and stores "\n"."""
        text = "\r\n".join(["y" * 49] * 60)  # 2,940 + 59 breaks: 2,999 typed, 3,058 sent
        response = submit(form_data(article, comment=text))
        assert response.status_code == 302
        assert Comment.objects.get().comment == text.replace("\r\n", "\n")
        response = submit(form_data(article, comment=text + "\r\nzz"))
        assert response.status_code == 400
        assert "to 3000 characters or fewer (it has 3002)" in response.content.decode()

    def test_forged_security_hash_is_refused_with_a_reason(self, client, article, submit):
        """A tampered security hash is a 400 that explains and hands the text back."""
        response = submit(form_data(article, security_hash="0" * 40, comment="mine"))
        assert response.status_code == 400
        assert "failed its security check" in response.content.decode()
        assert "mine" in response.content.decode()
        assert Comment.objects.count() == 0

    def test_tampered_target_is_refused(self, client, article, make_article, submit):
        """Pointing a signed form at another article breaks the hash: 400, nothing stored."""
        other = make_article()
        response = submit(form_data(article, object_pk=str(other.pk)))
        assert response.status_code == 400
        assert Comment.objects.count() == 0

    @pytest.mark.parametrize(
        "target", [{"content_type": "auth.user"}, {"object_pk": "999999"}, {"object_pk": "x"}]
    )
    def test_unknown_target_is_a_404(self, client, article, target, submit):
        """A form aimed at something that is not a published article is refused."""
        response = submit(form_data(article, **target))
        assert response.status_code == 404
        assert Comment.objects.count() == 0

    def test_expired_form_is_re_signed_and_text_kept(self, client, article, submit):
        """A form open longer than COMMENTS_TIMEOUT is refused kindly and can be resent."""
        form = form_data(article, comment="Written slowly")
        old = int(time.time()) - 3 * 60 * 60
        from comments.forms import CommentForm

        stale = CommentForm(article)
        form.update(timestamp=str(old), security_hash=stale.initial_security_hash(old))
        response = submit(form)
        html = response.content.decode()
        assert response.status_code == 400
        assert "open for more than 2 hours" in html and "Written slowly" in html
        fresh = dict(re.findall(r'name="(timestamp|security_hash)" value="([^"]+)"', html))
        assert fresh["timestamp"] != str(old)
        form.update(fresh)
        assert submit(form).status_code == 302
        assert Comment.objects.count() == 1

    def test_filled_honeypot_is_refused_but_kept_as_spam(self, client, article, submit):
        """A filled honeypot is a 400 with a reason; the comment is kept, marked spam."""
        response = submit(form_data(article, honeypot="http://spam.example", comment="Hi!"))
        assert response.status_code == 400
        assert "meant to stay empty" in response.content.decode()
        comment = Comment.objects.get()
        assert comment.status == CommentStatus.SPAM
        assert "Hi!" not in page(Client(), article)

    def test_missing_csrf_token_is_a_403_that_keeps_the_text(self, article, submit):
        """Without the CSRF token the post is refused with a 403 that shows the text."""
        client = Client(enforce_csrf_checks=True)
        response = submit(form_data(article, comment="Keep this safe"), using=client)
        assert response.status_code == 403
        assert "Keep this safe" in response.content.decode()
        assert Comment.objects.count() == 0

    def test_posting_to_a_closed_article_is_refused_with_the_text_kept(self, make_article, submit):
        """A post to a closed article is a 403 saying comments are closed; nothing is stored."""
        closed = make_article(comments_open=False)
        response = submit(form_data(closed, comment="Too late but heartfelt"))
        html = response.content.decode()
        assert response.status_code == 403
        assert "Comments are closed on this article." in html
        assert "Too late but heartfelt" in html
        assert Comment.objects.count() == 0

    def test_get_on_the_post_url_is_refused(self, client):
        """The post URL only accepts POST; opened in the address bar (a form sent back with
        errors, reloaded from there), it says what it is instead of showing a blank page."""
        response = client.get(POST_URL)
        assert response.status_code == 405 and response["Allow"] == "POST"
        assert "opening it posts nothing and shows nothing" in response.content.decode()

    def test_draft_article_page_is_404_and_refuses_comments(self, client, make_article, submit):
        """Drafts are invisible to readers and accept no comments."""
        draft = make_article(publish=False)
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert submit(form_data(draft)).status_code == 404


class TestThreadRendering:
    def test_no_email_address_appears_in_the_page(self, client, article, post):
        """xtd fault 7: commenters' email addresses never reach the HTML (no alt, no hash)."""
        post(article, name="Eve", email="eve.secret@example.com")
        html = page(client, article)
        assert "eve.secret@example.com" not in html
        assert "gravatar" not in html.lower()

    def test_commenter_links_are_nofollow_ugc_noopener(self, client, article, post):
        """Commenter websites link with rel="nofollow ugc noopener" and no target=_new."""
        post(article, name="Web", url="https://web.example")
        html = page(client, article)
        assert '<a href="https://web.example" rel="nofollow ugc noopener">Web</a>' in html
        assert "_new" not in html

    def test_moderate_link_follows_the_real_permission(
        self, client, article, post, make_user, moderator
    ):
        """xtd fault 8: a non-superuser with django_comments.can_moderate sees moderation
        links; a reader does not."""
        post(article)
        client.force_login(make_user())
        assert "comment-moderate-link" not in page(client, article)
        client.force_login(moderator)
        assert "comment-moderate-link" in page(client, article)
        plain = make_user()
        plain.user_permissions.add(
            Permission.objects.get(
                codename="can_moderate", content_type__app_label="django_comments"
            )
        )
        client.force_login(plain)
        assert "comment-moderate-link" in page(client, article)

    def test_xtd_confirmation_and_mute_urls_are_not_mounted(self, client):
        """xtd fault 5: no URL accepts xtd's pickled confirmation or mute tokens."""
        for path in ("/comments/confirm/abc/", "/comments/mute/abc/", "/comments/api/"):
            assert client.get(path).status_code == 404

    def test_held_parent_with_public_reply_shows_a_placeholder(self, client, article, post):
        """A held comment's published replies stay, under "[awaiting moderation]"."""
        parent = post(article, "hidden parent text")
        post(article, "visible reply text", reply_to=parent.pk)
        from moderation.services import comment_transition

        comment_transition(comment_id=parent.pk, to_status=CommentStatus.HELD)
        html = page(client, article)
        assert "hidden parent text" not in html
        assert "[awaiting moderation]" in html and "visible reply text" in html

    def test_threads_page_and_order(self, client, article, post, settings):
        """Top-level threads page at PARLEY_THREADS_PER_PAGE, oldest or newest first."""
        settings.PARLEY_THREADS_PER_PAGE = 2
        roots = [post(article, f"thread {i}") for i in range(5)]
        post(article, "reply on first", reply_to=roots[0].pk)
        first = page(client, article)
        assert "thread 0" in first and "thread 1" in first and "thread 2" not in first
        assert "reply on first" in first and "Page 1 of 3" in first
        assert "thread 4" in page(client, article, "?cpage=3")
        newest = page(client, article, "?corder=newest")
        assert newest.index("thread 4") < newest.index("thread 3")
        assert "thread 0" not in newest
        assert "6 comments" in first
        assert page(client, article, "?cpage=999").count("thread 4") == 1
        for not_a_page in ("0", "-1", "x"):
            shown = page(client, article, f"?cpage={not_a_page}")
            assert "Page 1 of 3" in shown and "thread 0" in shown and "thread 4" not in shown

    def test_threads_beyond_the_comment_budget_collapse_to_a_link(
        self, client, article, post, settings
    ):
        """Past PARLEY_COMMENTS_PER_PAGE, threads show their first comment and "Show N
        replies", which opens the whole thread."""
        settings.PARLEY_COMMENTS_PER_PAGE = 4
        big = post(article, "big thread root")
        for n in range(3):
            post(article, f"big reply {n}", reply_to=big.pk)
        late = post(article, "late thread root")
        for n in range(2):
            post(article, f"late reply {n}", reply_to=late.pk)
        html = page(client, article)
        assert "big reply 2" in html and "late thread root" in html
        assert "late reply 0" not in html
        assert f'href="?thread={late.pk}#c{late.pk}">Show 2 replies</a>' in html
        whole = page(client, article, f"?thread={late.pk}")
        assert "late reply 0" in whole and "late reply 1" in whole
        assert "big thread root" not in whole and "Back to all comments" in whole

    def test_a_removed_first_comment_with_one_reply_stays_collapsed(
        self, client, article, post, settings
    ):
        """A collapsed thread whose first comment is removed shows its placeholder with
        "Show 1 reply" for its one published reply, as the live update left it."""
        settings.PARLEY_COMMENTS_PER_PAGE = 4
        big = post(article, "big thread root")
        for n in range(3):
            post(article, f"big reply {n}", reply_to=big.pk)
        late = post(article, "late thread root")
        post(article, "late reply", reply_to=late.pk)
        more = f'<p class="comment-more" data-count="1"><a href="?thread={late.pk}#c{late.pk}">'
        assert more in page(client, article)
        comment_transition(comment_id=late.pk, to_status=CommentStatus.REMOVED, actor_label="t")
        html = page(client, article)
        assert "late thread root" not in html and "comment-placeholder" in html
        assert "late reply" not in html and f"{more}Show 1 reply</a>" in html

    def test_a_reply_redirects_to_itself_in_its_conversation(self, client, article, post, submit):
        """After replying, the reader lands on the reply shown with what it answers."""
        root = post(article, "root")
        response = submit(form_data(article, comment="my reply", reply_to=str(root.pk)))
        reply = Comment.objects.latest("pk")
        assert response["Location"] == (
            f"{article.get_absolute_url()}?thread={root.pk}&context={reply.pk}#c{reply.pk}"
        )
        html = client.get(response["Location"]).content.decode()
        assert "my reply" in html, html[html.find("comments-title") :][:3000]
        assert "your comment is published" in html

    def test_a_comment_in_its_conversation_leaves_the_other_branches_out(
        self, client, article, post
    ):
        """?context= shows the thread's first comment, each comment on the way down, the
        comment itself and its replies; sibling branches, however many, are a link away,
        and the link counts the whole thread."""
        root = post(article, "the root")
        first = post(article, "first branch", reply_to=root.pk)
        post(article, "a reply beside", reply_to=first.pk)
        middle = post(article, "the middle", reply_to=first.pk)
        mine = post(article, "my reply", reply_to=middle.pk)
        under = post(article, "a reply to mine", reply_to=mine.pk)
        post(article, "after mine", reply_to=middle.pk)
        post(article, "second branch", reply_to=root.pk)
        post(article, "another thread")
        html = page(client, article, f"?thread={root.pk}&context={mine.pk}")
        for shown in ("the root", "first branch", "the middle", "my reply", "a reply to mine"):
            assert shown in html, shown
        for left_out in ("a reply beside", "after mine", "second branch", "another thread"):
            assert left_out not in html, left_out
        assert html.index("the root") < html.index("the middle") < html.index("my reply")
        assert html.index("my reply") < html.index("a reply to mine")
        # Nested as in the thread: the reply to mine sits three lists below the root's.
        assert f'id="c{under.pk}" class="comment depth-4' in html
        link = f'href="?thread={root.pk}#c{mine.pk}">Show the whole conversation (8 comments)</a>'
        assert link in html
        whole = page(client, article, f"?thread={root.pk}")
        assert "a reply beside" in whole and "second branch" in whole
        assert "Show the whole conversation" not in whole

    def test_a_conversation_of_a_comment_hidden_or_elsewhere_shows_the_thread(
        self, client, article, post
    ):
        """A context the viewer may not see, or from another thread, shows the whole
        thread instead: nothing is shown that the thread view would not show."""
        root = post(article, "the root")
        held = post(article, "held words", reply_to=root.pk, status=CommentStatus.HELD)
        post(article, "a published reply", reply_to=root.pk)
        other = post(article, "another thread")
        for context in (held.pk, other.pk, 10**9):
            html = page(client, article, f"?thread={root.pk}&context={context}")
            assert "a published reply" in html and "held words" not in html
            assert "Show the whole conversation" not in html
            assert "Showing one conversation." in html

    def test_a_replys_id_as_the_thread_shows_its_thread_with_the_reply_in_view(
        self, client, article, post
    ):
        """?thread= with a reply's id (not a thread's first comment) shows that reply in its
        thread, as its permalink does, with the link to the whole conversation; a reply
        this reader may not see is "not shown", as an id that never was."""
        root = post(article, "the root")
        reply = post(article, "the reply", reply_to=root.pk)
        under = post(article, "a reply to the reply", reply_to=reply.pk)
        post(article, "another thread")
        held = post(article, "held words", reply_to=root.pk, status=CommentStatus.HELD)
        for thread in (reply.pk, under.pk):
            html = page(client, article, f"?thread={thread}")
            assert "the root" in html and "a reply to the reply" in html, thread
            assert f'id="c{thread}"' in html and "another thread" not in html
            assert f'href="?thread={root.pk}#c{thread}">Show the whole conversation' in html
        html = page(client, article, f"?thread={held.pk}")
        assert "That conversation is not shown here" in html and "the root" not in html

    def test_a_conversation_that_is_not_shown_says_so(self, client, article, post):
        """A removed thread, or one that never was, is not "No comments yet" under a heading
        counting the article's comments: the page says that conversation is not shown and
        leads back to all comments."""
        post(article, "a published thread")
        removed = post(article, "removed words", status=CommentStatus.REMOVED)
        for thread in (removed.pk, 10**9):
            html = page(client, article, f"?thread={thread}")
            assert "That conversation is not shown here" in html
            assert "No comments yet" not in html and "Showing one conversation." not in html
            assert f'href="{article.get_absolute_url()}#comments">Back to all comments' in html

    def test_back_to_all_comments_leads_to_the_page_holding_the_conversation(
        self, client, article, post, settings
    ):
        """From one conversation (a reply's landing, "Show N replies"), "Back to all
        comments" leads to the page and place of that conversation among the rest, not to
        the first page, which may be pages away from where the reader was."""
        settings.PARLEY_THREADS_PER_PAGE = 1
        post(article, "the first thread")
        root = post(article, "the second thread")
        reply = post(article, "a reply to it", reply_to=root.pk)
        for query in (f"?thread={root.pk}", f"?thread={root.pk}&context={reply.pk}"):
            html = page(client, article, query)
            back = f'<a href="/comments/{root.pk}/">Back to all comments</a>'
            assert back in html, query
        response = client.get(f"/comments/{root.pk}/")
        assert response["Location"] == f"{article.get_absolute_url()}?cpage=2#c{root.pk}"

    def test_redirect_after_posting_goes_to_the_page_holding_the_comment(
        self, client, article, post, settings, submit
    ):
        """After posting into a later page, the redirect carries cpage and the anchor."""
        settings.PARLEY_THREADS_PER_PAGE = 2
        for i in range(3):
            post(article, f"thread {i}")
        response = submit(form_data(article))
        comment = Comment.objects.latest("pk")
        assert response["Location"].endswith(f"?cpage=2#c{comment.pk}")

    @pytest.mark.parametrize("logged_in", [False, True])
    def test_query_count_does_not_grow_with_comments(
        self, client, article, post, make_user, moderator, logged_in
    ):
        """The article page costs the same queries for 5 and for 300 comments."""
        if logged_in:
            client.force_login(moderator)

        def count_queries():
            with CaptureQueriesContext(connection) as queries:
                page(client, article)
            return len(queries)

        users = [make_user() for _ in range(3)]

        def add(n):
            previous = None
            for i in range(n):
                reply_to = previous.pk if previous and i % 3 else 0
                previous = post(article, reply_to=reply_to, name=f"n{i}")
                if i % 5 == 0:  # some comments by registered users, some by guests
                    Comment.objects.filter(pk=previous.pk).update(user=users[i % 3])

        add(5)
        page(client, article)  # the first view may store site-wide defaults (the rules) once
        small = count_queries()
        add(295)
        large = count_queries()
        assert Comment.objects.count() == 300
        assert small == large
        assert large <= (14 if logged_in else 9)


class TestTrueMessages:
    """What a poster reads about their comment is its state when they read it."""

    def test_a_pending_comment_is_being_checked_not_awaiting_moderation(
        self, client, article, submit, settings, queued_scoring
    ):
        """Posted but not yet scored (a worker will do it): the poster reads that it is
        being checked, inside the comment, and never "awaiting moderation"."""
        response = client.post(POST_URL, form_data(article, comment="Queued words"))
        comment = Comment.objects.get()
        assert comment.status == CommentStatus.PENDING
        assert response["Location"].endswith(f"#c{comment.pk}")
        html = page(client, article)
        status_line = re.search(rf'<li id="c{comment.pk}".*?<p class="comment-status[^>]*>([^<]*)',
                                html, re.S)  # fmt: skip
        assert status_line.group(1) == "Thank you: your comment is being checked."
        assert "awaiting moderation" not in html
        assert f'data-status-url="/comments/{comment.pk}/status/?kind=posted"' in html
        again = page(client, article)
        assert "Your comment is being checked." in again and "Thank you" not in again

    def test_a_published_comment_says_so_inside_the_comment(self, client, article, submit):
        """A comment published by the time the page shows says so, once, inside itself."""
        submit(form_data(article, comment="Clean words"))
        comment = Comment.objects.get()
        html = page(client, article)
        assert re.search(
            rf'<li id="c{comment.pk}".*?Thank you: your comment is published\.', html, re.S
        )
        assert html.count("Thank you") == 1
        assert "Thank you" not in page(client, article)

    def test_the_status_answer_follows_the_comment_and_only_its_poster_may_ask(
        self, client, article, submit, queued_scoring
    ):
        """The status endpoint tells the poster the current verdict in words (a moderator's
        removal too); anyone else gets a 404."""
        client.post(POST_URL, form_data(article, comment="Watch me"))
        comment = Comment.objects.get()
        url = f"/comments/{comment.pk}/status/?kind=posted"
        first = client.get(url)
        assert first.json() == {
            "status": "pending",
            "text": "Thank you: your comment is being checked.",
        }
        assert "no-store" in first["Cache-Control"] or "no-cache" in first["Cache-Control"]
        from moderation.services import comment_transition

        comment_transition(comment_id=comment.pk, to_status=CommentStatus.SPAM, actor_label="t")
        assert client.get(url).json() == {
            "status": "held",
            "text": "Thank you: your comment is awaiting moderation.",
        }
        comment_transition(comment_id=comment.pk, to_status=CommentStatus.REMOVED, actor_label="t")
        assert client.get(url).json() == {
            "status": "removed",
            "text": "A moderator removed your comment.",
        }
        assert Client().get(url).status_code == 404

    def test_the_status_answer_tells_a_poster_who_deleted_it_elsewhere(
        self, client, article, submit, queued_scoring
    ):
        """A tab still following the comment's verdict after its poster deleted it in another
        says so, not that it awaits moderation."""
        from readers.services.ownership import comment_delete

        client.post(POST_URL, form_data(article, comment="Second thoughts"))
        comment = Comment.objects.get()
        comment_delete(comment=comment)

        assert client.get(f"/comments/{comment.pk}/status/?kind=posted").json() == {
            "status": "deleted",
            "text": "Your comment was deleted.",
        }


ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "".join(chr(0x660 + n) for n in range(10)))
FULLWIDTH_DIGITS = str.maketrans("0123456789", "".join(chr(0xFF10 + n) for n in range(10)))


@pytest.mark.parametrize(
    "spelled",
    [
        lambda pk: str(pk).translate(ARABIC_INDIC_DIGITS),
        lambda pk: str(pk).translate(FULLWIDTH_DIGITS),
        lambda pk: f"{pk}e0",
        lambda pk: f"-{pk}",
        lambda pk: "9" * 19,
        lambda pk: f"{pk}x",
    ],
    ids=["arabic-indic", "fullwidth", "exponent", "negative", "too-long", "trailing-letter"],
)
def test_a_reply_to_that_is_not_an_ascii_id_is_refused_with_a_message(
    spelled, article, post, submit
):
    """Unicode digits are not an id, though int("١٢") is 12: the reply is refused, not
    attached to comment 12, and the reader is told why with their text kept."""
    parent = post(article)
    response = submit(form_data(article, comment="keep this text", reply_to=spelled(parent.pk)))
    html = response.content.decode()
    assert response.status_code == 400
    assert "The comment you are replying to does not exist here." in html
    assert "keep this text" in html
    assert not Comment.objects.filter(article=article, comment="keep this text").exists()


BIDI_CONTROLS = "".join(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


def test_bidirectional_controls_are_dropped_from_names_and_text(client, article, submit):
    """An override makes "Anna" + RLO + "gnp.exe" show as "Annaexe.png": it is not stored,
    nor is any other embedding, override or isolate; right-to-left letters and marks stay."""
    response = submit(
        form_data(
            article,
            name="Anna\u202egnp.exe",
            comment=f"Hebrew \u05e9\u05dc\u05d5\u05dd\u200f and {BIDI_CONTROLS} text",
        )
    )
    assert response.status_code == 302
    stored = Comment.objects.get(article=article)
    assert stored.user_name == "Annagnp.exe"
    assert stored.comment == "Hebrew \u05e9\u05dc\u05d5\u05dd\u200f and  text"
    page = client.get(article.get_absolute_url()).content.decode()
    assert not set(BIDI_CONTROLS) & set(page)


def test_right_to_left_names_and_text_take_their_own_direction(client, article, post):
    """An Arabic comment on an English page runs right to left with its punctuation where an
    Arabic reader expects it: its text and its author's name each take the direction of
    their first letters, and the form's comment and name fields do the same as one types."""
    post(article, "\u0645\u0631\u062d\u0628\u0627!", name="\u0633\u0627\u0645\u064a 2")
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<div class="comment-content" dir="auto"><p>\u0645\u0631\u062d\u0628\u0627!' in page
    assert re.search(r'<b class="comment-author" id="comment-author-\d+" dir="auto">', page)
    assert re.search(r'<textarea name="comment"[^>]* dir="auto"', page)
    assert re.search(r'<input type="text" name="name"[^>]* dir="auto"', page)


def test_comments_stored_before_lose_their_bidirectional_controls(article, post):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("comments.migrations.0006_drop_bidi_controls")
    old = post(article)
    Comment.objects.filter(pk=old.pk).update(
        user_name="Anna\u202egnp.exe", comment="a\u2066b", comment_html="<p>a\u2066b</p>"
    )
    untouched = post(article, name="Plain \u05e9\u200f")
    migration.drop_bidi_controls(apps, None)
    old.refresh_from_db()
    assert (old.user_name, old.comment, old.comment_html) == ("Annagnp.exe", "ab", "<p>ab</p>")
    assert Comment.objects.get(pk=untouched.pk).user_name == "Plain \u05e9\u200f"


class TestPermalink:
    def test_a_published_comment_leads_to_its_anchor(self, client, article, post):
        comment = post(article)
        response = client.get(f"/comments/{comment.pk}/")
        assert response.status_code == 302
        assert response["Location"].endswith(f"#c{comment.pk}")

    @pytest.mark.parametrize(
        "status",
        [CommentStatus.PENDING, CommentStatus.HELD, CommentStatus.SPAM, CommentStatus.REMOVED],
    )
    def test_a_comment_not_shown_answers_as_a_missing_one_does(self, client, article, post, status):
        """Anyone may try ids one by one: a held comment must look like no comment."""
        hidden = post(article, status=status)
        missing = Comment.objects.order_by("-pk").first().pk + 1000
        answers = [client.get(f"/comments/{pk}/") for pk in (hidden.pk, missing)]
        assert [a.status_code for a in answers] == [404, 404]
        # Each page's language switcher carries a CSRF token, masked afresh every time.
        pages = [
            re.sub(
                r'(csrfmiddlewaretoken" value=")[^"]*',
                r"\1",
                answer.content.decode().replace(f"/comments/{pk}/", "/comments/ID/"),
            )
            for answer, pk in zip(answers, (hidden.pk, missing), strict=True)
        ]
        assert pages[0] == pages[1]

    def test_the_poster_and_moderators_follow_a_held_comment(
        self, client, article, submit, moderator
    ):
        submit(form_data(article, comment="mine, awaiting a verdict"))
        mine = Comment.objects.get(article=article)
        comment_transition(comment_id=mine.pk, to_status=CommentStatus.HELD, actor_label="test")
        assert client.get(f"/comments/{mine.pk}/").status_code == 302
        client.cookies.clear()
        assert client.get(f"/comments/{mine.pk}/").status_code == 404
        client.force_login(moderator)
        assert client.get(f"/comments/{mine.pk}/").status_code == 302

    def test_a_removed_comment_with_published_replies_leads_to_its_placeholder(
        self, client, article, post
    ):
        parent = post(article)
        post(article, reply_to=parent.pk)
        comment_transition(
            comment_id=parent.pk, to_status=CommentStatus.REMOVED, actor_label="test"
        )
        response = client.get(f"/comments/{parent.pk}/")
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert f'id="c{parent.pk}"' in page and "[removed]" in page
