"""Load Parley's demo content once: an author, an article, two updates, threaded comments."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.models import Article
from articles.services import article_create, update_publish
from comments.models import Comment, CommentStatus
from comments.services import Poster, comment_submit
from core.roles import AUTHORS_GROUP, groups_ensure
from moderation.services import comment_transition

from ... import content as demo


class Command(BaseCommand):
    help = "Load the demo article, its updates and comments (does nothing if already loaded)."

    def handle(self, *args, **options):
        if Article.objects.filter(slug=demo.ARTICLE_SLUG).exists():
            self.stdout.write("Demo content already loaded.")
            return
        groups_ensure()
        now = timezone.now()
        with transaction.atomic():
            author = self._author()
            article = article_create(
                title=demo.ARTICLE_TITLE,
                slug=demo.ARTICLE_SLUG,
                standfirst=demo.ARTICLE_STANDFIRST,
                body=demo.ARTICLE_BODY,
                authors=[author],
                publish=True,
                published_at=now - timedelta(days=2),
            )
            for hours_ago, body in demo.UPDATES:
                update_publish(
                    article=article, author=author, body=body, when=now - timedelta(hours=hours_ago)
                )
        ids: dict[str, int] = {}
        for key, parent, name, url, text, minutes_ago in demo.COMMENTS:
            comment = comment_submit(
                article=article,
                poster=Poster(name=name, url=url),
                text=text,
                reply_to=ids[parent] if parent else 0,
            )
            ids[key] = comment.pk
            # Spread the demo conversation over the last day and a half.
            Comment.objects.filter(pk=comment.pk).update(
                submit_date=now - timedelta(minutes=minutes_ago)
            )
            comment_transition(
                comment_id=comment.pk, to_status=CommentStatus.PUBLISHED, actor_label="demo"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded “{article.title}” with {len(demo.UPDATES)} updates and "
                f"{len(ids)} comments."
            )
        )

    def _author(self):
        user_model = get_user_model()
        author, created = user_model.objects.get_or_create(
            username="editor", defaults={"first_name": "Clara", "last_name": "Mendes"}
        )
        if created:
            author.set_unusable_password()
            author.save()
        author.groups.add(Group.objects.get(name=AUTHORS_GROUP))
        return author
