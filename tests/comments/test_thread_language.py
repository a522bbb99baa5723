"""The comment section in the reader's language: the thread built in Python takes its words
and dates from the active language at render time, keeps them per language, and its English
stays exactly what it was."""

import re
import struct
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.html import escape

from comments.dates import _compiled
from comments.models import CommentStatus
from comments.refusals import refusal_text
from comments.screening import Screening
from comments.services import CommentRefused
from comments.services.picks import PickRefused, comment_pick
from comments.thread_words import _words_for, thread_words
from tests.comments.thread_sample import sample_thread_html
from tests.conftest import form_data

ENGLISH = (Path(__file__).parent / "data" / "thread_en.html").read_text()
MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Januar|Februar|März|Mai|Juni|Juli|Oktober|Dezember)"
)
BAN_ENDS = datetime(2099, 12, 24, 18, 30, tzinfo=UTC)


def banned_until(*, user, email, ip_address) -> Screening:
    """A screening hook refusing everyone until BAN_ENDS."""
    return Screening(refused=True, until=BAN_ENDS)


def english_sample() -> str:
    return (
        "<!-- moderating -->\n"
        + sample_thread_html(moderating=True)
        + "\n<!-- reading -->\n"
        + sample_thread_html(moderating=False)
        + "\n"
    )


@pytest.fixture
def words_afresh():
    """Forget the words and date formats kept per language, before and after."""
    _words_for.cache_clear()
    _compiled.cache_clear()
    yield
    _words_for.cache_clear()
    _compiled.cache_clear()


def catalogue_write(directory: Path, language: str, entries: dict) -> None:
    """A compiled gettext catalogue (.mo) for `language` under `directory`: `entries` maps a
    msgid (or (context, msgid), or (singular, plural)) to its translation (a tuple for
    plural forms)."""
    messages = {"": "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; "
                    "plural=(n != 1);\n"}  # fmt: skip
    for key, value in entries.items():
        if isinstance(key, tuple) and key[0].startswith("ctx:"):
            key = f"{key[0][4:]}\x04{key[1]}"
        elif isinstance(key, tuple):
            key = "\x00".join(key)
        messages[key] = "\x00".join(value) if isinstance(value, tuple) else value
    ids = sorted(messages, key=lambda text: text.encode())
    originals = [text.encode() for text in ids]
    translations = [messages[text].encode() for text in ids]
    count = len(ids)
    start = 7 * 4 + 16 * count
    table, data = [], b""
    for string in originals + translations:
        table.append((len(string), start + len(data)))
        data += string + b"\x00"
    header = struct.pack("<7I", 0x950412DE, 0, count, 28, 28 + 8 * count, 0, 0)
    offsets = b"".join(struct.pack("<2I", *entry) for entry in table)
    folder = directory / language / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.mo").write_bytes(header + offsets + data)


GERMAN = {
    "Reply": "Antworten",
    "Reply to %(name)s": "%(name)s antworten",
    "Report": "Melden",
    "Report the comment by %(name)s": "Den Kommentar von %(name)s melden",
    "Edit": "Bearbeiten",
    "Edit your comment of %(date)s": "Deinen Kommentar vom %(date)s bearbeiten",
    "Delete": "Löschen",
    "Delete your comment of %(date)s": "Deinen Kommentar vom %(date)s löschen",
    "Moderate": "Moderieren",
    "Ban": "Sperren",
    "Ban the author of the comment by %(name)s": "Den Verfasser des Kommentars von %(name)s "
    "sperren",
    "Pick": "Auswählen",
    "Pick the comment by %(name)s": "Den Kommentar von %(name)s auswählen",
    "Unpick": "Abwählen",
    "Unpick the comment by %(name)s": "Den Kommentar von %(name)s abwählen",
    "Editor&rsquo;s pick": "Empfehlung der Redaktion",
    "edited": "bearbeitet",
    "Approve": "Freigeben",
    "Approve the comment by %(name)s": "Den Kommentar von %(name)s freigeben",
    ("ctx:moderation action", "Spam"): "Als Spam",
    "Mark the comment by %(name)s as spam": "Den Kommentar von %(name)s als Spam markieren",
    "Remove": "Entfernen",
    "Remove the comment by %(name)s": "Den Kommentar von %(name)s entfernen",
    "Held": "Zurückgehalten",
    ("ctx:comment state", "Spam"): "Spam-Verdacht",
    ("ctx:vote", "Up"): "Dafür",
    ("ctx:vote", "Down"): "Dagegen",
    "Vote up the comment by %(name)s": "Für den Kommentar von %(name)s stimmen",
    "Vote down the comment by %(name)s": "Gegen den Kommentar von %(name)s stimmen",
    "Score:": "Wertung:",
    "%(up)s up, %(down)s down": "%(up)s dafür, %(down)s dagegen",
    "[awaiting moderation]": "[wartet auf Moderation]",
    "[deleted]": "[gelöscht]",
    "[removed]": "[entfernt]",
    "Author": "Autorin",
    "Moderator": "Moderation",
    "%(date)s at %(time)s": "%(date)s um %(time)s",
    ("ctx:date format", "j F Y"): "j. F Y",
    ("Show %(count)s reply", "Show %(count)s replies"): (
        "%(count)s Antwort zeigen",
        "%(count)s Antworten zeigen",
    ),
    "Your comment is awaiting moderation.": "Dein Kommentar wartet auf Moderation.",
    "Your comment is being checked.": "Dein Kommentar wird geprüft.",
}
# Every label of the sample page, as the English page writes it.
ENGLISH_WORDS = (
    ">Reply<", "Reply to", ">Report<", "Report the comment by", ">Edit<", ">Delete<",
    "Edit your comment of", "Delete your comment of",
    ">Moderate<", ">Ban<",
    "Ban the author", ">Pick<", ">Unpick<", "Editor&rsquo;s pick", ">edited<", ">Approve<",
    ">Spam<", ">Remove<", ">Held<", " Up<", " Down<", "Vote up", "Vote down", "Score:",
    " up, ", "[awaiting moderation]", "[deleted]", "[removed]", ">Author<", ">Moderator<",
    " at 14:05", "Show 1 reply", "Show 4 replies", "awaiting moderation", "being checked",
)  # fmt: skip


def test_the_english_thread_is_what_it_was():
    """In English the thread's markup is byte for byte what it was before it was translated."""
    with translation.override("en-gb"):
        assert english_sample() == ENGLISH


def test_each_language_keeps_its_own_words(words_afresh):
    """The words are made once per language and kept by its code: a German page never gets
    the English page's words, nor the English page the German's (Django's own catalogue
    names the months)."""
    with translation.override("en-gb"):
        english = thread_words()
        assert thread_words() is english and english.language == "en-gb"
        first = english_sample()
    with translation.override("de"):
        german = thread_words()
        assert german is not english and german.language == "de"
        german_page = english_sample()
    with translation.override("en-gb"):
        assert thread_words() is english
        again = english_sample()
    assert _words_for.cache_info().currsize == 2
    assert first == again == ENGLISH
    assert "7. Dezember 2026" in german_page and "December" not in german_page
    assert "7 December 2026 at 14:05" in first


def test_a_catalogue_translates_every_word_of_the_thread(tmp_path, words_afresh):
    """With a German catalogue, no English label is left in the thread: buttons, spoken
    labels, placeholders, badges, the plural "Show N replies" and the date's own format; and
    the English page that follows is untouched."""
    catalogue_write(tmp_path, "de", GERMAN)
    with override_settings(LOCALE_PATHS=[str(tmp_path)]), translation.override("de"):
        german = english_sample()
    assert all(word in ENGLISH for word in ENGLISH_WORDS)
    left = [word for word in ENGLISH_WORDS if word in german]
    assert left == []
    for expected in (
        ">Antworten<", 'aria-label="Ada &lt;Writer&gt; antworten"',
        'aria-label="Den Kommentar von Ada &lt;Writer&gt; melden"', "4 Antworten zeigen",
        "1 Antwort zeigen", "28. November 2026 um 14:05", "[gelöscht]", "Empfehlung der Redaktion",
        'title="3 dafür, 1 dagegen"', "&#9650; Dafür", ">Spam-Verdacht<", ">Als Spam<",
        "Dein Kommentar wartet auf Moderation.", "Dein Kommentar wird geprüft.",
        "Deinen Kommentar vom 30. November 2026 um 14:05 bearbeiten",
        "Deinen Kommentar vom 30. November 2026 um 14:05 löschen",
    ):  # fmt: skip
        assert expected in german, expected
    # Reader-supplied text is escaped as before, whatever the language.
    assert "Ada &lt;Writer&gt;" in german and "<Writer>" not in german
    with translation.override("en-gb"):
        assert english_sample() == ENGLISH


@pytest.mark.parametrize("language", ["en-gb", "de", "uk"])
@pytest.mark.parametrize(
    "day_format", ["j F Y", "j. F Y", "d E Y \u0440.", "j M Y", "d.m.y", "b n", "l, j F Y \\a\\t"]
)
def test_the_compiled_day_format_writes_what_django_writes(language, day_format):
    """The thread's fast day formatter writes exactly what Django's date formatting does, in
    each language; letters it does not know itself go through Django's."""
    moments = [datetime(2026, month, 3 + month, 9, 5, tzinfo=UTC) for month in range(1, 13)]
    with translation.override(language):
        for moment in moments:
            local = timezone.localtime(moment)
            expected = dateformat.format(local, day_format)
            assert _compiled(language, day_format, False)(local) == expected
            assert _compiled(language, day_format, True)(local) == escape(expected)


def test_every_date_in_the_thread_is_a_time_element():
    """Each comment's date is the text of a <time> carrying its ISO 8601 form."""
    # The spoken names of a reader's own Edit and Delete links name the date too (as the
    # reader hears it, not shown): only the shown text is counted.
    html = re.sub(r' aria-label="[^"]*"', "", ENGLISH)
    times = re.findall(r'<time datetime="([^"]+)"[^>]*>([^<]+)</time>', html)
    dates = re.findall(rf"\d{{1,2}} {MONTH} \d{{4}}", html)
    assert times and len(dates) == len(times)
    for iso, text in times:
        assert datetime.fromisoformat(iso).day == int(text.split()[0])


@pytest.mark.django_db
class TestOnThePage:
    def test_every_date_of_the_section_is_a_time_element(self, client, article, post, moderator):
        """The comment section's dates (threads and Editor's picks) are all <time> elements."""
        picked = post(article, "Worth reading", name="Grace")
        post(article, "A reply", name="Ann", reply_to=picked.pk)
        comment_pick(comment_id=picked.pk, picker=moderator)
        html = client.get(article.get_absolute_url()).content.decode()
        section = html[html.index('id="comments"') : html.index('id="respond"')]
        assert 'id="editors-picks"' in section
        dates = re.findall(rf"\d{{1,2}} {MONTH} \d{{4}}", section)
        in_times = re.findall(rf'<time datetime="[^"]+"[^>]*>(\d{{1,2}} {MONTH} \d{{4}})', section)
        assert len(dates) == 3 and len(in_times) == 3

    def test_a_ban_with_an_end_names_its_day_in_a_time_element(self, article, submit, settings):
        """A banned poster reads the day the ban ends, inside a <time> with its ISO form."""
        settings.PARLEY_COMMENT_SCREEN = "tests.comments.test_thread_language.banned_until"
        response = submit(form_data(article, comment="Let me in"))
        assert response.status_code == 403
        local = timezone.localtime(BAN_ENDS)
        assert (
            f'You cannot comment on this site until <time datetime="{local.isoformat()}">'
            f"{local.day} December 2099</time>." in response.content.decode()
        )

    @pytest.mark.parametrize(
        ("status", "said"),
        [
            (CommentStatus.PENDING, "pending"),
            (CommentStatus.HELD, "held for a moderator"),
            (CommentStatus.SPAM, "spam"),
            (CommentStatus.REMOVED, "removed"),
            (CommentStatus.DELETED, "deleted by its author"),
        ],
    )
    def test_a_hidden_comment_is_refused_as_a_pick_in_one_sentence(
        self, article, post, moderator, status, said
    ):
        """Each status has its own whole sentence, worded as the English always was."""
        comment = post(article, status=status)
        with pytest.raises(PickRefused) as refused:
            comment_pick(comment_id=comment.pk, picker=moderator)
        assert refused.value.message == (
            f"Only a published comment can be an Editor's pick, and this one is {said}."
        )

    @pytest.mark.parametrize(
        ("way", "question", "button"),
        [
            ("up", "Vote up the comment by Grace?", "Vote up"),
            ("down", "Vote down the comment by Grace?", "Vote down"),
            ("none", "Withdraw your vote on the comment by Grace?", "Withdraw your vote on"),
        ],
    )
    def test_the_vote_page_asks_in_one_sentence(self, client, article, post, way, question, button):
        """The page confirming a vote asks a whole question, and its button says the vote."""
        comment = post(article, name="Grace")
        html = client.get(reverse("comments:vote", args=[comment.pk]), {"value": way})
        html = html.content.decode()
        assert f"<h1>{question}</h1>" in html
        assert f'value="{way}">{button}</button>' in html


def test_the_ban_sentence_is_made_in_the_language_of_the_answer():
    """The ban's sentence and its day are worded when the poster is answered, in the active
    language (Django's own catalogue names the month), not once when the module loads."""
    with translation.override("de"):
        german = refusal_text(CommentRefused(until=BAN_ENDS))
    with translation.override("en-gb"):
        english = refusal_text(CommentRefused(until=BAN_ENDS))
    assert "Dezember 2099</time>" in german and "December" not in german
    assert "December 2099</time>" in english
