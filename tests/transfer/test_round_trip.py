"""Leaving and coming back: a site exported as WordPress WXR or as Disqus XML, imported into
an empty Parley, is the same site: articles, comments and their words, threads, statuses."""

import io

import pytest
from django.core.management import call_command

from articles.models import Article
from comments.models import Comment, CommentStatus
from moderation.services import comment_transition

pytestmark = pytest.mark.django_db
TEXTS = [
    "Plain words, a second sentence.",
    "Two paragraphs.\n\nThe *second* one has **strong** words.",
    "A [link with text](https://example.org/page?a=1&b=2) and a bare https://example.net/x",
    "> quoted line\n\nThen an answer with `code`.",
    "Ünïcödé, кирилиця and emoji 🌊",
]


@pytest.fixture
def site(make_article, make_user, post, author):
    """Two articles and a draft; threads six replies deep, every status, varied text."""
    first = make_article(title="Harbour lights", authors=[author])
    second = make_article(title="Night ferries", authors=[author])
    make_article(title="Not yet", publish=False, authors=[author])
    reader = make_user("reader", email="reader@example.org")
    parent = 0
    for depth in range(6):
        parent = post(first, TEXTS[depth % len(TEXTS)], reply_to=parent,
                      name=f"Writer {depth}", email=f"w{depth}@example.org").pk  # fmt: skip
    top = post(second, TEXTS[2], name="Guest", url="https://guest.example")
    post(second, TEXTS[4], reply_to=top.pk, user=reader, name="reader")
    for n, status in enumerate(
        [CommentStatus.HELD, CommentStatus.SPAM, CommentStatus.REMOVED, CommentStatus.PENDING]
    ):
        post(second, f"{TEXTS[n]} ({status})", reply_to=top.pk if n % 2 else 0, status=status)
    gone = post(second, "To be deleted", reply_to=top.pk)
    comment_transition(comment_id=gone.pk, to_status=CommentStatus.DELETED, actor_label="test")


def snapshot() -> dict:
    """The site by natural keys: ids change on the way back."""
    rows = sorted(
        Comment.objects.select_related("article"),
        key=lambda c: (c.article.slug, c.submit_date.replace(microsecond=0), c.comment),
    )
    rank = {c.pk: n for n, c in enumerate(rows)}
    comments = [
        (
            c.article.slug, c.user_name, c.user_email, c.comment, c.comment_html,
            c.submit_date.replace(microsecond=0),
            None if c.parent_id == c.pk else rank[c.parent_id], c.level,
            CommentStatus.HELD if c.status == CommentStatus.PENDING else c.status,
        )
        for c in rows
    ]  # fmt: skip
    articles = sorted((a.slug, a.title, a.status, a.comment_count) for a in Article.objects.all())
    return {"comments": comments, "articles": articles}


def round_trip(tmp_path, export: str, load: str, *options: str) -> dict:
    path = tmp_path / "export.xml"
    call_command(export, "--output", str(path), *options, stderr=io.StringIO())
    Article.objects.all().delete()
    assert not Comment.objects.exists()
    out = io.StringIO()
    call_command(load, str(path), "--no-progress", stdout=out)
    return {"report": out.getvalue()}


@pytest.mark.parametrize(
    ("export", "load"),
    [("export_wordpress", "import_wordpress"), ("export_disqus", "import_disqus")],
)
def test_an_export_imports_back_into_an_empty_site_the_same(site, tmp_path, export, load):
    before = snapshot()
    result = round_trip(tmp_path, export, load)
    after = snapshot()
    if export == "export_disqus":
        # Disqus keeps a thread only for a page with comments: the draft had none.
        before["articles"] = [a for a in before["articles"] if a[1] != "Not yet"]
    assert after["articles"] == before["articles"]
    assert after["comments"] == before["comments"]
    assert "warning" not in result["report"].lower()
    # Pending comments come back held: an import is never scored.
    assert Comment.objects.filter(status=CommentStatus.DELETED).count() == 1


@pytest.mark.parametrize(
    ("export", "load"),
    [("export_wordpress", "import_wordpress"), ("export_disqus", "import_disqus")],
)
def test_an_export_read_back_into_its_own_site_doubles_no_comment(site, tmp_path, export, load):
    """The site's own export imported into it again recognises every comment still there,
    though WordPress's format writes dates to the second and posting stored microseconds."""
    path = tmp_path / "export.xml"
    call_command(export, "--output", str(path), stderr=io.StringIO())
    assert all(c.submit_date.microsecond for c in Comment.objects.all())
    before = Comment.objects.count()
    out = io.StringIO()
    call_command(load, str(path), "--no-progress", stdout=out)
    assert Comment.objects.count() == before
    assert f"0 added; {before} already imported." in out.getvalue()
