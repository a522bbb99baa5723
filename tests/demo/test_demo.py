import pytest
from django.core.management import call_command

from articles.models import Article, ArticleUpdate
from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_load_demo_is_idempotent_and_serves_a_threaded_article(client):
    """load_demo creates one article, two updates and twelve threaded comments, once."""
    call_command("load_demo")
    call_command("load_demo")
    article = Article.objects.get()
    assert ArticleUpdate.objects.count() == 2
    assert Comment.objects.filter(status="published").count() == 12
    assert Comment.objects.filter(level__gte=2).exists()
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.count('class="comment depth-') == 12
    assert html.count("Update, <time") == 2
    assert "<ul>" in html and "<ol>" in html and "Conclusion" in html


def test_a_deleted_demo_stays_deleted(capsys):
    """`make run` loads the demo each time it starts: once its article was deleted, it does
    not come back, and the command says why it loaded nothing."""
    call_command("load_demo")
    Article.objects.all().delete()
    capsys.readouterr()
    call_command("load_demo")
    assert not Article.objects.exists()
    assert "its article has since been deleted" in capsys.readouterr().out


def test_loading_the_demo_never_gives_an_existing_account_a_role(make_user):
    """A reader who signed up as "editor" stays a reader: the demo's author is an account of
    its own."""
    reader = make_user("Editor")
    call_command("load_demo")
    reader.refresh_from_db()
    assert not reader.groups.exists()
    byline = Article.objects.get().authors.get()
    assert byline.username == "editor-2" and byline.groups.filter(name="Authors").exists()
