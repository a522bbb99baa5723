"""The JSON backup keeps what readers and editors add to articles and comments: followers,
"notify me" choices, editor's picks and votes."""

import io
import json

import pytest
from django.contrib.auth import get_user_model

from articles.models import Article, ArticleUpdate
from articles.services import update_publish
from comments.models import Comment
from comments.models_votes import DOWN, UP, Vote
from comments.services.picks import comment_pick
from comments.services.votes import comment_vote
from core.roles import AUTHORS_GROUP, MODERATORS_GROUP
from readers.models import Follow
from readers.selectors import comment_address_proven
from transfer.json_backup import json_export
from transfer.services.importing import import_file

pytestmark = pytest.mark.django_db
SITE = "https://parley.example"


@pytest.fixture
def site(make_user, make_article, post, author):
    """An article with a confirmed and an unconfirmed follower, a picked comment with votes
    and one whose poster asked to hear of replies, and proved their address for it."""
    editor = make_user(
        "editor", email="editor@example.org", groups=[MODERATORS_GROUP, AUTHORS_GROUP]
    )
    reader = make_user("reader", email="reader@example.org")
    article = make_article(title="Harbour lights", authors=[author])
    Follow.objects.create(article=article, email="reader@example.org", user=reader, language="de")
    Follow.objects.create(article=article, email="guest@example.org")
    Follow.objects.filter(user=reader).update(confirmed_at="2024-05-01T10:00:00+00:00")
    picked = post(article, "Worth reading.", name="Guest", email="g@example.org")
    asked = post(
        article, "Tell me of replies.", name="Asker", email="a@example.org", email_verified=True
    )
    Comment.objects.filter(pk=asked.pk).update(followup=True)
    comment_pick(comment_id=picked.pk, picker=editor)
    comment_vote(comment_id=picked.pk, voter_key=f"user:{reader.pk}", value=UP)
    comment_vote(comment_id=picked.pk, voter_key="guest:abc123", value=UP, address_key="ip:a1")
    comment_vote(comment_id=picked.pk, voter_key="guest:def456", value=DOWN, address_key="ip:a1")


def kept() -> dict:
    """What must come back, by natural keys (ids change on a restore)."""
    follows = sorted(
        (f.email, f.user.username if f.user else "", f.confirmed_at, f.language, f.created_at)
        for f in Follow.objects.select_related("user")
    )
    comments = sorted(
        (
            c.comment, c.followup, c.picked_at, c.picked_by.username if c.picked_by else "",
            c.upvotes, c.downvotes, c.best_score, comment_address_proven(c),
        )
        for c in Comment.objects.select_related("picked_by")
    )  # fmt: skip
    votes = sorted(
        (v.comment.comment, v.voter_key, v.address_key, v.value, v.created_at)
        for v in Vote.objects.select_related("comment")
    )
    return {"follows": follows, "comments": comments, "votes": votes}


@pytest.mark.parametrize("version", [2, 1])
def test_a_restore_into_an_empty_site_keeps_followers_picks_votes_and_followups(
    site, tmp_path, version
):
    """Exported, then imported into an empty site: followers (confirmed or not, language,
    account), "notify me" choices, editor's picks, votes (a guest's with the address key
    that caps one address's votes) and their counts all come back,
    from the version written now (2) as from version 1 (which some releases wrote with
    all of these too)."""
    buffer = io.BytesIO()
    json_export(out=buffer, site_url=SITE)
    text = buffer.getvalue().decode()
    assert text.startswith('{"format":"parley-backup","version":2,')
    path = tmp_path / "backup.json"
    path.write_text(text.replace('"version":2,', f'"version":{version},', 1))
    before = kept()
    assert len(before["follows"]) == 2 and len(before["votes"]) == 3
    assert any(c[1] for c in before["comments"]) and any(c[2] for c in before["comments"])
    # The asker proved their address for that comment: their reply emails need it.
    assert [c[0] for c in before["comments"] if c[7]] == ["Tell me of replies."]
    Comment.objects.all().delete()
    Article.objects.all().delete()
    get_user_model().objects.all().delete()

    report = import_file(path=path, format="json")
    assert kept() == before
    assert report.follows_added == 2
    assert "Followers: 2 added." in report.lines()


def test_an_older_backup_without_these_keys_still_imports(tmp_path):
    """A backup written before followers, picks and votes were kept restores as before."""
    document = {
        "format": "parley-backup", "version": 1, "site": "https://old.example",
        "users": [],
        "articles": [{
            "id": 1, "title": "Old", "slug": "old", "body": "Text", "status": "published",
            "published_at": "2024-01-01T00:00:00+00:00", "updates": [],
            "comments": [{"id": 7, "parent": None, "name": "Ann", "text": "Hello",
                          "status": "published", "submitted_at": "2024-01-02T00:00:00+00:00"}],
        }],
    }  # fmt: skip
    path = tmp_path / "old.json"
    path.write_text(json.dumps(document))
    import_file(path=path, format="json")
    comment = Comment.objects.get()
    assert (comment.followup, comment.picked_at, comment.upvotes) == (False, None, 0)
    assert not Follow.objects.exists() and not Vote.objects.exists()


def test_a_site_restoring_its_own_backup_changes_nothing(site, make_user, post, tmp_path):
    """The site's own backup read back into it: articles, users (the account without an
    address too), updates, comments, follows and votes are recognised, none is doubled; a
    second reading of the file changes nothing and says so."""
    make_user("editor-without-address")
    article = Article.objects.get()
    post(article, "A reply.", reply_to=Comment.objects.first().pk, name="Replier")
    update_publish(article=article, author=None, body="Now on Sundays.")
    buffer = io.BytesIO()
    json_export(out=buffer, site_url=SITE)
    path = tmp_path / "own.json"
    path.write_bytes(buffer.getvalue())
    counts = {
        model: model.objects.count()
        for model in (get_user_model(), Article, ArticleUpdate, Comment, Follow, Vote)
    }
    before = kept()

    report = import_file(path=path, format="json")
    after = {model: model.objects.count() for model in counts}
    assert after == counts
    assert kept() == before
    assert report.comments_total == 0 and report.updates_added == 0
    assert report.comments_already_imported == counts[Comment]
    assert set(report.users) == {"matched"} and set(report.articles) == {"matched"}

    again = import_file(path=path, format="json")
    assert {model: model.objects.count() for model in counts} == counts
    assert again.same_file_as_run is not None
    assert "nothing was read or changed" in again.lines()[0]
    forced = import_file(path=path, format="json", force=True)
    assert {model: model.objects.count() for model in counts} == counts
    assert forced.comments_total == 0 and set(forced.users) == {"imported"}


CONFIRMED = "2024-05-01T10:00:00+00:00"


def follows_backup(tmp_path, article, follows: dict[str, str | None]):
    """A backup of `article` (found here by its slug) with these followers (address: when
    they confirmed, or None), written to a file."""
    document = {
        "format": "parley-backup", "version": 1, "site": "https://old.example", "users": [],
        "articles": [{
            "id": 1, "title": "Harbour", "slug": article.slug, "body": "Text",
            "status": "published", "published_at": "2024-01-01T00:00:00+00:00",
            "follows": [
                {"email": email, "user": None, "confirmed_at": confirmed_at,
                 "created_at": CONFIRMED, "language": ""}
                for email, confirmed_at in follows.items()
            ],
            "updates": [], "comments": [],
        }],
    }  # fmt: skip
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(document))
    return path


def test_a_follower_confirmed_in_the_backup_is_confirmed_here_without_an_email(
    make_article, tmp_path, django_capture_on_commit_callbacks
):
    """An address that follows here unconfirmed, and had confirmed where the backup comes
    from, is confirmed by the restore (as of its first confirmation); an unconfirmed
    follower in the backup stays unconfirmed; nobody is emailed, and no follow is doubled."""
    from django.core import mail

    article = make_article(title="Harbour")
    Follow.objects.create(article=article, email="fan@example.org")
    Follow.objects.create(
        article=article, email="here@example.org", confirmed_at=article.published_at
    )
    path = follows_backup(tmp_path, article, {
        "fan@example.org": CONFIRMED, "here@example.org": None, "new@example.org": None,
    })  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        report = import_file(path=path, format="json")
    follows = dict(Follow.objects.values_list("email", "confirmed_at"))
    assert set(follows) == {"fan@example.org", "here@example.org", "new@example.org"}
    assert follows["fan@example.org"].isoformat() == CONFIRMED
    assert follows["here@example.org"] == article.published_at
    assert follows["new@example.org"] is None
    assert report.follows_added == 1
    assert mail.outbox == []


def test_a_followers_address_is_matched_whatever_its_case(make_article, tmp_path):
    """A follower in the backup is matched here whatever the case of the address, as when
    following: one follow, confirmed by the backup's confirmation; an address new here is
    stored in lower case, as a follow made here would be."""
    article = make_article(title="Harbour")
    Follow.objects.create(article=article, email="fan@example.org")
    path = follows_backup(tmp_path, article, {
        "Fan@Example.org": CONFIRMED, "New@Example.org": None, "new@example.org": None,
    })  # fmt: skip
    report = import_file(path=path, format="json")
    follows = dict(Follow.objects.values_list("email", "confirmed_at"))
    assert set(follows) == {"fan@example.org", "new@example.org"}
    assert follows["fan@example.org"].isoformat() == CONFIRMED
    assert report.follows_added == 1
