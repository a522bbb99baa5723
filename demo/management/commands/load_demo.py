"""Load Parley's demo content once per database: an author, an article, two updates,
threaded comments."""

import itertools
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
from ...models import DemoLoad


class Command(BaseCommand):
    help = "Load the demo article, its updates and comments (does nothing if already loaded)."

    def handle(self, *args, **options):
        loaded = DemoLoad.objects.exists()
        if loaded or Article.objects.filter(slug=demo.ARTICLE_SLUG).exists():
            # A database the demo was loaded into before this was recorded has its article.
            DemoLoad.objects.get_or_create(pk=1)
            if Article.objects.filter(slug=demo.ARTICLE_SLUG).exists():
                self.stdout.write("Demo content already loaded.")
            else:
                self.stdout.write(
                    "The demo was loaded into this database before, and its article has "
                    "since been deleted: it is not loaded again."
                )
            return
        groups_ensure()
        now = timezone.now()
        with transaction.atomic():
            DemoLoad.objects.create(pk=1)
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
        """A new account for the demo's author: an account already on the site (someone who
        signed up as "editor") is never given the Authors role by loading the demo."""
        user_model = get_user_model()
        taken = {
            name.lower()
            for name in user_model.objects.filter(username__istartswith="editor").values_list(
                "username", flat=True
            )
        }
        names = itertools.chain(["editor"], (f"editor-{n}" for n in itertools.count(2)))
        username = next(name for name in names if name not in taken)
        author = user_model(username=username, first_name="Clara", last_name="Mendes")
        author.set_unusable_password()
        author.save()
        author.groups.add(Group.objects.get(name=AUTHORS_GROUP))
        return author
