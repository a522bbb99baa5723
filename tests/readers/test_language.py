"""Readers in their language: the footer's switcher (remembered, winning over the browser's
Accept-Language, also on the shared cached page and without scripts), and emails written in
the language the reader used Parley in, saying so in a Content-Language header."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format

from articles.services import update_publish
from comments.models import Comment
from readers.models import ConfirmedAddress, Follow
from readers.services import author_digests_send
from tests.conftest import form_data

pytestmark = pytest.mark.django_db
HTML_LANG = re.compile(r'<html lang="([^"]+)">')
SELECTED = re.compile(r'<option value="([^"]+)" lang="[^"]+" selected>')
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


def lang_of(response) -> str:
    return HTML_LANG.search(response.content.decode()).group(1)


def link_in(message, path_part: str) -> str:
    match = re.search(rf"https?://[^/\s]+(/{path_part}/[^\s\"<]+)", message.body)
    assert match, message.body
    return match.group(1)


def published_on(moment, language: str) -> str:
    """A date as an email in `language` writes it."""
    with translation.override(language):
        return date_format(timezone.localtime(moment), "DATE_FORMAT")


class TestSwitcher:
    def test_the_footer_offers_every_language_by_its_own_name(self, client, article):
        """The switcher lists the languages as their speakers name them, the reader's chosen,
        and brings them back to the page they are on."""
        html = client.get("/articles/?page=1", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
        form = html[html.index('<form class="language-form"') :]
        form = form[: form.index("</form>")]
        assert 'action="/i18n/setlang/"' in form and 'method="post"' in form
        names = re.findall(r'<option value="([^"]+)" lang="\1"[^>]*>([^<]+)</option>', form)
        assert names == [("en-gb", "English"), ("de", "Deutsch"), ("uk", "Українська")]
        assert SELECTED.findall(form) == ["uk"]
        assert '<input type="hidden" name="next" value="/articles/?page=1">' in form
        english = client.get("/articles/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert SELECTED.findall(english) == ["en-gb"]
        assert '<label for="language">Language</label>' in english
        assert ">Change</button>" in english

    def test_the_chosen_language_is_remembered_and_wins_over_the_browser(self, article):
        """After the switcher, every page is in the chosen language, whatever the browser's
        Accept-Language says."""
        reader = Client(HTTP_ACCEPT_LANGUAGE="uk")
        assert lang_of(reader.get(article.get_absolute_url())) == "uk"
        response = reader.post(
            "/i18n/setlang/", {"language": "de", "next": article.get_absolute_url()}
        )
        assert response.status_code == 302
        assert response["Location"] == article.get_absolute_url()
        assert response.cookies["django_language"].value == "de"
        assert lang_of(reader.get(article.get_absolute_url())) == "de"
        assert lang_of(reader.get("/articles/")) == "de"

    def test_the_shared_page_is_kept_apart_for_each_language(self, settings, article):
        """The cached anonymous page of one language is never served in another: not to a
        reader whose browser asks for another, nor to one who chose another."""
        settings.PARLEY_PAGE_CACHE_SECONDS = 60
        url = article.get_absolute_url()
        english = Client()
        assert english.get(url)["X-Parley-Cache"] == "miss"
        german = Client(HTTP_ACCEPT_LANGUAGE="en")
        german.post("/i18n/setlang/", {"language": "de", "next": url})
        answer = german.get(url)
        assert (answer["X-Parley-Cache"], lang_of(answer)) == ("miss", "de")
        assert SELECTED.findall(answer.content.decode()) == ["de"]
        again = german.get(url)
        assert (again["X-Parley-Cache"], lang_of(again)) == ("hit", "de")
        back = english.get(url)
        assert (back["X-Parley-Cache"], lang_of(back)) == ("hit", "en-gb")
        assert SELECTED.findall(back.content.decode()) == ["en-gb"]
        # The browser says Ukrainian, the switcher's cookie German: German it is.
        chose = Client(HTTP_ACCEPT_LANGUAGE="uk")
        chose.cookies["django_language"] = "de"
        answer = chose.get(url)
        assert (answer["X-Parley-Cache"], lang_of(answer)) == ("hit", "de")
        assert lang_of(Client(HTTP_ACCEPT_LANGUAGE="uk").get(url)) == "uk"

    def test_without_scripts_the_refused_switch_comes_back_ready_to_send(self, settings, article):
        """The shared page's switcher has no token until a script fetches one. Sent without,
        it is refused with a page that says so and holds the same choice in a form that has a
        token; sending that one switches the language and returns to the article."""
        settings.PARLEY_PAGE_CACHE_SECONDS = 60
        url = article.get_absolute_url()
        reader = Client(enforce_csrf_checks=True)
        page = reader.get(url).content.decode()
        assert TOKEN.findall(page)[-1] == ""  # the footer's form, as the cached page has it
        refused = reader.post("/i18n/setlang/", {"language": "uk", "next": url})
        assert refused.status_code == 403
        html = refused.content.decode()
        assert "Your language was not changed yet" in html
        again = html[html.index('id="language-again"') - 400 :]
        assert SELECTED.findall(again)[0] == "uk"
        assert f'<input type="hidden" name="next" value="{url}">' in again
        token = TOKEN.search(again).group(1)
        assert token and "csrftoken" in refused.cookies
        switched = reader.post(
            "/i18n/setlang/", {"csrfmiddlewaretoken": token, "language": "uk", "next": url}
        )
        assert (switched.status_code, switched["Location"]) == (302, url)
        assert lang_of(reader.get(url)) == "uk"

    def test_a_page_answering_a_form_sends_the_switcher_back_to_the_form(self, client, article):
        """On a page rendered for a POST (a comment with errors) the switcher returns to the
        page the form was on, not to the address that accepts only POSTs."""
        response = client.post(
            "/comments/post/",
            form_data(article, comment=""),
            HTTP_REFERER=f"http://testserver{article.get_absolute_url()}?cpage=1",
        )
        assert response.status_code == 400
        html = response.content.decode()
        next_field = f'name="next" value="{article.get_absolute_url()}?cpage=1"'
        assert next_field in html[html.index('<form class="language-form"') :]

    def test_a_page_for_a_refused_host_still_renders(self, client, article):
        """The switcher reads no Host: the 400 for an unknown one still renders."""
        assert client.get("/articles/", HTTP_HOST="evil.example").status_code == 400


class TestEmailsInTheReadersLanguage:
    def test_a_follower_hears_of_updates_in_the_language_they_followed_in(
        self, article, author, verified_user, run_commits
    ):
        """A follow keeps the language of the page it was made on; its update email is
        written in it (the date in German, Content-Language: de), another follower's in
        English."""
        german = Client(HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
        german.force_login(verified_user("greta", "greta@example.com"))
        german.post(f"/articles/{article.slug}/follow/")
        english = Client(HTTP_ACCEPT_LANGUAGE="en-GB")
        english.force_login(verified_user("ed", "ed@example.com"))
        english.post(f"/articles/{article.slug}/follow/")
        assert dict(Follow.objects.values_list("email", "language")) == {
            "greta@example.com": "de",
            "ed@example.com": "en-gb",
        }
        with run_commits():
            update = update_publish(article=article, author=author, body="New figures.")
        sent = {message.to[0]: message for message in mail.outbox}
        assert sent["greta@example.com"].extra_headers["Content-Language"] == "de"
        assert sent["ed@example.com"].extra_headers["Content-Language"] == "en-gb"
        german_date = published_on(update.published_at, "de")
        assert german_date != published_on(update.published_at, "en-gb")
        assert german_date in sent["greta@example.com"].body
        assert published_on(update.published_at, "en-gb") in sent["ed@example.com"].body

    def test_a_guests_follow_is_confirmed_and_updated_in_their_language(
        self, article, author, run_commits
    ):
        """A guest following from a Ukrainian page gets the confirmation in Ukrainian; a
        follow kept from before languages were stored gets the site's language."""
        reader = Client(HTTP_ACCEPT_LANGUAGE="uk")
        with run_commits():
            reader.post(f"/articles/{article.slug}/follow/", {"email": "olha@example.com"})
        assert Follow.objects.get().language == "uk"
        confirm = mail.outbox[-1]
        assert confirm.extra_headers["Content-Language"] == "uk"
        reader.post(link_in(confirm, "follow/confirm"))
        Follow.objects.create(
            article=article, email="old@example.com", confirmed_at="2026-11-01T00:00Z"
        )
        mail.outbox.clear()
        with run_commits():
            update_publish(article=article, author=author, body="News.")
        languages = {m.to[0]: m.extra_headers["Content-Language"] for m in mail.outbox}
        assert languages == {"olha@example.com": "uk", "old@example.com": "en-gb"}

    def test_following_again_in_another_language_changes_it(self, article, run_commits):
        """The latest request says which language the reader reads now."""
        for language in ("de", "uk"):
            with run_commits():
                Client(HTTP_ACCEPT_LANGUAGE=language).post(
                    f"/articles/{article.slug}/follow/", {"email": "sam@example.com"}
                )
        assert Follow.objects.get().language == "uk"
        assert [m.extra_headers["Content-Language"] for m in mail.outbox] == ["de", "uk"]

    def test_reply_notices_go_in_the_language_the_address_was_confirmed_in(
        self, article, post, submit
    ):
        """A guest who confirmed their address on a German page hears of replies in German;
        an account (no language kept) in the site's."""
        guest = post(article, "Tell me", name="Guest", email="gast@example.com")
        type(guest).objects.filter(pk=guest.pk).update(followup=True)
        Client(HTTP_ACCEPT_LANGUAGE="de").post(
            self._reply_confirm_link("gast@example.com", comment=guest.pk)
        )
        assert ConfirmedAddress.objects.get().language == "de"
        submit(form_data(article, comment="A reply", name="Replier", reply_to=str(guest.pk)))
        (notice,) = mail.outbox
        assert notice.to == ["gast@example.com"]
        assert notice.extra_headers["Content-Language"] == "de"

    def test_an_accounts_reply_notice_is_in_the_language_it_commented_in(
        self, article, submit, verified_user, settings, client
    ):
        """An account's address keeps no language: a notice of a reply is written in the
        language its comment was written in, whatever the replier reads."""
        settings.LANGUAGE_CODE = "de"
        member = verified_user("mia", "mia@example.com")
        client.force_login(member)
        submit(
            form_data(article, comment="Mine", name="Mia", followup="on"),
            HTTP_ACCEPT_LANGUAGE="uk",
        )
        parent = Comment.objects.get(user=member)
        assert parent.submission_meta["language"] == "uk"
        submit(
            form_data(article, comment="Reply", name="Replier", reply_to=str(parent.pk)),
            using=Client(HTTP_ACCEPT_LANGUAGE="en"),
        )
        (notice,) = mail.outbox
        assert notice.to == ["mia@example.com"]
        assert notice.extra_headers["Content-Language"] == "uk"

    def test_a_comment_from_before_languages_were_kept_gets_the_sites_language(
        self, article, post, submit, verified_user, settings
    ):
        settings.LANGUAGE_CODE = "de"
        member = verified_user("mia", "mia@example.com")
        parent = post(article, "Mine", name="Mia", user=member)
        type(parent).objects.filter(pk=parent.pk).update(followup=True)
        submit(
            form_data(article, comment="Reply", name="Replier", reply_to=str(parent.pk)),
            HTTP_ACCEPT_LANGUAGE="uk",
        )
        (notice,) = mail.outbox
        assert notice.extra_headers["Content-Language"] == "de"

    def test_a_guest_is_asked_to_confirm_in_the_language_they_commented_in(self, article, submit):
        submit(
            form_data(article, comment="Tell me of replies", name="Gast",
                      email="gast@example.com", followup="on"),
            HTTP_ACCEPT_LANGUAGE="de",
        )  # fmt: skip
        (ask,) = mail.outbox
        assert ask.to == ["gast@example.com"]
        assert ask.extra_headers["Content-Language"] == "de"

    def test_the_manage_link_goes_in_the_language_it_was_asked_in(self, article, post, run_commits):
        """A guest asking from a German page gets the link in German."""
        post(article, "My words", name="Owner", email="owner@example.com")
        with run_commits():
            Client(HTTP_ACCEPT_LANGUAGE="de").post(
                "/comments/manage/", {"email": "owner@example.com"}
            )
        (message,) = mail.outbox
        assert message.extra_headers["Content-Language"] == "de"

    def test_the_author_digest_says_it_is_in_the_sites_language(self, make_article, author, post):
        """Authors keep no language: the digest is written in, and says, the site's."""
        EmailAddress.objects.create(
            user=author, email="author@example.com", verified=True, primary=True
        )
        type(author).objects.filter(pk=author.pk).update(email="author@example.com")
        post(make_article(authors=[author]), "News for the author")
        with translation.override("uk"):  # whatever was active where the run started
            assert author_digests_send() == 1
        assert mail.outbox[0].extra_headers["Content-Language"] == "en-gb"

    def test_allauth_emails_say_which_language_they_are_in(self, make_user):
        """allauth's own emails (a password reset here) carry Content-Language too."""
        make_user("rosa", email="rosa@example.com")
        Client(HTTP_ACCEPT_LANGUAGE="uk").post(
            "/accounts/password/reset/", {"email": "rosa@example.com"}
        )
        (message,) = mail.outbox
        assert message.extra_headers["Content-Language"] == "uk"

    @staticmethod
    def _reply_confirm_link(email: str, **names) -> str:
        from readers.tokens import token_make

        return f"/replies/confirm/{token_make('reply_confirm', email=email, **names)}/"


def test_a_language_the_site_no_longer_offers_falls_back_to_its_own(article, author, run_commits):
    """A follow kept in a language since dropped from LANGUAGES is written to in the site's."""
    Follow.objects.create(
        article=article, email="fr@example.com", confirmed_at="2026-11-01T00:00Z", language="fr"
    )
    with run_commits():
        update_publish(article=article, author=author, body="News.")
    assert mail.outbox[0].extra_headers["Content-Language"] == "en-gb"


@pytest.mark.parametrize(
    ("hours", "language", "said"),
    [
        (24, "en-gb", "Once a day, if readers"),
        (1, "en-gb", "Once every 1 hour, if readers"),
        (6, "en-gb", "Once every 6 hours, if readers"),
        (1.5, "en-gb", "Once every 1.5 hours, if readers"),
    ],
)
def test_the_digest_page_says_how_often_in_whole_sentences(
    settings, client, author, hours, language, said
):
    """How often the digest comes is one sentence per case, its number localised."""
    settings.PARLEY_AUTHOR_DIGEST_HOURS = hours
    client.force_login(author)
    page = client.get("/author/digest/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert said in page


def test_the_digest_pages_hours_are_written_as_the_language_writes_numbers(
    settings, client, author
):
    """A fraction of hours has the reader's decimal comma."""
    settings.PARLEY_AUTHOR_DIGEST_HOURS = 1.5
    client.force_login(author)
    page = client.get("/author/digest/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert " 1,5 " in page and " 1.5 " not in page
