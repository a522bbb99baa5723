"""WordPress WXR: the reader's records from an export, and the exporter's files read back."""

import io
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import defusedxml.ElementTree as DefusedET
import pytest

from articles.models import Article
from comments.models import Comment, CommentStatus
from moderation.services import comment_transition
from transfer.records import ArticleGroup, AuthorRecord, ReadStats, SourceFileError
from transfer.wxr_reader import CHUNK_BYTES, WxrReader
from transfer.wxr_writer import wordpress_export

FIXTURES = Path(__file__).parent / "fixtures"
SITE = FIXTURES / "wxr_site.xml"
KYIV = ZoneInfo("Europe/Kyiv")
WP = "{http://wordpress.org/export/1.2/}"
SITE_URL = "https://parley.example.org"


def read(path, **options) -> tuple[list, ReadStats, WxrReader]:
    stats = ReadStats()
    reader = WxrReader(path, stats=stats, **options)
    return list(reader), stats, reader


def groups_of(records) -> dict[str, ArticleGroup]:
    return {r.article.source_id: r for r in records if isinstance(r, ArticleGroup)}


def comments_of(records) -> dict:
    return {c.source_id: c for group in groups_of(records).values() for c in group.comments}


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# The reader, on fixtures written from the published format


def test_source_names_the_site_from_base_site_url():
    """The source is the channel's base_site_url, scheme and host lower-cased, no slash."""
    _, _, reader = read(SITE)
    assert reader.source == "wordpress https://notes.example.net"


def test_source_falls_back_to_the_channel_link(tmp_path):
    """Without base_site_url the channel's <link> names the site, not the icon's."""
    path = tmp_path / "no_base.xml"
    path.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.0/"><channel>'
        "<link>https://Old.Example.com/blog/</link>"
        "<image><title>Icon</title><link>https://cdn.example.com/</link></image>"
        "<wp:wxr_version>1.0</wp:wxr_version>"
        "<item><title>Hello</title><wp:post_id>1</wp:post_id><wp:status>publish</wp:status>"
        "<wp:post_type>post</wp:post_type></item></channel></rss>",
        encoding="utf-8",
    )
    records, _, reader = read(path)
    assert reader.source == "wordpress https://old.example.com/blog"
    assert groups_of(records)["1"].article.title == "Hello"


def test_authors_come_first_with_non_ascii_names():
    """Every wp:author is an AuthorRecord, yielded before any post."""
    records, _, _ = read(SITE)
    assert [type(r) for r in records[:2]] == [AuthorRecord, AuthorRecord]
    assert all(isinstance(r, ArticleGroup) for r in records[2:])
    oksana, jurgen = records[:2]
    assert (oksana.source_id, oksana.login, oksana.email) == (
        "3", "oksana", "oksana@notes.example.net"
    )  # fmt: skip
    assert (oksana.display_name, oksana.first_name, oksana.last_name) == (
        "Оксана Коваленко", "Оксана", "Коваленко"
    )  # fmt: skip
    assert (jurgen.display_name, jurgen.last_name) == ("Jürgen Weiß", "Weiß")


def test_only_posts_become_articles_and_the_rest_is_counted():
    """Pages, attachments, menu items, trashed posts and auto-drafts are skipped and counted,
    their comments unread."""
    records, stats, _ = read(SITE)
    assert sorted(groups_of(records)) == ["101", "102", "103", "104"]
    assert stats.skipped == {
        "page": 1, "attachment": 1, "nav_menu_item": 1, "trashed post": 1, "auto-draft": 1,
        "pingback": 1, "trackback": 1,
    }  # fmt: skip
    assert not {"701", "801"} & set(comments_of(records))


def test_post_fields():
    """A post's permalink, slug, HTML body, excerpt as text, author and GMT date are read."""
    article = groups_of(read(SITE)[0])["101"].article
    assert article.title == "Up the ridge before the rain"
    assert article.url == "https://notes.example.net/2023/10/up-the-ridge/"
    assert article.slug == "up-the-ridge"
    assert article.body_html.startswith("<p>We left at dawn &amp; reached the top by nine.</p>")
    assert article.standfirst == "A short climb, a long view & a wet descent."
    assert article.author_logins == ("oksana",)
    assert article.published_at == at(2023, 10, 15, 6, 45)
    assert (article.status, article.comments_open) == (Article.Status.PUBLISHED, True)


def test_post_statuses_and_dates():
    """publish, future and draft map to Parley's statuses; closed comments stay closed; a
    draft whose GMT date WordPress never fixed has no publication time."""
    groups = groups_of(read(SITE)[0])
    assert groups["102"].article.comments_open is False
    assert groups["104"].article.status == Article.Status.SCHEDULED
    assert groups["104"].article.published_at == at(2024, 3, 20, 5, 0)
    draft = groups["103"].article
    assert (draft.status, draft.published_at, draft.slug) == (Article.Status.DRAFT, None, "")


def test_every_comment_approved_value_maps_to_a_status():
    """1, 0, spam, trash and post-trashed map as the issue says; an unknown value is held
    with a warning naming the comment."""
    records, stats, _ = read(SITE)
    statuses = {cid: c.status for cid, c in comments_of(records).items()}
    assert {cid: statuses[cid] for cid in ("501", "503", "504", "505", "506", "507")} == {
        "501": CommentStatus.PUBLISHED,
        "503": CommentStatus.HELD,
        "504": CommentStatus.SPAM,
        "505": CommentStatus.REMOVED,
        "506": CommentStatus.REMOVED,
        "507": CommentStatus.HELD,
    }
    assert stats.warnings == ["comment 507: unknown comment_approved 'needs-review', held"]


def test_parley_status_meta_restores_the_exact_status():
    """Our exporter's _parley_status meta wins over comment_approved; pending becomes held,
    since imported comments are never scored."""
    comments = comments_of(read(SITE)[0])
    assert comments["510"].status == CommentStatus.DELETED
    assert comments["511"].status == CommentStatus.HELD


def test_pingbacks_and_trackbacks_are_skipped_and_counted():
    """Pingbacks and trackbacks are not comments; "", "comment" and "review" are."""
    records, stats, _ = read(SITE)
    comments = comments_of(records)
    assert not {"508", "509"} & set(comments)
    assert (stats.skipped["pingback"], stats.skipped["trackback"]) == (1, 1)
    assert {"502", "602"} <= set(comments)  # comment_type "" and "review"


def test_comment_fields_and_threading():
    """Author, email, URL, IP, user and parent are read; "0" and "" mean none."""
    comments = comments_of(read(SITE)[0])
    first, reply = comments["501"], comments["502"]
    assert (first.author_name, first.author_email, first.author_url) == (
        "Дмитро", "dmytro@mail.example.com", "https://dmytro.example.com"
    )  # fmt: skip
    assert (first.ip_address, first.parent_source_id, first.user_source_id) == (
        "198.51.100.23", "", ""
    )  # fmt: skip
    assert (reply.parent_source_id, reply.user_source_id, reply.ip_address) == ("501", "3", None)
    assert comments["503"].author_name == "Grüße aus Köln 🌧️"
    assert comments["503"].ip_address == "2001:db8::7"


def test_comment_html_and_entities_pass_through_unsanitised():
    """XML entities are decoded, HTML entities and markup (even a script) are left for the
    writer's sanitiser, and a CDATA section split around "]]>" is joined again."""
    comments = comments_of(read(SITE)[0])
    assert comments["501"].html.endswith("It&#8217;s on my list &amp; soon.")
    assert comments["502"].html == (
        "The north path & then the stream bed \u2014 it\u2019s steep, so "
        '<a href="https://maps.example.org/ridge">here is the map</a>.'
    )
    assert comments["503"].html == (
        'Nice <script>alert("hi")</script> photos, but the <b>bold</b> claim about ]]> '
        '"nine" is doubtful.'
    )


def test_comment_dates_are_aware_and_gmt_wins():
    """comment_date_gmt gives the instant; the local comment_date is not consulted."""
    comments = comments_of(read(SITE, site_timezone=KYIV)[0])
    assert comments["501"].submitted_at == at(2023, 10, 15, 9, 10)
    assert comments["602"].submitted_at == at(2024, 1, 10, 20, 0)


def test_zero_gmt_date_falls_back_to_the_local_date_in_the_site_time_zone():
    """With comment_date_gmt all zeros, comment_date is read in the site's time zone."""
    in_kyiv = comments_of(read(SITE, site_timezone=KYIV)[0])["601"].submitted_at
    in_utc = comments_of(read(SITE)[0])["601"].submitted_at
    assert in_kyiv == at(2024, 6, 30, 21, 30)  # 00:30 in Kyiv's summer time, UTC+3
    assert in_utc == at(2024, 7, 1, 0, 30)


def test_comment_and_post_lines_point_into_the_file():
    """Each record's line is where its element starts, for warnings."""
    lines = SITE.read_text(encoding="utf-8").splitlines()
    records = read(SITE)[0]
    comment = comments_of(records)["503"]
    assert lines[comment.line - 1].strip() == "<wp:comment>"
    assert "<wp:comment_id>503</wp:comment_id>" in lines[comment.line]
    group = groups_of(records)["102"]
    assert lines[group.line - 1].strip() == "<item>"
    assert "Plum cake" in lines[group.line]


def test_thread_ten_levels_deep_keeps_every_parent():
    """A thread ten replies deep, listed deepest first, arrives whole with its parents."""
    records, _, reader = read(FIXTURES / "wxr_deep_thread.xml")
    (group,) = groups_of(records).values()
    parents = {c.source_id: c.parent_source_id for c in group.comments}
    assert len(parents) == 10
    depth, node = 1, "910"
    while parents[node]:
        node, depth = parents[node], depth + 1
    assert (node, depth) == ("901", 10)
    assert reader.source == "wordpress https://threads.example.org"


def test_wxr_1_1_namespace_is_read():
    """An export in the WXR 1.1 namespace, compact and without CDATA, reads the same."""
    records, stats, reader = read(FIXTURES / "wxr_1_1.xml")
    # The blog's own address names it: sub-sites of a multisite network share base_site_url.
    assert reader.source == "wordpress http://garden.example.com/diary"
    assert records[0].login == "gardener"
    group = groups_of(records)["12"]
    assert group.article.published_at == at(2011, 4, 20, 17, 0)
    (comment,) = group.comments
    assert (comment.source_id, comment.author_email, comment.status) == (
        "31", "next.door@mail.example.com", CommentStatus.PUBLISHED
    )  # fmt: skip
    assert comment.submitted_at == at(2011, 4, 21, 7, 15)
    assert stats.skipped == {}


def test_truncated_file_fails_with_the_line_where_it_stops():
    """A file cut off mid-comment raises SourceFileError with the line of the cut."""
    with pytest.raises(SourceFileError) as error:
        read(FIXTURES / "wxr_truncated.xml")
    assert error.value.line == 94
    assert "unclosed" in error.value.message


def test_a_latin1_file_declared_utf8_says_what_it_is(tmp_path):
    """A site's export saved again in Latin-1 by an editor, its first line still saying
    UTF-8: the error names the line and why, not just "invalid token"."""
    text = SITE.read_text(encoding="utf-8")
    assert 'encoding="UTF-8"' in text and "é" not in text.splitlines()[0]
    resaved = tmp_path / "resaved.xml"
    resaved.write_bytes(
        text.replace("</wp:comment_author>", "é</wp:comment_author>", 1).encode(
            "latin-1", "replace"
        )
    )
    with pytest.raises(SourceFileError) as error:
        read(resaved)
    expected_line = next(
        n
        for n, line in enumerate(resaved.read_bytes().splitlines(), 1)
        if line.decode("utf-8", "replace").encode("utf-8") != line
    )
    assert error.value.line == expected_line
    assert "That line is not UTF-8" in error.value.message
    assert "Latin-1 or Windows-1252" in error.value.message


def test_a_malformed_utf8_file_is_not_called_latin1(tmp_path):
    """An ordinary syntax error in a UTF-8 file gets no word about encodings."""
    text = SITE.read_text(encoding="utf-8")
    broken = tmp_path / "broken.xml"
    broken.write_text(text.replace("</wp:comment_author>", "<</wp:comment_author>", 1), "utf-8")
    with pytest.raises(SourceFileError) as error:
        read(broken)
    assert "not well-formed" in error.value.message and "UTF-8" not in error.value.message


def test_billion_laughs_is_refused():
    """Entity declarations are refused before any expansion, with their line."""
    with pytest.raises(SourceFileError) as error:
        read(FIXTURES / "wxr_billion_laughs.xml")
    assert "entity declarations are refused" in error.value.message
    assert "entity-expansion" in error.value.message
    assert error.value.line == 3


def test_external_entity_is_refused():
    """An entity naming a local file is refused, and nothing of the file is read."""
    with pytest.raises(SourceFileError) as error:
        read(FIXTURES / "wxr_external_entity.xml")
    assert "external-entity attack" in error.value.message
    assert error.value.line == 4


def test_external_dtd_is_refused():
    """A DOCTYPE pointing at an external DTD is refused rather than half-read."""
    with pytest.raises(SourceFileError) as error:
        read(FIXTURES / "wxr_external_dtd.xml")
    assert "external references are refused" in error.value.message


@pytest.mark.parametrize(
    ("body", "message"),
    [
        # Named as the file names it, with the format to choose instead.
        ('<disqus xmlns="http://disqus.com"><thread/></disqus>',
         "the document is <disqus>, not <rss>: it is a Disqus export: import it as Disqus XML"),
        ("<rss><channel><title>Feed</title><item><title>x</title></item></channel></rss>",
         "no wp:wxr_version"),
        ("<rss><title>No channel</title></rss>", "no <channel>"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_wxr_is_refused(tmp_path, body, message):
    """Another XML format, a plain RSS feed or an rss without a channel is not read as WXR."""
    path = tmp_path / "other.xml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(SourceFileError, match=message):
        read(path)


def test_a_site_without_posts_still_names_its_source(tmp_path):
    """The export of an empty site reads as nothing, without error."""
    path = tmp_path / "empty.xml"
    path.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><link>https://e.example/'
        "</link><wp:wxr_version>1.2</wp:wxr_version></channel></rss>",
        encoding="utf-8",
    )
    records, _, reader = read(path)
    assert (records, reader.source) == ([], "wordpress https://e.example")


def test_a_field_longer_than_a_read_chunk_arrives_whole(tmp_path):
    """Text spanning several reads of the file is joined, not cut at a read boundary."""
    body = "<p>" + "word " * (CHUNK_BYTES // 2) + "</p>"
    path = tmp_path / "long.xml"
    path.write_text(_generated_wxr(posts=1, comments_per_post=1, content=body), encoding="utf-8")
    comment = next(iter(comments_of(read(path)[0]).values()))
    assert comment.html == body


def test_progress_is_reported_per_post_and_at_the_end():
    """progress(done, total) comes with each post and finally with the whole file."""
    calls = []
    records, _, _ = read(SITE, progress=lambda done, total: calls.append((done, total)))
    size = SITE.stat().st_size
    assert len(calls) == len(groups_of(records)) + 1
    assert calls[-1] == (size, size)
    assert all(done <= total == size for done, total in calls)


def test_memory_does_not_grow_with_the_file(tmp_path):
    """Reading four times the posts takes about the same peak memory."""
    peaks = []
    for posts in (100, 400):
        path = tmp_path / f"{posts}.xml"
        path.write_text(_generated_wxr(posts=posts, comments_per_post=20), encoding="utf-8")
        tracemalloc.start()
        for _ in WxrReader(path, stats=ReadStats()):
            pass
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < peaks[0] * 1.5


def _generated_wxr(*, posts: int, comments_per_post: int, content: str = "") -> str:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel>\n'
        "<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://gen.example</wp:base_site_url>\n"
    ]
    for post in range(1, posts + 1):
        parts.append(
            f"<item><title>Post {post}</title><content:encoded><![CDATA[<p>Body {post}</p>]]>"
            f"</content:encoded><wp:post_id>{post}</wp:post_id><wp:status>publish</wp:status>"
            "<wp:post_type>post</wp:post_type>\n"
        )
        for n in range(comments_per_post):
            cid = post * 1000 + n
            parts.append(
                f"<wp:comment><wp:comment_id>{cid}</wp:comment_id><wp:comment_content><![CDATA["
                f"{content or f'Comment {cid}, long enough to look like one.'}]]>"
                "</wp:comment_content><wp:comment_date_gmt>2020-01-01 00:00:00"
                "</wp:comment_date_gmt><wp:comment_approved>1</wp:comment_approved>"
                f"<wp:comment_parent>{cid - 1 if n else 0}</wp:comment_parent></wp:comment>\n"
            )
        parts.append("</item>\n")
    parts.append("</channel></rss>\n")
    return "".join(parts)


# The exporter, on a site made through the services

ITEM_FIELDS = [
    "title", "link", "pubDate", "{http://purl.org/dc/elements/1.1/}creator", "guid",
    "description", "{http://purl.org/rss/1.0/modules/content/}encoded",
    "{http://wordpress.org/export/1.2/excerpt/}encoded",
    *(WP + f for f in (
        "post_id", "post_date", "post_date_gmt", "post_modified", "post_modified_gmt",
        "comment_status", "ping_status", "post_name", "status", "post_parent", "menu_order",
        "post_type", "post_password", "is_sticky",
    )),
]  # fmt: skip
COMMENT_FIELDS = [
    WP + f for f in (
        "comment_id", "comment_author", "comment_author_email", "comment_author_url",
        "comment_author_IP", "comment_date", "comment_date_gmt", "comment_content",
        "comment_approved", "comment_type", "comment_parent", "comment_user_id", "commentmeta",
    )
]  # fmt: skip
AUTHOR_FIELDS = [
    WP + f for f in (
        "author_id", "author_login", "author_email", "author_display_name", "author_first_name",
        "author_last_name",
    )
]  # fmt: skip


@pytest.fixture
def site(make_article, author, post):
    """A published article with a thread in every status, and a draft."""
    article = make_article(title="Über Brücken", authors=[author])
    Article.objects.filter(pk=article.pk).update(standfirst="Bridges & the rivers <under> them.")
    first = post(article, "The first comment", name="Оксана", email="o@mail.example.com")
    reply = post(article, "A reply", reply_to=first.pk, name="Jürgen")
    deeper = post(article, "Deeper", reply_to=reply.pk, status=CommentStatus.PENDING)
    # Held only now: the service takes no replies to a held comment.
    comment_transition(comment_id=reply.pk, to_status=CommentStatus.HELD, actor_label="test")
    others = {
        status: post(article, f"A {status} comment", status=status)
        for status in (CommentStatus.SPAM, CommentStatus.REMOVED, CommentStatus.DELETED)
    }
    moment = datetime(2024, 7, 1, 21, 30, 15, 123456, tzinfo=UTC)
    Comment.objects.filter(pk=first.pk).update(
        submit_date=moment, ip_address="198.51.100.9", user_url="https://o.example.com"
    )
    Comment.objects.filter(pk=deeper.pk).update(
        comment_html='<p>Tricky ]]> text &amp; <a href="https://x.example">a link</a></p>'
    )
    draft = make_article(title="Not yet", publish=False)
    return {"article": article, "draft": draft, "first": first, "reply": reply,
            "deeper": deeper, **others}  # fmt: skip


def export(**options) -> tuple[bytes, dict]:
    out = io.BytesIO()
    counts = wordpress_export(
        out=out, site_url=SITE_URL + "/", site_title="Parley & friends", **options
    )
    return out.getvalue(), counts


@pytest.mark.django_db
def test_export_uses_wordpress_field_set_and_order(site):
    """Channel, authors, items and comments carry WordPress's own fields in its order."""
    data, counts = export()
    assert counts == {"articles": 2, "comments": 6, "authors": 1}
    channel = DefusedET.fromstring(data).find("channel")
    assert channel.findtext(WP + "wxr_version") == "1.2"
    assert channel.findtext(WP + "base_site_url") == SITE_URL
    assert channel.findtext(WP + "base_blog_url") == SITE_URL
    assert channel.findtext("title") == "Parley & friends"
    (author,) = channel.findall(WP + "author")
    assert [child.tag for child in author] == AUTHOR_FIELDS
    assert author.findtext(WP + "author_login") == "author"
    assert author.findtext(WP + "author_display_name") == "Ada Writer"
    items = channel.findall("item")
    assert [child.tag for child in items[0]][: len(ITEM_FIELDS)] == ITEM_FIELDS
    comments = items[0].findall(WP + "comment")
    assert len(comments) == 6
    assert all([child.tag for child in c] == COMMENT_FIELDS for c in comments)
    assert items[0].findtext("link") == SITE_URL + site["article"].get_absolute_url()
    assert items[0].findtext(WP + "status") == "publish"
    assert items[1].findtext(WP + "status") == "draft"
    assert items[1].findtext(WP + "post_date_gmt") == "0000-00-00 00:00:00"


@pytest.mark.django_db
def test_export_comment_values(site):
    """comment_approved follows WordPress's values, the exact status rides in comment meta,
    and dates are local and GMT to the second."""
    items = DefusedET.fromstring(export(site_timezone=KYIV)[0]).iter("item")
    comments = {c.findtext(WP + "comment_id"): c for c in next(items).iter(WP + "comment")}
    approved = {
        site[key].pk: comments[str(site[key].pk)].findtext(WP + "comment_approved")
        for key in ("first", "reply", "deeper", "spam", "removed", "deleted")
    }
    assert list(approved.values()) == ["1", "0", "0", "spam", "trash", "trash"]
    meta = comments[str(site["deleted"].pk)].find(WP + "commentmeta")
    assert (meta.findtext(WP + "meta_key"), meta.findtext(WP + "meta_value")) == (
        "_parley_status", "deleted"
    )  # fmt: skip
    first = comments[str(site["first"].pk)]
    assert first.findtext(WP + "comment_date_gmt") == "2024-07-01 21:30:15"
    assert first.findtext(WP + "comment_date") == "2024-07-02 00:30:15"  # Kyiv, UTC+3
    assert first.findtext(WP + "comment_parent") == "0"
    assert comments[str(site["reply"].pk)].findtext(WP + "comment_parent") == str(site["first"].pk)


@pytest.mark.django_db
def test_export_reads_back_the_same_site(site, tmp_path):
    """WxrReader gives back the articles, comments, parents, statuses and dates."""
    path = tmp_path / "export.xml"
    path.write_bytes(export(site_timezone=KYIV)[0])
    records, stats, reader = read(path, site_timezone=KYIV)
    assert reader.source == "wordpress " + SITE_URL
    assert stats.warnings == [] and stats.skipped == {}
    assert [(a.login, a.first_name) for a in records if isinstance(a, AuthorRecord)] == [
        ("author", "Ada")
    ]
    groups = groups_of(records)
    article, draft = site["article"], site["draft"]
    read_article = groups[str(article.pk)].article
    assert (read_article.title, read_article.slug, read_article.status) == (
        "Über Brücken", article.slug, Article.Status.PUBLISHED
    )  # fmt: skip
    assert read_article.url == SITE_URL + article.get_absolute_url()
    assert read_article.published_at == article.published_at.replace(microsecond=0)
    assert read_article.standfirst == "Bridges & the rivers <under> them."
    assert read_article.body_html == article.body_html
    assert read_article.author_logins == ("author",)
    assert (groups[str(draft.pk)].article.status, groups[str(draft.pk)].article.published_at) == (
        Article.Status.DRAFT, None
    )  # fmt: skip

    stored = {str(c.pk): c for c in Comment.objects.filter(article=article)}
    read_back = {c.source_id: c for c in groups[str(article.pk)].comments}
    assert set(read_back) == set(stored)
    for pk, comment in stored.items():
        record = read_back[pk]
        parent = "" if comment.parent_id == comment.pk else str(comment.parent_id)
        expected_status = (
            CommentStatus.HELD if comment.status == CommentStatus.PENDING else comment.status
        )
        assert (record.parent_source_id, record.status) == (parent, expected_status)
        assert record.submitted_at == comment.submit_date.replace(microsecond=0)
        assert (record.author_name, record.author_email) == (comment.user_name, comment.user_email)
        assert record.html == comment.comment_html
    first = read_back[str(site["first"].pk)]
    assert (first.ip_address, first.author_url) == ("198.51.100.9", "https://o.example.com")
    assert "]]>" in read_back[str(site["deeper"].pk)].html


@pytest.mark.django_db
def test_export_drops_characters_xml_cannot_carry(site):
    """A control character in a comment is left out rather than breaking the file (NUL
    is not among them: PostgreSQL cannot store it, and Parley strips it on the way in)."""
    Comment.objects.filter(pk=site["first"].pk).update(comment_html="<p>bell\x07 and vt\x0b</p>")
    root = DefusedET.fromstring(export()[0])
    contents = [c.findtext(WP + "comment_content") for c in root.iter(WP + "comment")]
    assert "<p>bell and vt</p>" in contents


@pytest.mark.django_db
def test_export_of_an_empty_site_is_a_valid_file(tmp_path):
    """With nothing to export, the file is still a WXR the reader accepts."""
    path = tmp_path / "empty.xml"
    path.write_bytes(export()[0])
    records, _, reader = read(path)
    assert (records, reader.source) == ([], "wordpress " + SITE_URL)


@pytest.mark.django_db
def test_scheduled_article_exports_as_future(make_article, author):
    """A scheduled article is a "future" post, and reads back scheduled at its time."""
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    article = make_article(title="Soon", authors=[author])
    Article.objects.filter(pk=article.pk).update(status=Article.Status.SCHEDULED, published_at=when)
    item = DefusedET.fromstring(export()[0]).find("channel/item")
    assert item.findtext(WP + "status") == "future"
    assert item.findtext(WP + "post_date_gmt") == when.strftime("%Y-%m-%d %H:%M:%S")
