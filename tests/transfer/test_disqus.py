"""Disqus XML: the reader's records from an export, and the exporter's files read back."""

import io
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import defusedxml.ElementTree as DefusedET
import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from comments.models import Comment, CommentStatus
from moderation.services import comment_transition
from transfer.disqus_reader import DisqusReader
from transfer.disqus_writer import disqus_export
from transfer.records import ArticleGroup, ReadStats, SourceFileError

FIXTURES = Path(__file__).parent / "fixtures"
SITE = "https://parley.example.org"
HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n'
    '  <category dsq:id="1"><forum>scratch</forum></category>\n'
)


def read(path, **options) -> tuple[list[ArticleGroup], ReadStats, DisqusReader]:
    stats = ReadStats()
    reader = DisqusReader(path, stats=stats, **options)
    return list(reader), stats, reader


def by_thread(groups: list[ArticleGroup]) -> dict[str, ArticleGroup]:
    return {group.article.source_id: group for group in groups}


def by_post(groups: list[ArticleGroup]) -> dict:
    return {comment.source_id: comment for group in groups for comment in group.comments}


def thread_xml(thread_id: str, *, created: str = "2023-05-01T00:00:00Z") -> str:
    return (
        f'  <thread dsq:id="{thread_id}"><link>https://scratch.example/{thread_id}/</link>'
        f"<title>T{thread_id}</title><createdAt>{created}</createdAt></thread>\n"
    )


def post_xml(post_id: str, thread_id: str, *, created: str = "2023-05-02T00:00:00Z") -> str:
    return (
        f'  <post dsq:id="{post_id}"><message><![CDATA[<p>Post {post_id}</p>]]></message>'
        f"<createdAt>{created}</createdAt><author><name>N{post_id}</name></author>"
        f'<thread dsq:id="{thread_id}" /></post>\n'
    )


def write(tmp_path, body: str, *, head: str = HEAD, tail: str = "</disqus>\n") -> Path:
    path = tmp_path / "export.xml"
    path.write_text(head + body + tail, encoding="utf-8")
    return path


class TestReader:
    def test_interleaved_posts_are_grouped_by_thread(self):
        """Each thread with posts comes once, holding all of its posts and no other."""
        groups, _, reader = read(FIXTURES / "disqus_site.xml")
        threads = by_thread(groups)
        assert sorted(threads) == ["301", "302", "304"]
        assert len(groups) == 3
        assert sorted(c.source_id for c in threads["301"].comments) == [
            "9001",
            "9003",
            "9005",
            "9006",
        ]
        assert sorted(c.source_id for c in threads["302"].comments) == [
            "9002",
            "9004",
            "9009",
            "9010",
        ]
        assert [c.source_id for c in threads["304"].comments] == ["9008"]
        assert reader.source == "disqus lanternfield"
        assert reader.format == "disqus"

    def test_thread_becomes_an_article_found_by_its_link(self):
        """A thread gives the article's title (entities decoded), link, date and whether
        comments are open; Disqus has no body or slug."""
        threads = by_thread(read(FIXTURES / "disqus_site.xml")[0])
        ferns, tides = threads["301"].article, threads["302"].article
        assert ferns.title == "Ferns in winter & other quiet things"
        assert ferns.url == "https://lanternfield.example.net/2020/12/ferns-in-winter/"
        assert (ferns.slug, ferns.body_html, ferns.status) == ("", "", "published")
        assert ferns.published_at == datetime(2020, 12, 1, 8, tzinfo=UTC)
        assert ferns.comments_open is True
        assert tides.comments_open is False
        assert tides.published_at == datetime(2021, 1, 5, 8, 30, tzinfo=UTC)
        assert threads["301"].line == 8

    def test_thread_without_posts_is_skipped_and_counted(self):
        """Disqus keeps a thread for every page that loaded its embed: one without posts is
        counted, not handed over."""
        groups, stats, _ = read(FIXTURES / "disqus_site.xml")
        assert "303" not in by_thread(groups)
        assert stats.skipped["thread without comments"] == 1

    def test_deleted_thread_keeps_its_posts_with_a_warning(self):
        """Posts of a thread deleted in Disqus are still comments of a real page."""
        groups, stats, _ = read(FIXTURES / "disqus_site.xml")
        assert [c.source_id for c in by_thread(groups)["304"].comments] == ["9008"]
        assert any("thread 304" in w and "deleted" in w for w in stats.warnings)

    def test_statuses_map_from_disqus_flags_and_our_extension(self):
        """isSpam → spam, isDeleted → removed, isApproved false → held, plain → published;
        parley:status overrides, pending arriving as held."""
        posts = by_post(read(FIXTURES / "disqus_site.xml")[0])
        assert {pid: posts[pid].status for pid in posts} == {
            "9001": CommentStatus.PUBLISHED,
            "9002": CommentStatus.SPAM,
            "9003": CommentStatus.REMOVED,
            "9004": CommentStatus.HELD,
            "9005": CommentStatus.PUBLISHED,
            "9006": CommentStatus.PUBLISHED,
            "9008": CommentStatus.PUBLISHED,
            "9009": CommentStatus.HELD,
            "9010": CommentStatus.DELETED,
        }

    def test_message_html_and_entities_arrive_as_the_source_stores_them(self):
        """CDATA keeps HTML entities as written; an escaped message is decoded once; a
        script is passed through for the writer to sanitise."""
        posts = by_post(read(FIXTURES / "disqus_site.xml")[0])
        assert posts["9001"].html == (
            "<p>The hart's-tongue fern stays <em>green</em> all winter &amp; needs no care "
            '&mdash; <a href="https://ferns.example.org/harts-tongue">see here</a>.</p>'
        )
        assert posts["9002"].html == "<p>Cheap tide clocks, five &lt; ten dollars!</p>"
        assert "<script>document.location=" in posts["9005"].html

    def test_authors_keep_non_ascii_names_and_fall_back(self):
        """Names arrive intact; without one the username is used, without both 'Anonymous'."""
        posts = by_post(read(FIXTURES / "disqus_site.xml")[0])
        assert (posts["9003"].author_name, posts["9003"].author_email) == (
            "Łukasz Żółtowski",
            "lukasz@example.pl",
        )
        assert posts["9006"].author_name == "渡辺 さくら"
        assert (posts["9004"].author_name, posts["9004"].author_email) == ("nightjar", "")
        assert posts["9005"].author_name == "Anonymous"
        assert posts["9001"].author_url == ""

    def test_dates_with_z_and_offsets_are_the_same_instants(self):
        """createdAt with Z or an offset gives an aware datetime at that instant."""
        posts = by_post(read(FIXTURES / "disqus_site.xml")[0])
        assert posts["9001"].submitted_at == datetime(2020, 12, 2, 10, tzinfo=UTC)
        assert posts["9003"].submitted_at == datetime(2020, 12, 3, 10, 15, tzinfo=UTC)
        assert posts["9006"].submitted_at == datetime(2020, 12, 5, 23, tzinfo=UTC)

    def test_date_without_offset_is_in_the_site_time_zone(self, tmp_path):
        """A createdAt naming no zone is read in the site's zone, not UTC."""
        path = write(tmp_path, thread_xml("1") + post_xml("2", "1", created="2023-07-01T12:00:00"))
        groups, _, _ = read(path, site_timezone=ZoneInfo("Europe/Paris"))
        assert groups[0].comments[0].submitted_at == datetime(2023, 7, 1, 10, tzinfo=UTC)

    def test_unreadable_date_is_warned_and_left_empty(self, tmp_path):
        """A createdAt that is not a date leaves the comment without one (the writer
        refuses it) and says which post."""
        path = write(tmp_path, thread_xml("1") + post_xml("2", "1", created="last Tuesday"))
        groups, stats, _ = read(path)
        assert groups[0].comments[0].submitted_at is None
        assert any("post 2" in w and "last Tuesday" in w for w in stats.warnings)

    def test_ip_addresses_are_checked(self):
        """IPv4 and IPv6 arrive as given; none is None; a bad one is dropped with a warning."""
        groups, stats, _ = read(FIXTURES / "disqus_site.xml")
        posts = by_post(groups)
        assert posts["9001"].ip_address == "203.0.113.10"
        assert posts["9003"].ip_address == "2001:db8::17"
        assert posts["9005"].ip_address is None
        assert posts["9004"].ip_address is None
        assert any("post 9004" in w and "not-an-address" in w for w in stats.warnings)

    def test_parents_are_passed_through_even_when_missing(self):
        """Replies name their parent's dsq:id; a parent absent from the file is passed on
        for the writer to warn about and attach at the top level."""
        posts = by_post(read(FIXTURES / "disqus_site.xml")[0])
        assert posts["9001"].parent_source_id == ""
        assert posts["9003"].parent_source_id == "9001"
        assert posts["9005"].parent_source_id == "9003"
        assert posts["9006"].parent_source_id == "8888"

    def test_post_of_an_unknown_thread_is_skipped_and_named(self):
        """A post naming a thread the file does not hold is left out, counted and named."""
        groups, stats, _ = read(FIXTURES / "disqus_site.xml")
        assert "9007" not in by_post(groups)
        assert stats.skipped["post without thread"] == 1
        assert any("post 9007" in w and "777" in w for w in stats.warnings)

    def test_post_lines_point_at_their_start(self):
        """Each comment knows the line its <post> starts on, for warnings."""
        posts = by_post(read(FIXTURES / "disqus_site.xml")[0])
        lines = (FIXTURES / "disqus_site.xml").read_text().splitlines()
        assert lines[posts["9003"].line - 1].strip() == '<post dsq:id="9003">'

    def test_ten_levels_of_replies_keep_their_chain(self):
        """A chain of replies ten levels below its first comment arrives whole, each naming
        the one above, beside another thread's posts."""
        groups = read(FIXTURES / "disqus_deep.xml")[0]
        deep = by_thread(groups)["501"].comments
        assert len(deep) == 11
        parents = {c.source_id: c.parent_source_id for c in deep}
        chain, current = [], "7011"
        while current:
            chain.append(current)
            current = parents[current]
        assert chain == [str(7000 + n) for n in range(11, 0, -1)]
        assert len(by_thread(groups)["502"].comments) == 2

    def test_posts_before_their_thread_still_join_it(self, tmp_path):
        """The order of the file does not matter: posts listed before their thread wait for
        it."""
        path = write(tmp_path, post_xml("11", "5") + post_xml("12", "5") + thread_xml("5"))
        groups, stats, _ = read(path)
        assert [(g.article.source_id, len(g.comments)) for g in groups] == [("5", 2)]
        assert stats.warnings == []

    def test_post_naming_no_thread_loses_nothing_around_it(self, tmp_path):
        """A post without <thread> is skipped, and the thread listed after it still gets all
        of its posts (at the end of the file, announced by progress like any other)."""
        orphan = '  <post dsq:id="6"><message>lost</message></post>\n'
        body = thread_xml("1") + post_xml("5", "1") + orphan + thread_xml("2") + post_xml("7", "2")
        events: list = []
        stats = ReadStats()
        path = write(tmp_path, body)
        reader = DisqusReader(path, stats=stats, progress=lambda *p: events.append(p))
        for group in reader:
            events.append(group)
        groups = [e for e in events if isinstance(e, ArticleGroup)]
        assert [(g.article.source_id, [c.source_id for c in g.comments]) for g in groups] == [
            ("1", ["5"]),
            ("2", ["7"]),
        ]
        assert all(isinstance(events[events.index(g) - 1], tuple) for g in groups)
        assert stats.skipped == {"post without thread": 1}
        assert any("post 6" in w for w in stats.warnings)

    def test_a_finished_thread_is_handed_over_before_the_file_is_read(self, tmp_path):
        """A thread whose last post is early in the file is yielded while the rest is still
        being read: memory follows the threads in flight."""
        body = thread_xml("1") + thread_xml("2") + post_xml("10", "1") + post_xml("11", "1")
        body += "".join(post_xml(str(100 + n), "2") for n in range(3000))
        path = write(tmp_path, body)
        seen: list[tuple[int, int]] = []
        reader = DisqusReader(path, stats=ReadStats(), progress=lambda *p: seen.append(p))
        groups = iter(reader)
        first = next(groups)
        done, total = seen[-1]
        assert first.article.source_id == "1"
        assert total // 2 < done < total * 3 // 4
        assert len(next(groups).comments) == 3000

    def test_progress_covers_both_passes_and_every_group(self):
        """Progress rises to the file's size, the first pass being the first half, and is
        reported before each group."""
        path = FIXTURES / "disqus_site.xml"
        events: list = []
        reader = DisqusReader(
            path, stats=ReadStats(), progress=lambda done, total: events.append((done, total))
        )
        for group in reader:
            events.append(group)
        calls = [e for e in events if isinstance(e, tuple)]
        total = path.stat().st_size
        assert all(t == total for _, t in calls)
        assert [d for d, _ in calls] == sorted(d for d, _ in calls)
        assert calls[-1] == (total, total)
        assert calls[0][0] <= total // 2
        for at, event in enumerate(events):
            if isinstance(event, ArticleGroup):
                assert isinstance(events[at - 1], tuple)

    def test_source_is_known_before_the_first_group(self):
        """The source names the forum by the time the writer sees a record."""
        reader = DisqusReader(FIXTURES / "disqus_deep.xml", stats=ReadStats())
        assert reader.source == ""
        next(iter(reader))
        assert reader.source == "disqus deepforum"


class TestBadFiles:
    def test_truncated_file_fails_with_its_line(self):
        """A file cut short fails where the parser stopped."""
        with pytest.raises(SourceFileError) as failure:
            read(FIXTURES / "disqus_truncated.xml")
        assert failure.value.line == 41
        assert "no element found" in failure.value.message

    def test_mismatched_tag_fails_with_its_line(self, tmp_path):
        """Malformed XML names the line of the fault."""
        path = write(tmp_path, thread_xml("1") + "  <post>\n  </thread>\n")
        with pytest.raises(SourceFileError) as failure:
            read(path)
        assert failure.value.line == 6  # the stray </thread>
        assert "mismatched tag" in failure.value.message

    def test_billion_laughs_is_refused(self):
        """Entity declarations are refused before any expansion."""
        with pytest.raises(SourceFileError) as failure:
            read(FIXTURES / "disqus_billion_laughs.xml")
        assert failure.value.message == (
            "entity declarations are refused (possible entity-expansion attack)"
        )
        assert failure.value.line == 3

    def test_external_entity_is_refused(self):
        """An entity reading a local file is refused and named."""
        with pytest.raises(SourceFileError) as failure:
            read(FIXTURES / "disqus_external_entity.xml")
        assert "external entity 'secret'" in failure.value.message
        assert "file:///etc/hostname" in failure.value.message
        assert failure.value.line == 3

    def test_external_dtd_is_refused(self, tmp_path):
        """A document type pointing outside the file is refused."""
        head = HEAD.replace(
            "<disqus ", '<!DOCTYPE disqus SYSTEM "https://evil.example/x.dtd">\n<disqus ', 1
        )
        with pytest.raises(SourceFileError) as failure:
            read(write(tmp_path, thread_xml("1"), head=head))
        assert "external references are refused" in failure.value.message
        assert failure.value.line == 2

    def test_undefined_entity_is_malformed(self, tmp_path):
        """An HTML entity outside CDATA is not XML: the file fails at that line."""
        body = thread_xml("1") + post_xml("2", "1").replace("<![CDATA[<p>", "&nbsp;<![CDATA[<p>")
        with pytest.raises(SourceFileError) as failure:
            read(write(tmp_path, body))
        assert failure.value.line == 5
        assert "undefined entity" in failure.value.message

    def test_other_xml_is_not_a_disqus_export(self, tmp_path):
        """A WordPress file given to the Disqus importer says what it is."""
        path = tmp_path / "wrong.xml"
        path.write_text('<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>\n')
        with pytest.raises(SourceFileError) as failure:
            read(path)
        assert failure.value.message == (
            'not a Disqus export: the document is <rss>, not <disqus xmlns="http://disqus.com">'
            ": it is an RSS document, as a WordPress export is: if it is one, import it as "
            "WordPress (WXR), or with import_wordpress"
        )
        assert failure.value.line == 2

    def test_export_without_forum_is_refused(self, db, tmp_path):
        """Without a forum shortname the comments could not be told from another site's; the
        command says so in one sentence (not "…a Disqus export?. Nothing was imported.")."""
        head = HEAD.replace('  <category dsq:id="1"><forum>scratch</forum></category>\n', "")
        path = write(tmp_path, thread_xml("1") + post_xml("2", "1"), head=head)
        with pytest.raises(SourceFileError, match="names no forum"):
            read(path)
        with pytest.raises(CommandError) as failure:
            call_command("import_disqus", str(path), "--no-progress")
        assert str(failure.value).endswith(
            "names no forum (<forum>), as every Disqus export does. Nothing was imported."
        )


@pytest.fixture
def site(make_article, post, settings):
    """Two articles and a draft, with every comment status, a reply chain, odd text."""
    settings.PARLEY_COMMENT_JUDGE = ""
    open_one = make_article(title="Ferries & timetables — ünïcode")
    closed = make_article(title="Closed for comments")
    draft = make_article(title="Unpublished after a comment")
    post(draft, "Seen before it was withdrawn")
    Article.objects.filter(pk=draft.pk).update(status=Article.Status.DRAFT)
    top = post(open_one, "First!", name="Zoë Ånström", email="zoe@reader.example")
    reply = post(open_one, "Reply", reply_to=top.pk, name="渡辺")
    deeper = post(open_one, "Spammy", reply_to=reply.pk)
    post(open_one, "Removed", reply_to=top.pk, status=CommentStatus.REMOVED)
    post(open_one, "Deleted", status=CommentStatus.DELETED)
    post(open_one, "Pending", reply_to=deeper.pk, status=CommentStatus.PENDING)
    # Replies first, then their parents leave "published": nobody may reply to those.
    comment_transition(comment_id=reply.pk, to_status=CommentStatus.HELD, actor_label="test")
    comment_transition(comment_id=deeper.pk, to_status=CommentStatus.SPAM, actor_label="test")
    tricky = post(closed, "Tricky")
    # Text the renderer would never produce, to prove the file survives it anyway.
    Comment.objects.filter(pk=tricky.pk).update(
        comment_html="<p>a ]]> b ]]]]> c\x07 & <i>d</i></p>", ip_address="2001:db8::5"
    )
    Comment.objects.filter(pk=top.pk).update(ip_address="203.0.113.5")
    Article.objects.filter(pk=closed.pk).update(comments_open=False)
    return {"open": open_one, "closed": closed, "draft": draft, "tricky": tricky}


def export(tmp_path) -> tuple[Path, dict]:
    buffer = io.BytesIO()
    counts = disqus_export(out=buffer, site_url=SITE + "/", forum="parleyforum")
    path = tmp_path / "disqus.xml"
    path.write_bytes(buffer.getvalue())
    return path, counts


@pytest.mark.django_db
class TestExport:
    def test_file_is_a_disqus_export(self, site, tmp_path):
        """The file parses, has Disqus's namespaces and layout, and the counts match it."""
        path, counts = export(tmp_path)
        root = DefusedET.parse(path).getroot()
        ns = "{http://disqus.com}"
        assert root.tag == f"{ns}disqus"
        children = [child.tag for child in root]
        assert children == [f"{ns}category"] + [f"{ns}thread"] * 3 + [f"{ns}post"] * 8
        assert counts == {"threads": 3, "posts": 8}
        assert root.find(f"{ns}category/{ns}forum").text == "parleyforum"

    def test_reading_it_back_gives_the_same_threads_and_posts(self, site, tmp_path):
        """Every article and comment comes back with its link, dates, parent, status (pending
        as held), author, address and HTML."""
        path, _ = export(tmp_path)
        groups, stats, reader = read(path)
        assert reader.source == "disqus parleyforum"
        assert (stats.skipped, stats.warnings) == ({}, [])
        threads = by_thread(groups)
        for key in ("open", "closed"):
            article = site[key]
            record = threads[str(article.pk)].article
            assert record.title == article.title
            assert record.url == SITE + article.get_absolute_url()
            assert record.published_at == Article.objects.get(pk=article.pk).published_at
            assert record.comments_open is (key == "open")
        posts = by_post(groups)
        stored = Comment.objects.order_by("pk")
        assert sorted(posts) == sorted(str(c.pk) for c in stored)
        for comment in stored:
            record = posts[str(comment.pk)]
            parent = "" if comment.parent_id == comment.pk else str(comment.parent_id)
            expected_status = (
                CommentStatus.HELD if comment.status == CommentStatus.PENDING else comment.status
            )
            assert record.parent_source_id == parent
            assert record.status == expected_status
            assert record.submitted_at == comment.submit_date
            assert record.author_name == comment.user_name
            assert record.author_email == comment.user_email
            assert record.ip_address == comment.ip_address
            if comment.pk != site["tricky"].pk:
                assert record.html == comment.comment_html.strip()
        assert [c.status for c in threads[str(site["open"].pk)].comments].count("held") == 2

    def test_cdata_terminators_and_control_characters_survive(self, site, tmp_path):
        """ "]]>" inside a message is split safely and a character XML cannot hold is dropped,
        so the file stays readable."""
        path, _ = export(tmp_path)
        record = by_post(read(path)[0])[str(site["tricky"].pk)]
        assert record.html == "<p>a ]]> b ]]]]> c & <i>d</i></p>"

    def test_drafts_keep_their_status(self, site, tmp_path):
        """A draft's thread says so and is read back as a draft: a round trip never
        publishes it."""
        path, _ = export(tmp_path)
        threads = by_thread(read(path)[0])
        assert threads[str(site["draft"].pk)].article.status == Article.Status.DRAFT
        assert threads[str(site["open"].pk)].article.status == Article.Status.PUBLISHED

    def test_empty_site_gives_an_empty_export(self, db, tmp_path):
        """With nothing to export the file still reads as a Disqus export of nothing."""
        path, counts = export(tmp_path)
        assert counts == {"threads": 0, "posts": 0}
        groups, stats, reader = read(path)
        assert (groups, stats.warnings, reader.source) == ([], [], "disqus parleyforum")

    def test_import_into_an_empty_site_restores_it(self, site, tmp_path):
        """The importer takes the export into an empty site: the same articles by link,
        comments with their threading, statuses (pending as held), dates and authors."""
        from transfer.services.importing import import_file

        path, _ = export(tmp_path)

        def snapshot():
            rows = Comment.objects.order_by("submit_date", "pk")
            pks = {c.pk: n for n, c in enumerate(rows)}
            return [
                (
                    c.article.get_absolute_url(),
                    None if c.parent_id == c.pk else pks[c.parent_id],
                    CommentStatus.HELD if c.status == CommentStatus.PENDING else c.status,
                    c.submit_date,
                    c.user_name,
                    c.user_email,
                    c.ip_address,
                )
                for c in rows
            ]

        before = snapshot()
        articles = {a.get_absolute_url(): (a.title, a.status) for a in Article.objects.all()}
        Article.objects.all().delete()
        import_file(path=path, format="disqus")
        assert snapshot() == before
        assert {a.get_absolute_url(): (a.title, a.status) for a in Article.objects.all()} == (
            articles
        )


def test_a_reply_whose_parent_is_missing_is_warned_about_as_a_post(db, tmp_path):
    """The warning names the reply as the file does (a Disqus <post>), like the reader's own
    warnings, not as a "comment" no Disqus file has."""
    from transfer.services.importing import import_file

    orphan = post_xml("9002", "1").replace("</post>", '<parent dsq:id="8888" /></post>')
    path = write(tmp_path, thread_xml("1") + post_xml("9001", "1") + orphan)
    report = import_file(path=path, format="disqus")
    assert report.warnings == [
        "post 9002: its parent 8888 is not among this article's comments, in the file or on "
        "the site; attached at the top level"
    ]


def test_a_thread_is_matched_by_the_wordpress_plugins_identifier(db, tmp_path):
    """A thread the WordPress Disqus plugin made names its post as "<post id> <guid>"; its
    link may be the ?p= one. It joins the article the WordPress import made of that post
    instead of becoming a duplicate."""
    from tests.transfer import wxr_build as W
    from transfer.services.importing import import_file

    blog = W.write(tmp_path / "blog.xml", W.post(41, W.comment(1)))
    import_file(path=blog, format="wordpress")
    thread = (
        '  <thread dsq:id="7"><id>41 http://blog.example.org/?p=41</id>'
        "<link>http://blog.example.org/?p=41</link><title>Renamed since</title>"
        "<createdAt>2023-05-01T00:00:00Z</createdAt></thread>\n"
    )
    path = write(tmp_path, thread + post_xml("9001", "7"))
    report = import_file(path=path, format="disqus")
    article = Article.objects.get()
    assert report.articles == {"matched": 1}
    assert Comment.objects.filter(article=article).count() == 2
