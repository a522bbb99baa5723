"""The moderators' search: every comment by words, author, address, article, status and
date, listed and acted on like the queue, with form errors kept on the page."""

import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, CommentStatus
from moderation.queue_actions import STATUS_ACTIONS
from moderation.selectors_search import CommentSearch, search_queryset
from moderation.services import ACTIONS, ALLOWED_TRANSITIONS

S = CommentStatus
pytestmark = pytest.mark.django_db
SEARCH = reverse("moderation:search")


def _set(comment, **fields):
    """Give a stored comment a past date or an address (as old comments have)."""
    Comment.objects.filter(pk=comment.pk).update(**fields)
    comment.refresh_from_db()
    return comment


def _found(**criteria) -> list[int]:
    return list(search_queryset(CommentSearch(**criteria)).values_list("pk", flat=True))


@pytest.fixture
def corpus(article, make_article, post):
    """A few comments of every kind: old and new, published, held, spam, removed."""
    other = make_article(title="Other article")
    when = timezone.make_aware(datetime(2024, 3, 10, 12, 0))
    return {
        "old": _set(
            post(article, "Batteries store the winter surplus", name="Rita Repeat",
                 email="Rita@Example.com"),
            submit_date=when, ip_address="203.0.113.7",
        ),
        "held": _set(
            post(article, "Winter prices went up", name="Harold", status=S.HELD),
            ip_address="198.51.100.2",
        ),
        "spam": post(other, "Cheap winter pills", name="Rita Spammer", status=S.SPAM),
        "removed": post(other, "Rude words here", name="Rude Rob", status=S.REMOVED),
        "other": article,
        "second": other,
    }  # fmt: skip


def test_words_match_every_word_anywhere_in_the_text(corpus):
    """Text search finds comments holding all the words, in any case and order."""
    assert set(_found(text="WINTER")) == {corpus[k].pk for k in ("old", "held", "spam")}
    assert _found(text="surplus batteries") == [corpus["old"].pk]
    assert _found(text="winter rude") == []


def test_a_word_also_matches_as_the_start_of_a_longer_one(corpus):
    """A search word of three letters or more matches longer words it begins."""
    assert _found(text="batter") == [corpus["old"].pk]


def test_name_email_and_address_match(corpus):
    """The name matches from its start, the email whole in any case, the IP exactly."""
    assert set(_found(name="rita")) == {corpus["old"].pk, corpus["spam"].pk}
    assert _found(name="ita") == []
    assert _found(email="rita@example.COM") == [corpus["old"].pk]
    assert _found(email="rita@example.co") == []
    assert _found(ip_address="203.0.113.7") == [corpus["old"].pk]
    assert _found(ip_address="203.0.113.70") == []


def test_words_and_names_match_in_any_case_beyond_ascii(article, post):
    """Accented and non-Latin capitals match in any case, on SQLite too (whose own case
    folding knows only A to Z): a word typed as written finds it, and so does any case."""
    comment = post(
        article, "Das Übertragungsnetz in Österreich braucht ÄNDERUNGEN, sagt Ölmüller.",
        name="JÜRGEN Ärger",
    )  # fmt: skip
    other = post(article, "Якщо ОБЛЕНЕРГО не встигне", name="Олена")
    for text in ("Übertragungsnetz", "übertragungsnetz", "ÖSTERREICH", "Änderungen", "Ölmüller"):
        assert _found(text=text) == [comment.pk], text
    assert _found(text="обленерго") == [other.pk]
    for name in ("JÜRGEN", "jürgen", "Jür"):
        assert _found(name=name) == [comment.pk], name
    assert _found(name="ОЛЕНА") == [other.pk]


def test_article_status_and_dates_narrow_the_search(corpus):
    """Article, status and an inclusive date range each narrow what matches."""
    assert set(_found(article=corpus["second"])) == {corpus["spam"].pk, corpus["removed"].pk}
    assert _found(status=S.REMOVED) == [corpus["removed"].pk]
    day = corpus["old"].submit_date.date()
    assert _found(date_from=day, date_to=day) == [corpus["old"].pk]
    assert corpus["old"].pk not in _found(date_from=day + timedelta(days=1))
    assert _found(date_to=day - timedelta(days=1)) == []


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_the_first_and_last_days_of_the_calendar_are_searched_not_a_500(
    client, moderator, corpus, settings, zone
):
    """Dates at either end of what a date picker offers (0001-01-01, 9999-12-31) search the
    whole range they mean, in a time zone on either side of UTC."""
    settings.TIME_ZONE = zone
    client.force_login(moderator)
    every = {c.pk for c in corpus.values() if hasattr(c, "submit_date")}
    for query in ({"to": "9999-12-31"}, {"from": "0001-01-01"},
                  {"from": "0001-01-01", "to": "9999-12-31"}):  # fmt: skip
        response = client.get(SEARCH, query)
        assert response.status_code == 200
        shown = {int(pk) for pk in re.findall(r'id="item-(\d+)"', response.content.decode())}
        assert shown == every
    for query in ({"from": "9999-12-31"}, {"to": "0001-01-01"}):
        response = client.get(SEARCH, query)
        assert response.status_code == 200
        assert 'id="item-' not in response.content.decode()


def test_results_are_newest_first(corpus):
    """Results list the newest comment first."""
    found = _found(text="winter")
    assert found[-1] == corpus["old"].pk


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_search_is_for_moderators_only(client, make_user, corpus, who):
    """Anonymous users are sent to log in; signed-in readers get 403."""
    if who == "reader":
        client.force_login(make_user())
    response = client.get(SEARCH, {"q": "winter"})
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403


def test_results_page_says_how_many_match_and_lists_them(client, moderator, corpus):
    """The page says "N comments match" and shows each result as a queue item."""
    client.force_login(moderator)
    html = client.get(SEARCH, {"q": "winter"}).content.decode()
    assert "3 comments match." in html
    for key in ("old", "held", "spam"):
        assert f'id="item-{corpus[key].pk}"' in html
    assert "1 comment matches." in client.get(SEARCH, {"q": "surplus"}).content.decode()
    assert "No comments match." in client.get(SEARCH, {"q": "zebra"}).content.decode()


def test_each_result_offers_the_actions_its_status_allows(client, moderator, corpus):
    """A published result offers hold, not approve; spam offers not spam; held offers
    approve; the bulk buttons offer what some result allows."""
    client.force_login(moderator)
    html = client.get(SEARCH, {"q": "winter"}).content.decode()

    def buttons(comment):
        return set(re.findall(rf'value="(\w+):{comment.pk}"', html))

    assert buttons(corpus["old"]) == {"hold", "spam", "remove"}
    assert buttons(corpus["held"]) == {"approve", "spam", "remove"}
    assert buttons(corpus["spam"]) == {"not_spam", "remove"}
    bulk = re.findall(r'name="action" value="(\w+)"', html)
    assert bulk == ["approve", "not_spam", "hold", "spam", "remove"]


def test_every_action_offered_is_a_move_the_transition_allows():
    """Each status offers only actions that change it and that comment_transition accepts."""
    assert set(STATUS_ACTIONS) == set(S.values)
    for status, actions in STATUS_ACTIONS.items():
        for action, *_ in actions:
            target = ACTIONS[action]
            assert target != status and target in ALLOWED_TRANSITIONS[status], (status, action)


def test_a_deleted_comment_offers_nothing(client, moderator, article, post):
    """A comment its author deleted is found but offers no action."""
    gone = post(article, "Withdrawn thought", status=S.DELETED)
    client.force_login(moderator)
    html = client.get(SEARCH, {"status": S.DELETED}).content.decode()
    assert f'id="item-{gone.pk}"' in html
    assert f':{gone.pk}"' not in html and "nothing to decide" in html


def test_acting_on_an_old_published_result_returns_to_the_search(client, moderator, corpus):
    """Removing an old published comment from the results works, audits it, and comes
    back to the same search with Undo offered."""
    client.force_login(moderator)
    old = corpus["old"]
    page = client.get(SEARCH, {"q": "batteries", "status": "published"}).content.decode()
    back = re.search(r'name="next" value="([^"]+)"', page).group(1).replace("&amp;", "&")
    response = client.post(
        reverse("moderation:act"), {"item_action": f"remove:{old.pk}", "next": back}
    )
    old.refresh_from_db()
    assert old.status == S.REMOVED
    assert response["Location"].startswith(f"{SEARCH}?q=batteries&status=published&undo=")
    again = client.get(response["Location"]).content.decode()
    assert 'name="events_csv"' in again and "No comments match." in again


def test_an_invalid_date_is_a_form_error_above_the_form_keeping_the_input(client, moderator):
    """A date that is not one re-renders the form with the error above it, what was typed
    kept, no results, and a 400."""
    client.force_login(moderator)
    response = client.get(SEARCH, {"q": "winter", "from": "31/02/2024", "to": "2024-13-01"})
    html = response.content.decode()
    assert response.status_code == 400
    summary = html.index('class="error-summary"')
    assert summary < html.index('name="q"')
    assert "Enter the start date as YYYY-MM-DD." in html
    assert "Enter the end date as YYYY-MM-DD." in html
    assert 'value="31/02/2024"' in html and 'value="winter"' in html
    assert "match" not in html[html.index("</form>") :]


def test_dates_in_the_wrong_order_and_an_empty_form_are_explained(client, moderator):
    """A start after the end, a bad IP, and a form with nothing filled in each say so."""
    client.force_login(moderator)
    response = client.get(SEARCH, {"from": "2024-05-02", "to": "2024-05-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The start date is after the end date." in html
    html = client.get(SEARCH, {"ip": "not-an-ip"}).content.decode()
    assert "Enter a valid IPv4 or IPv6 address." in html
    html = client.get(SEARCH, {"q": "  ", "status": ""}).content.decode()
    assert "Fill in at least one field to search." in html
    for typed in ("😀", "!!!"):
        response = client.get(SEARCH, {"q": typed})
        html = response.content.decode()
        assert response.status_code == 400 and f'value="{typed}"' in html
        assert "Type a word of letters or digits: search looks for words." in html
        assert "Fill in at least one field" not in html
    blank = client.get(SEARCH)
    assert blank.status_code == 200
    blank = blank.content.decode()
    assert "error-summary" not in blank and 'name="from"' in blank


def test_typed_text_is_escaped(client, moderator, corpus):
    """What the moderator typed comes back as text."""
    client.force_login(moderator)
    html = client.get(SEARCH, {"q": '"><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)" not in html


def test_pages_keep_the_search(client, moderator, article, post):
    """The next-page link keeps the search's fields."""
    for n in range(27):
        post(article, f"Pageable comment {n}")
    client.force_login(moderator)
    html = client.get(SEARCH, {"q": "pageable"}).content.decode()
    assert "27 comments match" in html
    assert 'href="?q=pageable&amp;page=2"' in html
    assert html.count('class="queue-item"') == 25


def test_past_the_count_limit_the_page_says_more_than(
    client, moderator, article, post, monkeypatch
):
    """Past COUNT_LIMIT matches the page says "more than" and lists the newest only."""
    monkeypatch.setattr("moderation.selectors_search.COUNT_LIMIT", 3)
    for n in range(5):
        post(article, f"Common word {n}")
    client.force_login(moderator)
    html = client.get(SEARCH, {"q": "common"}).content.decode()
    assert "More than 3 comments match; the newest 3 are listed" in html
    assert html.count('class="queue-item"') == 3 and "Common word 4" in html
    html = client.get(SEARCH, {"q": "common 4"}).content.decode()
    assert "1 comment matches." in html


def test_the_tabs_offer_a_search_box(client, moderator):
    """Every queue tab has a search box that leads to the search page."""
    client.force_login(moderator)
    html = client.get(reverse("moderation:queue")).content.decode()
    assert f'action="{SEARCH}"' in html and 'name="q"' in html


def _replies_to_find(article, post, count):
    """`count` held replies with an email, each under a parent the search does not find."""
    for n in range(count):
        parent = post(article, f"parent {n}", name=f"Parent {n}")
        post(article, f"findme {n}", name=f"Guest {n}", email=f"guest{n}@example.com",
             reply_to=parent.pk, status=S.HELD)  # fmt: skip


def test_a_results_page_costs_the_same_queries_for_3_or_25_results(
    client, moderator, article, make_article, post
):
    """The results page's query count does not grow with the results on it."""
    client.force_login(moderator)
    _replies_to_find(article, post, 3)
    client.get(SEARCH, {"q": "findme"})  # warm what is cached per process
    with CaptureQueriesContext(connection) as small:
        client.get(SEARCH, {"q": "findme"})
    _replies_to_find(make_article(), post, 25)
    with CaptureQueriesContext(connection) as large:
        html = client.get(SEARCH, {"q": "findme"}).content.decode()
    assert html.count('class="queue-item"') == 25
    assert len(large) == len(small)


@pytest.mark.postgresql
def test_postgresql_answers_each_kind_of_search_from_an_index(corpus):
    """On PostgreSQL the words, name, email and address searches use migration 0007's
    indexes (a drift between the query and the indexed expression fails this)."""
    expected = {
        "parley_comment_text_search": CommentSearch(text="winter surplus"),
        "parley_comment_name_upper": CommentSearch(name="Rita"),
        "parley_comment_email_upper": CommentSearch(email="rita@example.com"),
        "parley_comment_ip": CommentSearch(ip_address="203.0.113.7"),
    }
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    for index, search in expected.items():
        plan = search_queryset(search).explain()
        assert index in plan, plan
