"""The import writer, driven through `manage.py import_wordpress`: what lands in the site,
in what shape, and what a bad or repeated file does."""

import io
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.models import Article
from comments.models import Comment, CommentStatus, Thread
from comments.services import article_comment_count_recount, thread_recount
from moderation.models import ModerationEvent, SpamVerdict
from transfer.models import ImportRun, SourceRecord
from transfer.wxr_writer import wordpress_export

from . import wxr_build as W

pytestmark = pytest.mark.django_db


def run_import(path, *args, capture=None) -> str:
    out = io.StringIO()
    if capture is not None:
        with capture(execute=True):
            call_command("import_wordpress", str(path), "--no-progress", *args, stdout=out)
    else:
        call_command("import_wordpress", str(path), "--no-progress", *args, stdout=out)
    return out.getvalue()


def by_source(source_id: str) -> Comment:
    record = SourceRecord.objects.get(kind="comment", source_id=source_id)
    return Comment.objects.get(pk=record.object_id)


def site_rows() -> dict:
    return {
        "articles": Article.objects.count(),
        "comments": Comment.objects.count(),
        "threads": Thread.objects.count(),
        "users": get_user_model().objects.count(),
        "records": SourceRecord.objects.count(),
    }


def test_a_wordpress_export_becomes_articles_threads_and_statuses(tmp_path):
    path = W.write(
        tmp_path / "blog.xml",
        W.post(
            1,
            W.comment(1)
            + W.comment(2, parent=1, status="0")
            + W.comment(3, status="spam")
            + W.comment(4, status="trash")
            + W.comment(5, kind="pingback")
            + W.comment(6, kind="trackback"),
        ),
        W.post(2, W.comment(7), post_type="page"),
        W.post(3, post_type="attachment"),
    )
    output = run_import(path)
    assert "Comments: 4 added (1 held, 1 published, 1 removed, 1 spam)" in output
    assert "1 pingback" in output and "1 trackback" in output and "1 page" in output

    article = Article.objects.get()
    assert (article.slug, article.title, article.status) == ("post-1", "Post 1", "published")
    assert article.body_html == "<p>First paragraph.</p><p>Second.</p>"
    assert [a.username for a in article.authors.all()] == ["maria"]
    assert article.authors.get().groups.filter(name="Authors").exists()
    first, reply = by_source("1"), by_source("2")
    assert (first.status, reply.status) == (CommentStatus.PUBLISHED, CommentStatus.HELD)
    assert (by_source("3").status, by_source("4").status) == ("spam", "removed")
    assert (reply.parent_id, reply.thread_id, reply.level) == (first.pk, first.pk, 1)
    assert (first.is_public, reply.is_public, by_source("4").is_removed) == (True, False, True)
    assert first.ip_address == "203.0.113.5"
    assert first.submit_date == datetime(2021, 3, 4, 10, 0, tzinfo=UTC)
    article.refresh_from_db()
    assert article.comment_count == 1


def test_counts_kept_by_the_import_are_what_a_recount_finds(tmp_path):
    statuses = ["1", "0", "1", "spam", "1", "trash", "1", "1"]
    comments = "".join(
        W.comment(
            n,
            parent=0 if n % 4 == 1 else n - 1,
            status=statuses[n % len(statuses)],
            date=f"2021-03-04 10:{n:02d}:00",
        )
        for n in range(1, 30)
    )
    run_import(W.write(tmp_path / "blog.xml", W.post(1, comments)))

    def snapshot():
        return (
            sorted(Comment.objects.values_list("pk", "nested_count")),
            sorted(Thread.objects.values_list("pk", "listed", "published_count")),
            list(Article.objects.values_list("comment_count", flat=True)),
        )

    imported = snapshot()
    for thread_id in Thread.objects.values_list("pk", flat=True):
        thread_recount(thread_id=thread_id)
    article_comment_count_recount(article_id=Article.objects.get().pk)
    assert snapshot() == imported
    assert imported[2] == [Comment.objects.filter(status="published").count()]


def _shape(article) -> list[tuple]:
    """Each comment's level and the rank of its parent, in thread order."""
    rows = list(
        Comment.objects.filter(article=article)
        .order_by("thread_id", "order")
        .values_list("pk", "parent_id", "level")
    )
    rank = {pk: at for at, (pk, _, _) in enumerate(rows)}
    return [(level, rank[parent]) for _, parent, level in rows]


def test_a_deep_thread_takes_the_shape_live_posting_gives_it(tmp_path, make_article, post):
    # A chain ten replies deep, with a late reply to the second comment.
    chain = [(n, n - 1) for n in range(1, 11)] + [(11, 2), (12, 10)]
    comments = "".join(
        W.comment(n, parent=parent, date=f"2021-03-04 10:{n:02d}:00") for n, parent in chain
    )
    run_import(W.write(tmp_path / "blog.xml", W.post(1, comments)))
    imported = Article.objects.get(slug="post-1")

    live = make_article(title="Posted live")
    posted = {}
    for n, parent in chain:
        posted[n] = post(live, f"live {n}", reply_to=posted[parent].pk if parent else 0)
    assert _shape(imported) == _shape(live)
    assert max(level for level, _ in _shape(imported)) == 4  # PARLEY_THREAD_DEPTH 5


def test_a_reply_whose_parent_is_missing_starts_its_own_thread_with_a_warning(tmp_path):
    path = W.write(tmp_path / "blog.xml", W.post(1, W.comment(1) + W.comment(2, parent=99)))
    output = run_import(path)
    orphan = by_source("2")
    assert (orphan.level, orphan.thread_id, orphan.parent_id) == (0, orphan.pk, orphan.pk)
    assert "comment 2: its parent 99 is not among this article's comments" in output
    assert Thread.objects.filter(pk=orphan.pk, listed=True).exists()


def test_a_parent_under_another_article_or_itself_is_named_truly_in_the_warning(tmp_path):
    """A reply naming a comment of another article (in the same file), or itself, starts
    its own thread, and the warning does not claim that parent is missing from the file."""
    path = W.write(
        tmp_path / "blog.xml",
        W.post(1, W.comment(1)),
        W.post(2, W.comment(2, parent=1) + W.comment(3, parent=3)),
    )
    output = run_import(path)
    assert "is not in the file" not in output
    assert "comment 2: its parent 1 is not among this article's comments" in output
    assert "comment 3: it names itself as its parent; attached at the top level" in output
    for source_id in ("2", "3"):
        orphan = by_source(source_id)
        assert (orphan.level, orphan.thread_id) == (0, orphan.pk)


def test_comment_html_is_sanitised_and_links_keep_their_text(tmp_path, client):
    hostile = (
        '<p>Hi <a href="https://friend.example/">friend</a><script>alert(1)</script>'
        '<img src="x" onerror="alert(2)"> <a href="javascript:alert(3)">clicky</a> '
        "&amp; it&#8217;s <b>fine</b></p>"
    )
    run_import(W.write(tmp_path / "blog.xml", W.post(1, W.comment(1, text=hostile))))
    comment = by_source("1")
    for danger in ("<script", "onerror", "javascript:", "alert(1)", "<img"):
        assert danger not in comment.comment_html
    assert '<a href="https://friend.example/" rel="nofollow ugc noopener">friend</a>' in (
        comment.comment_html
    )
    assert "clicky" in comment.comment_html
    assert "it\u2019s <strong>fine</strong>" in comment.comment_html  # WordPress's <b>
    assert comment.comment == "Hi [friend](https://friend.example/) clicky & it\u2019s **fine**"
    page = client.get(reverse("articles:detail", kwargs={"slug": "post-1"}))
    assert ">friend</a>" in page.content.decode() and "<script>alert" not in page.content.decode()


def test_names_and_dates_keep_their_letters_and_their_instants(tmp_path):
    path = W.write(
        tmp_path / "blog.xml",
        W.post(
            1,
            W.comment(1, name="Олена Шевченко 🌻", date="2021-03-04 12:00:00",
                      date_gmt="2021-03-04 10:00:00")
            + W.comment(2, name="Jörg Weiß", date="2021-03-04 12:00:00",
                        date_gmt="0000-00-00 00:00:00"),
        ),
    )  # fmt: skip
    run_import(path, "--timezone", "Europe/Kyiv")
    first, second = by_source("1"), by_source("2")
    assert first.user_name == "Олена Шевченко 🌻" and second.user_name == "Jörg Weiß"
    assert first.submit_date == datetime(2021, 3, 4, 10, 0, tzinfo=UTC)
    # No GMT date: the local one, read in the zone given (Kyiv is UTC+2 in March).
    assert second.submit_date == datetime(2021, 3, 4, 10, 0, tzinfo=UTC)


def test_guest_names_that_read_as_accounts_are_imported_as_they_were(tmp_path, make_user):
    """The comment form refuses a guest's name that reads as an account's; an import keeps
    the names its guests were shown under, as guests' (no account, so no Member badge)."""
    make_user("admin")
    path = W.write(
        tmp_path / "blog.xml",
        W.post(1, W.comment(1, name="admin") + W.comment(2, name="Maria Keller")),
    )
    run_import(path)
    first, second = by_source("1"), by_source("2")
    assert (first.user_name, first.user_id) == ("admin", None)
    assert (second.user_name, second.user_id) == ("Maria Keller", None)


def test_the_same_file_twice_changes_nothing(tmp_path):
    path = W.write(tmp_path / "blog.xml", W.post(1, W.comment(1) + W.comment(2, parent=1)))
    run_import(path)
    before = site_rows()
    again = run_import(path)
    assert "imported already" in again and site_rows() == before
    forced = run_import(path, "--force")
    assert "Comments: 0 added; 2 already imported." in forced
    assert site_rows() == before


def test_a_newer_export_adds_only_what_is_new_in_its_place(tmp_path):
    old = W.comment(1, date="2021-03-04 10:00:00") + W.comment(
        2, parent=1, date="2021-03-04 10:05:00"
    ) + W.comment(3, date="2021-03-04 10:10:00")  # fmt: skip
    run_import(W.write(tmp_path / "old.xml", W.post(1, old)))
    new = (
        old
        + W.comment(4, parent=1, date="2021-03-04 11:00:00")
        + W.comment(5, parent=2, date="2021-03-04 11:30:00")
    )
    output = run_import(W.write(tmp_path / "new.xml", W.post(1, new)))
    assert "Comments: 2 added (2 published); 3 already imported." in output
    assert Article.objects.count() == 1
    thread = by_source("1").pk
    in_order = list(
        Comment.objects.filter(thread_id=thread).order_by("order").values_list("pk", "order")
    )
    assert [pk for pk, _ in in_order] == [by_source(s).pk for s in ("1", "2", "5", "4")]
    assert [order for _, order in in_order] == [1, 2, 3, 4]
    assert (by_source("1").nested_count, by_source("2").nested_count) == (3, 1)
    assert Thread.objects.get(pk=thread).published_count == 4


def test_a_dry_run_reports_what_a_run_would_do_and_stores_nothing(tmp_path):
    path = W.write(tmp_path / "blog.xml", W.post(1, W.comment(1) + W.comment(2, status="0")))
    before = site_rows()
    dry = run_import(path, "--dry-run")
    assert "Dry run: nothing was stored." in dry
    assert "Comments: 2 would be added (1 held, 1 published)" in dry
    assert site_rows() == before
    real = run_import(path)
    assert "Comments: 2 added (1 held, 1 published)" in real


def test_a_rerun_says_its_users_and_articles_were_already_imported_not_imported_again(tmp_path):
    """Run again (a newer export, or --force), the report says the users and articles an
    earlier run brought in were already imported, as it says of comments: neither that
    this run imported them nor, dry, that it would."""
    path = W.write(tmp_path / "blog.xml", W.post(1, W.comment(1)))
    run_import(path)
    for extra in ("--force", "--dry-run"):
        again = run_import(path, extra)
        assert "Users: 1 already imported." in again and "Articles: 1 already imported." in again
        assert "would be imported" not in again


def test_a_truncated_file_fails_with_its_line_and_leaves_nothing(tmp_path):
    whole = W.document(W.post(1, W.comment(1)), W.post(2, W.comment(2) + W.comment(3)))
    path = tmp_path / "cut.xml"
    path.write_text(whole[: whole.index("<wp:comment_id>3")], encoding="utf-8")
    before = site_rows()
    with pytest.raises(CommandError, match=r"line \d+.*Nothing was imported"):
        run_import(path)
    assert site_rows() == before
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED and "line" in run.error


LAYERS = [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("e", "f"), ("f", "g"), ("g", "h"),
          ("h", "i")]  # fmt: skip


def test_entity_expansion_is_refused(tmp_path):
    lol = (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {c} "&{p};&{p};&{p};&{p};&{p};">' for p, c in LAYERS)
        + ']>\n<rss version="2.0"><channel><title>&i;</title></channel></rss>\n'
    )
    path = tmp_path / "lol.xml"
    path.write_text(lol, encoding="utf-8")
    before = site_rows()
    with pytest.raises(CommandError, match=r"(?i)entit"):
        run_import(path)
    assert site_rows() == before


def test_imported_comments_are_not_scored_and_nobody_is_told(
    tmp_path, mailoutbox, django_capture_on_commit_callbacks
):
    path = W.write(
        tmp_path / "blog.xml",
        W.post(1, W.comment(1, email="a@example.com") + W.comment(2, parent=1, status="0")),
    )
    run_import(path, capture=django_capture_on_commit_callbacks)
    assert mailoutbox == []
    assert not SpamVerdict.objects.exists() and not ModerationEvent.objects.exists()
    assert not Comment.objects.filter(followup=True).exists()


def test_the_cached_page_shows_imported_comments_at_once(
    tmp_path, client, settings, author, django_capture_on_commit_callbacks
):
    from articles.services import article_create

    settings.PARLEY_PAGE_CACHE_SECONDS = 60
    article = article_create(
        title="Already here", slug="post-1", body="Text.", authors=[author], publish=True
    )
    url = article.get_absolute_url()
    assert "Imported words" not in client.get(url).content.decode()
    output = run_import(
        W.write(tmp_path / "blog.xml", W.post(1, W.comment(1, text="Imported words"))),
        capture=django_capture_on_commit_callbacks,
    )
    assert "Articles: 1 matched." in output
    assert "Imported words" in client.get(url).content.decode()


def test_imported_comments_are_no_news_to_authors_or_moderators(
    tmp_path, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    """Comments published years ago on the old site are not listed as new: not in the
    author's digest, not on the moderators' recently published tab."""
    from allauth.account.models import EmailAddress

    from articles.services import article_create
    from moderation import selectors_queue
    from readers.services import author_digests_send

    writer = make_user("writer", email="writer@example.com")
    EmailAddress.objects.create(user=writer, email=writer.email, verified=True, primary=True)
    article_create(title="Already here", slug="post-1", body="Text.", authors=[writer],
                   publish=True)  # fmt: skip
    path = W.write(tmp_path / "blog.xml", W.post(1, W.comment(1) + W.comment(2, parent=1)))
    run_import(path, capture=django_capture_on_commit_callbacks)
    assert author_digests_send() == 0
    assert mailoutbox == []
    assert not selectors_queue.tab_queryset("published").exists()
    imported = by_source("1")
    assert imported.status == CommentStatus.PUBLISHED
    assert (
        imported.status_changed_at == imported.submit_date == datetime(2021, 3, 4, 10, tzinfo=UTC)
    )


def test_moderators_search_finds_imported_comments(tmp_path, client, moderator):
    run_import(W.write(tmp_path / "blog.xml", W.post(1, W.comment(1, text="quokka sighting"))))
    client.force_login(moderator)
    page = client.get(reverse("moderation:search"), {"q": "quokka"})
    assert page.status_code == 200 and "quokka sighting" in page.content.decode()


def test_an_article_deleted_since_comes_back_with_its_comments(tmp_path):
    path = W.write(tmp_path / "blog.xml", W.post(1, W.comment(1) + W.comment(2, parent=1)))
    run_import(path)
    Article.objects.all().delete()
    again = run_import(path)
    assert "imported already" not in again
    assert "Articles: 1 created." in again and "Comments: 2 added (2 published)" in again
    article = Article.objects.get()
    assert article.comment_count == 2
    assert by_source("2").parent_id == by_source("1").pk


def test_a_file_giving_two_comments_one_id_fails_and_stores_nothing(tmp_path):
    path = W.write(
        tmp_path / "blog.xml", W.post(1, W.comment(5)), W.post(2, W.comment(5, text="Other"))
    )
    before = site_rows()
    with pytest.raises(CommandError, match=r"one id to two comments.*Nothing was imported"):
        run_import(path)
    assert site_rows() == before
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


def test_a_disqus_thread_creates_its_article_under_the_slug_its_address_names(tmp_path):
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n'
        '<category dsq:id="1"><forum>tidewater</forum><title>General</title></category>\n'
        '<thread dsq:id="77"><id>harbour</id><forum>tidewater</forum><category dsq:id="1"/>'
        "<link>https://tides.example/2020/06/harbour-night-notes/</link>"
        "<title>What the harbour says at night</title><createdAt>2020-06-01T20:00:00Z</createdAt>"
        "<isClosed>false</isClosed><isDeleted>false</isDeleted></thread>\n"
        '<post dsq:id="501"><message><![CDATA[<p>Lovely.</p>]]></message>'
        "<createdAt>2020-06-02T08:00:00Z</createdAt><isDeleted>false</isDeleted>"
        "<isSpam>false</isSpam><author><name>Ines</name><email>i@example.org</email></author>"
        '<thread dsq:id="77"/></post>\n</disqus>\n'
    )
    path = tmp_path / "disqus.xml"
    path.write_text(xml, encoding="utf-8")
    out = io.StringIO()
    call_command("import_disqus", str(path), "--no-progress", stdout=out)
    article = Article.objects.get()
    assert article.slug == "harbour-night-notes"
    assert article.title == "What the harbour says at night"
    assert article.comment_count == 1


def test_an_imported_name_is_kept_to_one_line_and_its_own_export_is_recognised(tmp_path):
    """A commenter's name with line breaks (a WordPress that let one through) is stored on
    one line, as posting stores names: its feeds and emails carry no break. Read back, the
    site's own export of it doubles nothing."""
    run_import(W.write(tmp_path / "blog.xml", W.post(1, W.comment(1, name="Carla\r\nBcc: x"))))
    assert by_source("1").user_name == "Carla Bcc: x"
    exported = tmp_path / "own.xml"
    call_command("export_wordpress", "--output", str(exported), stdout=io.StringIO())
    before = Comment.objects.count()
    run_import(exported)
    assert Comment.objects.count() == before


def test_a_sites_own_export_imported_again_makes_no_empty_accounts(
    tmp_path, make_user, make_article, post
):
    """The editor has no address, so the file's "editor" is no proof of being them: before,
    an account "editor-2" was made that owned nothing, since the article was here already."""
    editor = make_user("editor", email="")
    article = make_article(title="Our own post", authors=[editor])
    post(article, "A reader's word")
    exported = tmp_path / "own.xml"
    with exported.open("wb") as out:
        wordpress_export(out=out, site_url="https://parley.example.org/", site_title="Ours")
    before = site_rows()

    output = run_import(exported)

    assert "Users: 1 left out, as nothing new in the file is theirs." in output
    assert "Articles: 1 matched." in output
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["editor"]
    assert site_rows()["users"] == before["users"]


def test_an_author_is_made_once_something_new_in_the_file_is_theirs(tmp_path, make_article):
    """Maria's post is here already (matched by its slug) but a comment she wrote as a
    signed-in user is new: her account is made for it, and it is hers."""
    make_article(title="Post 1")  # slug post-1, as the file's post
    path = W.write(tmp_path / "blog.xml", W.post(1, W.comment(1) + W.comment(2, user_id=7)))

    output = run_import(path)

    assert "Users: 1 created." in output and "Articles: 1 matched." in output
    maria = get_user_model().objects.get(username="maria")
    assert by_source("2").user == maria and by_source("1").user is None
