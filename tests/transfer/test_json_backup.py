"""The JSON backup: its export of the whole site, and its streaming reader."""

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from articles.models import Article, ArticleUpdate
from articles.services import update_correct, update_publish, update_withdraw
from comments.models import Comment, CommentStatus
from comments.services import Poster, comment_submit
from core.roles import AUTHORS_GROUP, MODERATORS_GROUP
from moderation.services import comment_transition
from readers.services import comment_delete, comment_edit
from transfer.json_backup import json_export
from transfer.json_reader import JsonReader
from transfer.records import ArticleGroup, AuthorRecord, ReadStats, SourceFileError
from transfer.services.importing import import_file

FIXTURES = Path(__file__).parent / "fixtures"
SITE = "https://parley.example"


def read(path, **options) -> tuple[list, ReadStats, JsonReader]:
    stats = ReadStats()
    reader = JsonReader(path, stats=stats, **options)
    return list(reader), stats, reader


def when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text is not None else None


@pytest.fixture
def site(make_user, author, make_article, post, settings):
    """A small site made through the services: every comment status, a reply, an edit, an
    erased deletion, updates corrected and withdrawn, non-ASCII text, a draft."""
    settings.PARLEY_COMMENT_JUDGE = ""
    reader = make_user("łucja", email="lucja@reader.example", first_name="Łucja", last_name="Ñuñez")
    make_user("staffer", groups=[MODERATORS_GROUP], is_staff=True, is_superuser=True)
    get_user_model().objects.filter(pk=reader.pk).update(is_active=False)
    article = make_article(title="Tides and timetables — ünïcode", authors=[author])
    Article.objects.filter(pk=article.pk).update(
        standfirst="Why the ferry waits.", comments_close_after_days=45, language="de"
    )
    draft = make_article(title="Unfinished", publish=False, authors=[author])

    first = update_publish(article=article, author=author, body="Now on Sundays.")
    update_correct(update=first, body="Now on Sundays and holidays.")
    update_withdraw(update=update_publish(article=article, author=None, body="Wrong pier."))

    top = comment_submit(
        article=article,
        poster=Poster(name="Zoë Ånström", email="zoe@reader.example", url="https://zoe.example"),
        text="Does it take bikes? <b>bold</b> & 🚲",
        ip_address="203.0.113.5",
        user_agent="Mozilla/5.0 (X11)",
    )
    comment_transition(comment_id=top.pk, to_status=CommentStatus.PUBLISHED, actor_label="test")
    reply = post(article, "はい、無料です。", reply_to=top.pk, user=reader, name="Łucja")
    regretted = post(article, "Regretted", reply_to=reply.pk, name="Gone")
    comment_edit(comment=reply, text="はい、自転車は無料です。")
    for status in (CommentStatus.HELD, CommentStatus.SPAM, CommentStatus.REMOVED):
        post(article, f"A {status} comment", reply_to=top.pk, status=status)
    comment_delete(comment=regretted)
    return {"article": article, "draft": draft, "reader": reader}


def export(tmp_path) -> tuple[Path, dict]:
    buffer = io.BytesIO()
    counts = json_export(out=buffer, site_url=SITE)
    path = tmp_path / "backup.json"
    path.write_bytes(buffer.getvalue())
    return path, counts


@pytest.mark.django_db
class TestExport:
    def test_every_record_is_written_with_its_exact_fields(self, site, tmp_path):
        """Every user, article, update and comment is in the backup with the fields that
        restore it, and the counts returned say so."""
        path, counts = export(tmp_path)
        document = json.loads(path.read_bytes())
        assert (document["format"], document["version"], document["site"]) == (
            "parley-backup",
            2,
            SITE,
        )
        users = get_user_model().objects.order_by("pk")
        assert [user["id"] for user in document["users"]] == [user.pk for user in users]
        lucja = next(u for u in document["users"] if u["id"] == site["reader"].pk)
        assert {k: v for k, v in lucja.items() if k != "date_joined"} == {
            "id": site["reader"].pk,
            "username": "łucja",
            "email": "lucja@reader.example",
            "email_verified": False,
            "first_name": "Łucja",
            "last_name": "Ñuñez",
            "is_active": False,
            "groups": [],
        }
        assert when(lucja["date_joined"]) == site["reader"].date_joined
        author = get_user_model().objects.get(username="author")
        assert next(u for u in document["users"] if u["id"] == author.pk)["groups"] == [
            AUTHORS_GROUP
        ]

        exported = {article["id"]: article for article in document["articles"]}
        assert set(exported) == set(Article.objects.values_list("pk", flat=True))
        article = Article.objects.get(pk=site["article"].pk)
        written = exported[article.pk]
        assert written["title"] == "Tides and timetables — ünïcode"
        assert written["url"] == SITE + article.get_absolute_url()
        assert {k: written[k] for k in ("slug", "standfirst", "body", "status")} == {
            "slug": article.slug,
            "standfirst": "Why the ferry waits.",
            "body": article.body,
            "status": "published",
        }
        assert (written["comments_open"], written["comments_close_after_days"]) == (True, 45)
        assert when(written["published_at"]) == article.published_at
        assert when(written["created_at"]) == article.created_at
        assert written["authors"] == [author.pk]
        assert exported[site["draft"].pk]["status"] == "draft"
        assert exported[site["draft"].pk]["published_at"] is None

        updates = {update["id"]: update for update in written["updates"]}
        assert set(updates) == set(article.updates.values_list("pk", flat=True))
        for update in article.updates.all():
            assert updates[update.pk]["body"] == update.body
            assert updates[update.pk]["author"] == update.author_id
            for field in ("published_at", "corrected_at", "withdrawn_at"):
                assert when(updates[update.pk][field]) == getattr(update, field)
        assert sum(1 for u in updates.values() if u["withdrawn_at"]) == 1
        assert sum(1 for u in updates.values() if u["corrected_at"]) == 1

        comments = {comment["id"]: comment for comment in written["comments"]}
        stored = Comment.objects.filter(article=article)
        assert set(comments) == set(stored.values_list("pk", flat=True))
        for comment in stored:
            row = comments[comment.pk]
            assert row["parent"] == (None if comment.parent_id == comment.pk else comment.parent_id)
            assert row["user"] == comment.user_id
            assert (row["name"], row["email"], row["url"]) == (
                comment.user_name,
                comment.user_email,
                comment.user_url,
            )
            assert (row["ip"], row["text"], row["status"], row["user_agent"]) == (
                comment.ip_address,
                comment.comment,
                comment.status,
                comment.user_agent,
            )
            assert when(row["submitted_at"]) == comment.submit_date
            assert when(row["edited_at"]) == comment.edited_at
        assert {row["status"] for row in comments.values()} == set(CommentStatus.values)
        top = next(row for row in comments.values() if row["name"] == "Zoë Ånström")
        assert (top["ip"], top["user_agent"]) == ("203.0.113.5", "Mozilla/5.0 (X11)")
        assert top["text"] == "Does it take bikes? <b>bold</b> & 🚲"
        assert any(row["edited_at"] for row in comments.values())
        assert counts == {"users": users.count(), "articles": 2, "updates": 2, "comments": 6}

    def test_no_password_hash_or_admin_flag_is_written(self, site, tmp_path):
        """A backup carries no credential and cannot grant admin rights when restored."""
        path, _ = export(tmp_path)
        raw = path.read_bytes()
        for password in get_user_model().objects.values_list("password", flat=True):
            assert password.encode() not in raw
        assert b"md5$" not in raw and b"password" not in raw
        for user in json.loads(raw)["users"]:
            assert not {"password", "is_staff", "is_superuser"} & set(user)

    def test_text_is_utf8_one_record_a_line(self, site, tmp_path):
        """Non-ASCII text is written as UTF-8, not escaped, and each record has a line."""
        path, counts = export(tmp_path)
        raw = path.read_bytes()
        assert "自転車".encode() in raw and b"\\u" not in raw
        record_lines = [line for line in raw.splitlines() if line.startswith(b'{"id":')]
        assert len(record_lines) == sum(counts.values())


@pytest.mark.django_db
class TestReadingAnExport:
    def test_records_match_the_site(self, site, tmp_path):
        """Read back, the backup gives the same users, articles, updates and comments,
        statuses exact, users before any article."""
        path, _ = export(tmp_path)
        records, stats, reader = read(path)
        assert reader.source == f"json {SITE}"
        kinds = [type(record) for record in records]
        assert kinds == sorted(kinds, key=lambda kind: kind is ArticleGroup)
        users = {r.source_id: r for r in records if isinstance(r, AuthorRecord)}
        lucja = users[str(site["reader"].pk)]
        assert (lucja.login, lucja.email, lucja.first_name, lucja.last_name, lucja.groups) == (
            "łucja",
            "lucja@reader.example",
            "Łucja",
            "Ñuñez",
            (),
        )
        author = get_user_model().objects.get(username="author")
        assert users[str(author.pk)].groups == (AUTHORS_GROUP,)

        groups = {g.article.source_id: g for g in records if isinstance(g, ArticleGroup)}
        article = Article.objects.get(pk=site["article"].pk)
        group = groups[str(article.pk)]
        record = group.article
        assert (record.title, record.slug, record.standfirst, record.status) == (
            article.title,
            article.slug,
            "Why the ferry waits.",
            "published",
        )
        assert (record.body_markdown, record.body_html) == (article.body, "")
        assert record.published_at == article.published_at
        assert (record.comments_open, record.comments_close_after_days) == (True, 45)
        assert record.author_source_ids == (str(author.pk),)
        assert record.url == SITE + article.get_absolute_url()

        updates = {u.source_id: u for u in group.updates}
        for update in article.updates.all():
            read_back = updates[str(update.pk)]
            assert read_back.body_markdown == update.body
            assert read_back.author_source_id == (str(update.author_id) if update.author_id else "")
            assert read_back.published_at == update.published_at
            assert read_back.corrected_at == update.corrected_at
            assert read_back.withdrawn_at == update.withdrawn_at

        comments = {c.source_id: c for c in group.comments}
        for comment in Comment.objects.filter(article=article):
            read_back = comments[str(comment.pk)]
            top = comment.parent_id == comment.pk
            assert read_back.parent_source_id == ("" if top else str(comment.parent_id))
            assert read_back.user_source_id == (str(comment.user_id) if comment.user_id else "")
            assert (read_back.markdown, read_back.html) == (comment.comment, "")
            assert read_back.status == comment.status
            assert (read_back.author_name, read_back.author_email, read_back.author_url) == (
                comment.user_name,
                comment.user_email,
                comment.user_url,
            )
            assert (read_back.ip_address, read_back.user_agent) == (
                comment.ip_address,
                comment.user_agent,
            )
            assert read_back.submitted_at == comment.submit_date
            assert read_back.line > 1
        assert len(comments) == 6 and groups[str(site["draft"].pk)].comments == []
        assert stats.warnings == [] and stats.skipped == {}


class TestReader:
    def test_fixture_is_read_exactly(self):
        """A hand-written backup yields its records exactly, non-ASCII text and all, with
        the line each starts on and aware dates."""
        records, stats, reader = read(FIXTURES / "json_small.json")
        assert reader.source == "json https://fjord.example"
        soren, mei, ferries, draft = records
        assert soren == AuthorRecord(
            source_id="7",
            login="søren",
            email="soren@fjord.example",
            first_name="Søren",
            last_name="Ødegård",
            groups=("Authors",),
            date_joined=datetime(2023, 1, 15, 9, 30, tzinfo=UTC),
        )
        assert (mei.first_name, mei.last_name) == ("美", "林")
        article = ferries.article
        assert article.title == "Ferries after midnight — a timetable"
        assert article.body_markdown.endswith("Café opens at 06:00 ☕.")
        assert article.published_at == datetime(2024, 11, 3, 21, 15, tzinfo=UTC)
        assert ferries.line == 7
        assert [u.source_id for u in ferries.updates] == ["11", "12"]
        assert ferries.updates[1].withdrawn_at == datetime(2024, 11, 11, 9, 30, tzinfo=UTC)
        assert ferries.updates[1].author_source_id == ""
        zoe, mei_reply, deleted, spam = ferries.comments
        assert zoe.author_name == "Zoë Ånström"
        assert zoe.markdown == 'Does the 00:40 take bikes? <b>bold</b> & "quotes" 🚲'
        assert (zoe.line, mei_reply.line, deleted.line, spam.line) == (11, 12, 13, 14)
        assert mei_reply.markdown == "はい、自転車は無料です。"
        assert (mei_reply.parent_source_id, mei_reply.user_source_id) == ("101", "9")
        assert mei_reply.submitted_at == datetime(2024, 11, 4, 6, 30, tzinfo=UTC)
        assert mei_reply.ip_address == "2001:db8::1"
        assert [c.status for c in ferries.comments] == ["published", "pending", "deleted", "spam"]
        assert deleted.ip_address is None and deleted.parent_source_id == "102"
        assert (draft.article.status, draft.article.published_at, draft.comments) == (
            "draft",
            None,
            [],
        )
        assert draft.article.comments_open is False
        assert stats.warnings == []

    def test_odd_values_are_warned_about_and_survived(self):
        """Unknown statuses fall back to safe ones, naive dates are taken in the site's
        zone, a bad date is dropped, an undated update is skipped: each is reported."""
        oslo = ZoneInfo("Europe/Oslo")
        records, stats, _ = read(FIXTURES / "json_odd.json", site_timezone=oslo)
        (group,) = records
        assert group.article.source_id == "a-1"
        assert group.article.status == "draft"
        assert group.article.published_at == datetime(2024, 6, 1, 10, 0, tzinfo=UTC)
        (comment,) = group.comments
        assert comment.status == CommentStatus.HELD
        assert comment.submitted_at == datetime(2024, 6, 2, 7, 0, tzinfo=UTC)
        assert comment.submitted_at.utcoffset() == timedelta(hours=2)
        (update,) = group.updates
        assert update.source_id == "22" and update.corrected_at is None
        assert stats.skipped == {"update without a date": 1}
        assert len(stats.warnings) == 4
        assert any("article a-1" in w and "archived" in w for w in stats.warnings)
        assert any("comment 201" in w and "approved" in w for w in stats.warnings)
        assert any("update 22" in w and "last tuesday" in w for w in stats.warnings)
        assert any("update 21" in w for w in stats.warnings)

    def test_progress_is_reported_per_article_up_to_the_whole_file(self):
        """Progress rises with each article and ends at the file's size."""
        path = FIXTURES / "json_small.json"
        calls = []
        read(path, progress=lambda done, total: calls.append((done, total)))
        size = path.stat().st_size
        assert len(calls) == 3  # two articles, then the end
        assert [done for done, _ in calls] == sorted(done for done, _ in calls)
        assert calls[-1] == (size, size) and {total for _, total in calls} == {size}

    @pytest.mark.parametrize(
        "fixture, message",
        [
            ("json_wrong_format.json", "not a Parley backup: format is 'wordpress-wxr'"),
            ("json_newer_version.json", "backup version 3 is newer than this Parley reads (2)"),
            ("json_articles_first.json", '"articles" comes before "users"'),
        ],
    )
    def test_another_document_is_refused(self, fixture, message):
        """A document that is not a backup this Parley can restore is refused on its line,
        before any record is yielded."""
        stats = ReadStats()
        reader = iter(JsonReader(FIXTURES / fixture, stats=stats))
        with pytest.raises(SourceFileError) as refused:
            next(reader)
        assert message in refused.value.message
        assert refused.value.line == (2 if "articles" in message else 1)

    @pytest.mark.parametrize("cut", [0.3, 0.55, 0.8, 0.999])
    def test_a_truncated_file_fails_on_its_last_line(self, tmp_path, cut):
        """A backup cut short fails with the line where it stops."""
        whole = (FIXTURES / "json_small.json").read_bytes()
        truncated = whole[: int(len(whole) * cut)]
        path = tmp_path / "cut.json"
        path.write_bytes(truncated)
        with pytest.raises(SourceFileError) as failed:
            read(path)
        assert failed.value.line == truncated.count(b"\n") + (not truncated.endswith(b"\n"))
        assert "not valid JSON" in failed.value.message

    def test_a_syntax_error_names_its_line_after_earlier_records(self, tmp_path):
        """The reader streams: records before a broken line are yielded, then the error
        names that line."""
        lines = (FIXTURES / "json_small.json").read_bytes().splitlines(keepends=True)
        lines[11] = lines[11].replace(b'"parent":', b"'parent':")
        path = tmp_path / "broken.json"
        path.write_bytes(b"".join(lines))
        reader = iter(JsonReader(path, stats=ReadStats()))
        assert next(reader).login == "søren"
        with pytest.raises(SourceFileError) as failed:
            list(reader)
        assert failed.value.line == 12

    @pytest.mark.parametrize(
        "document, line, message",
        [
            (b"[1, 2]\n", 1, "not a JSON object"),
            (b'{"format":"parley-backup","version":1,"site":"s","users":[]}\n', 1, 'no "articles"'),
            (b'{"users":[],"articles":[]}\n', 1, 'no "format" before the records'),
            (b'{"format":"parley-backup","version":1,\n"users":[]}', 2, 'no "site"'),
            (b'{"format":"parley-backup","version":1,"site":"s",\n"users":{}}', 2, "a list"),
            (
                b'{"format":"parley-backup","version":1,"site":"s","users":[],"articles":[]}\n'
                b"garbage\n",
                2,
                "trailing garbage",
            ),
            (b'{"format":"parley-backup","version":"1"}', 1, "version '1'"),
            (b'{"format":"parley-backup","site":"\xff"}', 1, "invalid bytes in UTF8"),
        ],
    )
    def test_malformed_documents_are_refused_on_their_line(self, tmp_path, document, line, message):
        """Each way a document can fail to be a backup is a SourceFileError on its line."""
        path = tmp_path / "bad.json"
        path.write_bytes(document)
        with pytest.raises(SourceFileError) as failed:
            read(path)
        assert message in failed.value.message
        assert failed.value.line == line

    def test_a_byte_order_mark_is_stepped_over_or_named(self, tmp_path):
        """A backup saved again by a Windows editor (a UTF-8 byte order mark first) reads
        as the same backup; one saved as UTF-16 is refused by its encoding's name, not as
        "invalid char in json text"."""
        whole = (FIXTURES / "json_small.json").read_bytes()
        path = tmp_path / "bom.json"
        path.write_bytes(b"\xef\xbb\xbf" + whole)
        plain = tmp_path / "plain.json"
        plain.write_bytes(whole)
        assert read(path)[0] == read(plain)[0]
        path.write_bytes(whole.decode().encode("utf-16"))
        with pytest.raises(SourceFileError) as failed:
            read(path)
        assert failed.value.message == (
            "the file is UTF-16, but a Parley backup is UTF-8: save it as UTF-8"
        )
        assert failed.value.line == 1

    def test_the_parsers_message_ends_in_one_full_stop(self, tmp_path):
        """The command's "…: <parser's words>. Nothing was imported." has no doubled stop."""
        path = tmp_path / "bad.json"
        path.write_bytes(b"not json at all")
        with pytest.raises(SourceFileError) as failed:
            read(path)
        assert not failed.value.message.endswith(".")

    def test_hostile_nesting_is_refused(self, tmp_path):
        """A value nested thousands deep is refused, not recursed into."""
        deep = b"[" * 5000 + b"]" * 5000
        path = tmp_path / "deep.json"
        path.write_bytes(
            b'{"format":"parley-backup","version":1,"site":"s","users":[],"articles":[\n'
            b'{"id":1,"title":' + deep + b"}]}"
        )
        with pytest.raises(SourceFileError) as failed:
            read(path)
        assert "nested more than" in failed.value.message and failed.value.line == 2

    def test_a_record_without_an_id_is_refused(self, tmp_path):
        """A comment with no id cannot be placed in its thread: the file is refused."""
        path = tmp_path / "noid.json"
        path.write_bytes(
            b'{"format":"parley-backup","version":1,"site":"s","users":[],"articles":[\n'
            b'{"id":1,"title":"t","comments":[\n{"parent":null,"text":"x"}\n]}]}'
        )
        with pytest.raises(SourceFileError) as failed:
            read(path)
        assert 'a comment on line 3 has no "id"' in failed.value.message


def site_state() -> dict:
    """The site by natural keys (ids change on a restore): what a backup must bring back."""
    articles = {
        article.slug: (
            article.title,
            article.standfirst,
            article.body,
            article.status,
            article.published_at,
            article.comments_open,
            article.comments_close_after_days,
            article.language,
            sorted(user.username for user in article.authors.all()),
        )
        for article in Article.objects.all()
    }
    updates = sorted(
        (
            update.article.slug,
            update.body,
            update.published_at,
            update.corrected_at,
            update.withdrawn_at,
            update.author.username if update.author else "",
        )
        for update in ArticleUpdate.objects.select_related("article", "author")
    )
    comments = Comment.objects.select_related("article", "user")

    def key(comment):
        return (comment.article.slug, comment.user_name, comment.comment, comment.submit_date)

    by_pk = {comment.pk: comment for comment in comments}
    threads = {
        key(comment): (
            None if comment.parent_id == comment.pk else key(by_pk[comment.parent_id]),
            comment.level,
            comment.status,
            comment.user_email,
            comment.user_url,
            comment.ip_address,
            comment.user_agent,
            comment.user.username if comment.user else "",
            comment.edited_at,
        )
        for comment in by_pk.values()
    }
    users = {
        user.username: (
            user.email,
            user.first_name,
            user.last_name,
            user.is_active,
            user.date_joined,
        )
        for user in get_user_model().objects.all()
    }
    return {"articles": articles, "updates": updates, "comments": threads, "users": users}


def site_empty() -> None:
    Comment.objects.all().delete()
    Article.objects.all().delete()
    get_user_model().objects.all().delete()


@pytest.mark.django_db
class TestRoundTrip:
    def test_a_backup_restores_the_site_into_an_empty_one(self, site, tmp_path):
        """Exported, then imported into an empty site: the same users, articles, updates
        and comments, in the same threads with the same statuses."""
        path, counts = export(tmp_path)
        before = site_state()
        site_empty()
        assert Comment.objects.count() == 0
        import_file(path=path, format="json")
        assert site_state() == before
        assert Comment.objects.count() == counts["comments"]

    def test_an_account_already_here_never_gains_a_role_from_a_file(self, make_user, tmp_path):
        """A file naming an existing reader's username (with no address, or with theirs)
        as a moderator and author gives that account no role: without the address the
        source's user gets an account of their own, which does get the roles; with it the
        comments are theirs, but their groups stay as they were."""
        rita = make_user("rita", email="rita@example.com")
        document = {
            "format": "parley-backup", "version": 1, "site": "https://old.example",
            "users": [
                {"id": 1, "username": "RITA", "email": "", "groups": [MODERATORS_GROUP]},
                {"id": 2, "username": "rita", "email": "Rita@example.com",
                 "groups": [MODERATORS_GROUP, AUTHORS_GROUP]},
            ],
            "articles": [],
        }  # fmt: skip
        path = tmp_path / "roles.json"
        path.write_text(json.dumps(document))
        import_file(path=path, format="json")
        assert not rita.groups.exists()
        other = get_user_model().objects.exclude(pk=rita.pk).get(username__istartswith="rita")
        assert other.username == "RITA-2"
        assert list(other.groups.values_list("name", flat=True)) == [MODERATORS_GROUP]

    @pytest.mark.parametrize("may_change_users", [False, True])
    def test_only_an_admin_who_may_change_users_gives_roles_by_importing(
        self, make_user, tmp_path, may_change_users
    ):
        """An import permission alone must not make moderators: a file naming the Moderators
        group for a new account (whose address the uploader holds) gives it no role when the
        run was started by someone who may not change users, and the report says so."""
        from django.contrib.auth.models import Permission

        starter = make_user("importer", is_staff=True)
        starter.user_permissions.add(Permission.objects.get(codename="add_importrun"))
        if may_change_users:
            starter.user_permissions.add(Permission.objects.get(codename="change_user"))
        starter = get_user_model().objects.get(pk=starter.pk)  # permissions read afresh
        document = {
            "format": "parley-backup", "version": 1, "site": "https://old.example",
            "users": [{"id": 1, "username": "newmod", "email": "me@uploader.example",
                       "groups": [MODERATORS_GROUP]}],
            "articles": [],
        }  # fmt: skip
        path = tmp_path / "roles.json"
        path.write_text(json.dumps(document))
        report = import_file(path=path, format="json", started_by=starter)
        made = get_user_model().objects.get(username="newmod")
        roles = list(made.groups.values_list("name", flat=True))
        said = " ".join(report.lines())
        if may_change_users:
            assert roles == [MODERATORS_GROUP] and "roles" not in said
        else:
            assert roles == []
            assert "1 new account got none of the roles the file gives it" in said

    def test_a_verified_address_stays_verified_so_reply_emails_keep_coming(
        self, make_user, tmp_path
    ):
        """An account whose address was verified is restored verified (reply emails, follows
        and digests go only to a verified address); an unverified one stays unverified, and
        an address another account here holds verified is not given to the restored one."""
        from allauth.account.models import EmailAddress

        from readers.selectors import verified_address

        sure = make_user("sure", email="Sure@example.com")
        EmailAddress.objects.create(
            user=sure, email="Sure@example.com", verified=True, primary=True
        )
        make_user("unsure", email="unsure@example.com")
        taken = make_user("taken", email="taken@example.com")
        EmailAddress.objects.create(user=taken, email="taken@example.com", verified=True)
        path, _ = export(tmp_path)
        document = json.loads(path.read_bytes())
        assert {u["username"]: u["email_verified"] for u in document["users"]} == {
            "sure": True, "unsure": False, "taken": True,
        }  # fmt: skip
        get_user_model().objects.exclude(username="taken").delete()
        get_user_model().objects.filter(username="taken").update(username="taken-here")
        import_file(path=path, format="json")
        restored = get_user_model().objects
        assert verified_address(restored.get(username="sure")) == "sure@example.com"
        assert verified_address(restored.get(username="unsure")) == ""
        assert verified_address(restored.get(username="taken")) == ""
        # Unverified, each still has its address listed, to verify from its email page.
        assert EmailAddress.objects.filter(verified=False).count() == 2

    def test_the_report_names_accounts_nobody_can_sign_in_to(self, make_user, tmp_path):
        """Restored accounts have no password and set one through "Forgot password", which
        needs an address: the report counts the new active ones without one, and tells the
        admin to set their passwords (a dry run says so too)."""
        make_user("kept")  # already here: matched by its joining time, not created
        kept = get_user_model().objects.get(username="kept")
        document = {
            "format": "parley-backup", "version": 2, "site": "https://old.example",
            "users": [
                {"id": 1, "username": "kept", "email": "",
                 "date_joined": kept.date_joined.isoformat()},
                {"id": 2, "username": "mailless", "email": ""},
                {"id": 3, "username": "gone", "email": "", "is_active": False},
                {"id": 4, "username": "mailed", "email": "m@example.com"},
            ],
            "articles": [],
        }  # fmt: skip
        path = tmp_path / "users.json"
        path.write_text(json.dumps(document))
        said = (
            "1 new account has no email address and no password: it cannot use “Forgot "
            "password”, so set its password in the admin (Users)."
        )
        dry = import_file(path=path, format="json", dry_run=True)
        assert "1 new account would have no email address" in "\n".join(dry.lines())
        assert said in import_file(path=path, format="json").lines()

    def test_roles_are_restored_exactly_and_admin_rights_never(self, site, tmp_path):
        """Restored users get back the groups they had, no others, and no staff rights."""
        path, _ = export(tmp_path)
        before = {
            user.username: sorted(user.groups.values_list("name", flat=True))
            for user in get_user_model().objects.all()
        }
        site_empty()
        import_file(path=path, format="json")
        users = get_user_model().objects.all()
        assert {u.username: sorted(u.groups.values_list("name", flat=True)) for u in users} == (
            before
        )
        assert not users.filter(is_staff=True).exists()
        assert not users.filter(is_superuser=True).exists()
        assert before["łucja"] == [] and before["staffer"] == [MODERATORS_GROUP]
