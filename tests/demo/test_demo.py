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
