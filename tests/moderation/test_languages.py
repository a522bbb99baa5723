"""Moderation in the moderator's language: the queue, the audit log, messages, the scorer's
and services' reasons, emails and webhooks, the scorer page's figures and the import report.

The records keep English (what the audit says does not change with who reads it); what a
person reads is said again in the language of the request, or, for mail and chat nobody's
request asked for, in the site's. A small German catalogue, compiled here, stands in for the
shipped one, so that these tests say which strings go through translation whatever the
shipped catalogues hold."""

import subprocess
from datetime import date
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import translation

from comments.models import CommentStatus
from moderation import chart, services
from moderation.hooks import comment_down_voted
from moderation.models import Ban, ModerationEvent, Report, SpamVerdict
from moderation.reasons import reason_record, reason_text, reasons_shown
from moderation.scoring import AuthorHistory, Rules, Submission, score_submission
from moderation.services.webhook_payload import webhook_payload
from transfer.services.report import ImportReport

S = CommentStatus
pytestmark = pytest.mark.django_db
GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}

# (context, msgid, plural or None, translations)
CATALOGUE = [
    (None, "matches disallowed keyword '%(keyword)s'", None,
     ["enthält das gesperrte Stichwort „%(keyword)s“"]),
    (None, "%(count)s link", "%(count)s links", ["%(count)s Link", "%(count)s Links"]),
    (None, "model: %(probability)s spam", None, ["Modell: %(probability)s Spam"]),
    (None, "first comment from this author", None, ["erster Kommentar dieses Autors"]),
    (None, "approved by a moderator", None, ["von einem Moderator freigegeben"]),
    (None, "%(count)s reader report", "%(count)s reader reports",
     ["%(count)s Meldung von Lesern", "%(count)s Meldungen von Lesern"]),
    (None, "%(ban)s: %(reason)s", None, ["%(ban)s (%(reason)s)"]),
    (None, "Ban of Email address %(display)s", None, ["Sperre der E-Mail-Adresse %(display)s"]),
    ("who decided", "scorer", None, ["Bewerter"]),
    ("queue tab", "Held", None, ["Zurückgehalten"]),
    ("moderation action", "Approve", None, ["Freigeben"]),
    (None, "%(count)s comment approved.", "%(count)s comments approved.",
     ["%(count)s Kommentar freigegeben.", "%(count)s Kommentare freigegeben."]),
    (None, "Approved: the comment by %(name)s is published.", None,
     ["Freigegeben: der Kommentar von %(name)s ist veröffentlicht."]),
    (None, "%(count)s comment held for review", "%(count)s comments held for review",
     ["%(count)s Kommentar wartet auf Prüfung", "%(count)s Kommentare warten auf Prüfung"]),
    (None, "Review them in the moderation queue", None,
     ["In der Moderationsliste ansehen"]),
    (None, "Comment by %(name)s on “%(title)s” held for review", None,
     ["Kommentar von %(name)s zu „%(title)s“ zur Prüfung zurückgehalten"]),
    (None, "%(number)s%%", None, ["%(number)s %%"]),
    (None, "%(count)s reader voted it down.", "%(count)s readers voted it down.",
     ["%(count)s Leser hat ihn abgewertet.", "%(count)s Leser haben ihn abgewertet."]),
    (None, "Import finished.", None, ["Import abgeschlossen."]),
    (None, "Took %(seconds)s s.", None, ["Dauer: %(seconds)s s."]),
]  # fmt: skip


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture
def german(settings, tmp_path):
    """A German catalogue holding CATALOGUE, in place of the project's own."""
    entries = [
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
    ]
    for context, msgid, plural, translated in CATALOGUE:
        lines = [f"msgctxt {_quoted(context)}"] if context else []
        lines.append(f"msgid {_quoted(msgid)}")
        if plural is None:
            lines.append(f"msgstr {_quoted(translated[0])}")
        else:
            lines.append(f"msgid_plural {_quoted(plural)}")
            lines += [f"msgstr[{n}] {_quoted(text)}" for n, text in enumerate(translated)]
        entries.append("\n".join(lines) + "\n")
    folder = tmp_path / "locale" / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_text("\n".join(entries), encoding="utf-8")
    subprocess.run(
        ["msgfmt", "--check", "-o", str(folder / "django.mo"), str(folder / "django.po")],
        check=True,
    )
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    return Path(tmp_path)


def all_kinds_of_reasons():
    """Verdicts between them giving every reason the scorer writes."""
    rules = Rules(
        moderation_keywords=("casino",),
        disallowed_keywords=("viagra",),
        link_limit=2,
        hold_all=True,
        min_seconds_to_submit=3,
    )

    class Model:
        version = "v1"

        def __init__(self, probability: float):
            self.probability = probability

        def predict_proba(self, texts, *, own_hosts=()):
            return [self.probability for _ in texts]

    texts = [
        "viagra casino at example.com/x and bit.ly/abc and h t t p s : / / other . com / y",
        "call 020 7946 0958 or whatsapp +44 7911 123456 or telegram @cryptoking99 t.me/kings",
        "Great deal \uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com/deal",
        "A long enough text that the same poster sent before, word for word.",
    ]
    authors = [
        AuthorHistory(spam=2),
        AuthorHistory(is_staff=True),
        AuthorHistory(approved=1),
        AuthorHistory(known=False),
        AuthorHistory(),
    ]
    everything = {"seconds_to_submit": 1.5, "earlier_copies": 1, "honeypot": "x"}
    verdicts = [
        score_submission(
            Submission(text=text, shadow_banned=True, author=author, **everything),
            rules,
            Model(0.925),
        )
        for text in texts
        for author in authors
    ]
    # A doubtful model and one keyword reach the spam threshold together: held, not spam.
    verdicts.append(score_submission(Submission(text="casino night"), rules, Model(0.6)))
    verdicts.append(score_submission(Submission(text="hi"), Rules(), None, "model: switched off"))
    return [reason for verdict in verdicts for reason in verdict.reasons]


class TestReasons:
    def test_every_reason_the_scorer_gives_reads_the_same_again_in_english(self):
        """Said again from its code and figures, each reason is the English it was stored as."""
        reasons = all_kinds_of_reasons()
        assert {reason.code for reason in reasons} >= {
            "shadow_ban", "honeypot", "disallowed_keyword", "moderation_keyword", "links",
            "bare_domain", "spaced_link", "shortener", "phone", "telegram", "whatsapp",
            "hidden_link", "too_fast", "duplicate", "author_spam", "staff", "trusted",
            "first_comment", "model", "hold_all", "model_unsure",
        }  # fmt: skip
        for reason in reasons:
            assert reason_text(reason.as_dict()) == reason.text

    @pytest.mark.parametrize(
        ("code", "params", "english"),
        [
            ("approve", {}, "approved by a moderator"),
            ("not_spam", {}, "marked not spam by a moderator"),
            ("reports", {"count": 1}, "1 reader report"),
            ("reports", {"count": 3}, "3 reader reports"),
            ("dismiss", {"count": 2}, "2 reports dismissed by a moderator"),
            ("undo", {"event": 7}, "undo of decision #7"),
            ("undo", {"event": 7, "count": 1}, "undo of decision #7: 1 report reopened"),
            (
                "ban",
                {"kind": "account", "shadow": False, "display": "bob", "reason": "spam run"},
                "Ban of Account bob: spam run",
            ),
            (
                "unban",
                {"kind": "ip", "shadow": True, "display": "192.0.2.x"},
                "lifted: Shadow-ban of IP address 192.0.2.x",
            ),
        ],
    )
    def test_services_store_english_whatever_the_active_language(
        self, german, code, params, english
    ):
        """A record's text is English even written during a German request."""
        with translation.override("de"):
            record = reason_record(code, **params)
        assert record["reason"] == english
        assert reason_text(record) == english

    def test_a_reason_is_read_in_the_active_language(self, german):
        """Fixed wording, counted wording and numbers follow the reader's language."""
        reasons = [
            reason_record("reports", count=3),
            {"code": "model", "reason": "model: 0.93 spam", "params": {"probability": 0.93}},
            {"code": "first_comment", "reason": "first comment from this author"},
        ]
        with translation.override("de"):
            shown = [reason["text"] for reason in reasons_shown(reasons)]
        assert shown == [
            "3 Meldungen von Lesern",
            "Modell: 0,93 Spam",
            "erster Kommentar dieses Autors",
        ]

    def test_an_older_record_without_figures_is_shown_as_stored(self, german):
        """Counted wording kept without its figures cannot be said again: it stays English."""
        with translation.override("de"):
            assert reason_text({"code": "links", "reason": "3 links"}) == "3 links"
            assert reason_text({"code": "approve", "reason": "approved by a moderator"}) == (
                "von einem Moderator freigegeben"
            )

    def test_a_record_changed_since_it_was_written_reads_as_it_now_stands(self, german):
        """Erasing a name from a ban's record is not undone by the figures kept beside it."""
        record = reason_record(
            "ban", kind="email", shadow=False, display="s***@example.com", reason="spam run"
        )
        erased = {**record, "reason": record["reason"].replace("s***@example.com", "[erased]")}
        with translation.override("de"):
            assert reason_text(record) == "Sperre der E-Mail-Adresse s***@example.com (spam run)"
            assert reason_text(erased) == "Ban of Email address [erased]: spam run"

    def test_garbled_figures_fall_back_to_the_stored_text(self):
        """A hand-edited record whose figures no longer fit its words shows its text."""
        record = {"code": "links", "reason": "2 links", "params": {"count": "two"}}
        assert reason_text(record) == "2 links"


class TestPages:
    def test_the_queue_speaks_german(self, german, client, moderator, article, post):
        """Tabs, buttons and the scorer's reasons in German; the record stays English."""
        comment = post(article, "Buy viagra now", status=S.PENDING, name="Vic")
        services.comment_score(comment_id=comment.pk)
        comment.refresh_from_db()
        assert comment.status == S.SPAM
        client.force_login(moderator)
        html = client.get(reverse("moderation:tab", args=["spam"]), **GERMAN).content.decode()
        assert ">Zurückgehalten <span" in html
        assert "enthält das gesperrte Stichwort „viagra“" in html
        assert "matches disallowed keyword" not in html
        stored = SpamVerdict.objects.get(comment=comment).reasons
        assert "matches disallowed keyword 'viagra'" in [r["reason"] for r in stored]

    def test_a_decision_is_told_in_german_and_recorded_in_english(
        self, german, client, moderator, article, post
    ):
        """The message after approving is German; the audit log names the scorer in German
        and the moderator's reason in German, while the event keeps English."""
        held = post(article, "Held words", status=S.HELD)
        client.force_login(moderator)
        response = client.post(
            reverse("moderation:act"), {"action": "approve", "ids": [held.pk]}, follow=True,
            **GERMAN,
        )  # fmt: skip
        assert [m.message for m in response.context["messages"]] == ["1 Kommentar freigegeben."]
        event = ModerationEvent.objects.filter(comment=held).latest("pk")
        assert event.reasons == [{"code": "approve", "reason": "approved by a moderator"}]
        ModerationEvent.objects.create(
            comment=held, actor_label="scorer", from_status=S.PENDING, to_status=S.HELD
        )
        log = client.get(reverse("moderation:log"), **GERMAN).content.decode()
        assert "<td>Bewerter</td>" in log and "von einem Moderator freigegeben" in log

    def test_a_ban_in_the_log_is_named_in_german(self, german, client, moderator):
        """The ban's event is said again from its figures; the ban's reason is as typed."""
        services.ban_create(
            kind=Ban.Kind.EMAIL, actor=moderator, reason="spam run", value="spammer@example.com"
        )
        client.force_login(moderator)
        log = client.get(reverse("moderation:log"), **GERMAN).content.decode()
        assert "Sperre der E-Mail-Adresse s***@example.com (spam run)" in log

    def test_moderating_in_place_answers_in_german(self, german, client, moderator, article, post):
        """The JSON an article page's script shows carries the German sentence."""
        held = post(article, "Wait for me", status=S.HELD, name="Zed")
        client.force_login(moderator)
        answer = client.post(
            reverse("moderation:inplace", args=[held.pk]),
            {"action": "approve"},
            HTTP_ACCEPT="application/json",
            **GERMAN,
        ).json()
        assert answer["message"] == "Freigegeben: der Kommentar von Zed ist veröffentlicht."

    def test_the_down_votes_note_is_stored_in_english_and_shown_in_german(
        self, german, client, moderator, article, post
    ):
        """Parley's own note on the report down votes make follows the reader's language."""
        comment = post(article, "Unpopular words")
        comment_down_voted(comment_id=comment.pk, down_votes=3)
        report = Report.objects.get(comment=comment)
        assert report.note == "3 readers voted it down."
        client.force_login(moderator)
        html = client.get(reverse("moderation:tab", args=["reported"]), **GERMAN).content
        assert "3 Leser haben ihn abgewertet." in html.decode()


class TestSiteLanguage:
    def test_the_digest_is_written_in_the_sites_language(
        self, german, settings, mailoutbox, article, post, make_user
    ):
        """A digest sent while an English request is active still speaks the site's German."""
        mod = make_user("mod", email="mod@example.com", groups=["Moderators"])
        EmailAddress.objects.create(user=mod, email="mod@example.com", primary=True, verified=True)
        post(article, "Held words", status=S.HELD)
        settings.LANGUAGE_CODE = "de"
        with translation.override("en-gb"):
            services.held_digest_send()
        [mail] = mailoutbox
        assert mail.subject.endswith("1 Kommentar wartet auf Prüfung")
        assert "In der Moderationsliste ansehen" in mail.alternatives[0][0]

    def test_a_webhook_speaks_the_sites_language(self, german, settings, article, post):
        """The chat line follows the site's language, not the reader's whose comment it is."""
        held = post(article, "Held words", status=S.HELD, name="Hal")
        settings.LANGUAGE_CODE = "de"
        with translation.override("en-gb"):
            payload = webhook_payload(event="held", comment=held)
        assert payload["content"].startswith(
            "Kommentar von Hal zu „The test article“ zur Prüfung zurückgehalten: "
        )
        assert payload["event"] == "held"


class TestFigures:
    def test_the_chart_says_days_and_shares_in_the_readers_language(self, german):
        """Month names and decimal commas follow the language; English keeps its own."""
        days = [chart.Day(date(2025, 12, 1), 1, 0, 1, 1)]
        with translation.override("de"):
            built = chart.chart_build(days)
            assert chart.percent_shown(0.125) == "12,5 %"
            assert built.day_ticks[0].label == "1 Dez"
            assert built.rate_ticks[1].label == "25 %"
        assert chart.percent_shown(0.125) == "12.5%"
        assert chart.chart_build(days).day_ticks[0].label == "1 Dec"

    def test_the_import_report_reads_in_the_readers_language(self, german):
        """The admin's import report is German for a German reader, English otherwise."""
        report = ImportReport(comments_added={"published": 2}, seconds=1.25)
        with translation.override("de"):
            lines = report.lines()
        assert lines[0] == "Import abgeschlossen." and lines[-1] == "Dauer: 1,2 s."
        assert report.lines()[1] == "Comments: 2 added (2 published); 0 already imported."
